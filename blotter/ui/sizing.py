"""Giving a scrollable widget a new virtual size without laying out the whole screen.

Textual's `virtual_size` is a layout reactive: every change lays out and repaints every widget on the
screen. When the widget's own size does not depend on its content (no `auto` width or height), a new
virtual size can move nothing but its scrollbars, and those lay the widget out themselves when they
appear or go. The fills table growing by a row, the filter line growing by a letter: each then costs
the lines that changed.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget

from blotter.ui._textual import update_scrollbars


def resize(widget: Widget, size: Size) -> None:
    if size == widget.virtual_size:
        return
    if widget.is_mounted and widget.container_size and not widget.styles.auto_dimensions:
        widget.set_reactive(Widget.virtual_size, size)
        update_scrollbars(widget, size)
    else:
        widget.virtual_size = size
