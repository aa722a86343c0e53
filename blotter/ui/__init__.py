"""The only package that imports `textual`: the app, screens, widgets, bindings and theme loading."""
