"""Setting the app's theme before its stylesheet is read."""

from __future__ import annotations

from textual.app import App


def set_theme_unread(app: App, name: str) -> None:
    """What App._watch_theme does with a new theme, but the CSS refresh (none has been read yet); the
    caller sets the stylesheet's variables."""
    app.set_reactive(App.theme, name)
    theme = app.current_theme
    app.set_class(True, f"-theme-{theme.name}", update=False)
    app.set_class(theme.dark, "-dark-mode", update=False)
    app.set_class(not theme.dark, "-light-mode", update=False)
    app._refresh_truecolor_filter(app.ansi_theme)
