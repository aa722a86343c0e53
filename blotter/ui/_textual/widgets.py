"""Widgets' hooks into Textual's private methods and attributes, behind public-looking names."""

from __future__ import annotations

from typing import Collection, TypeVar

from textual.content import Content
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import Input

Bar = TypeVar("Bar", bound=ScrollBar)


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """What Textual does to a widget's scrollbars for a new virtual size, without the layout that setting
    `virtual_size` makes."""
    widget._scroll_update(virtual_size)


def vertical_scrollbar(widget: Widget, kind: type[Bar]) -> Bar:
    """`Widget.vertical_scrollbar` (made when first asked for, as Textual makes it) but a `kind`."""
    if widget._vertical_scrollbar is None:
        widget._vertical_scrollbar = kind(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
        widget._vertical_scrollbar.display = False
        widget.app._start_widget(widget, widget._vertical_scrollbar)
    return widget._vertical_scrollbar  # type: ignore[return-value]


def set_border_text(widget: Widget, *, title: str | None = None, subtitle: str | None = None) -> None:
    """Set the border's title and/or subtitle as they are (not read as markup: a filter typed as `[/]`),
    without the refresh of the whole widget Textual's setters make: the caller refreshes the line."""
    if title is not None:
        widget._border_title = _plain(title)
    if subtitle is not None:
        widget._border_subtitle = _plain(subtitle)


def _plain(text: str) -> Content:
    """A border text as Textual's setter keeps it (tabs expanded, the first line), but not markup."""
    return Content(text).expand_tabs(4).split()[0]


class CheckedRepaintScrollBar(ScrollBar):
    """A ScrollBar asked, as the screen gathers what to draw, whether its cells need sending again."""

    def _exchange_repaint_regions(self) -> Collection[Region]:
        regions = super()._exchange_repaint_regions()
        if regions and self.looks_as_sent():
            return ()
        return regions

    def looks_as_sent(self) -> bool:
        """The bar, as this frame will show it, looks as the terminal has it: nothing to send."""
        return False


class ValueHookInput(Input):
    """An Input told of each new value just before Textual's own handling of it (which sets its virtual
    size) and just after, in the same turn as the key."""

    def _watch_value(self, value: str) -> None:
        self.value_coming(value)
        super()._watch_value(value)
        self.value_came(value)

    def value_coming(self, value: str) -> None:
        pass

    def value_came(self, value: str) -> None:
        pass
