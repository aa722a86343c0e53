"""The only package that imports `textual`: the app, screens, widgets, bindings and theme loading.

Importing it, or any module of it, changes nothing process-wide: what the blotter changes (Textual's
frame rate, the interpreter's switch interval) `blotter.ui._textual.install()` does, once, as the app
is made. Every use of Textual's private names is in `blotter.ui._textual`.
"""
