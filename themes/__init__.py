"""Theme files (TOML), installed as the package data `blotter.themes`. See blotter/ui/theme.py for the format."""
