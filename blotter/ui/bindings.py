"""Every key binding in one place: an id (for remapping in the config file), the key and what it does."""

from __future__ import annotations

from typing import Container

from textual.binding import Binding, BindingType
from textual.events import Key

from blotter.ui._textual import AFTER_ESCAPE, character_to_key

# id, default key(s), action, description, shown in the footer
KEYS: list[tuple[str, str, str, str, bool]] = [
    ("ticket", "n", "ticket", "New order", True),
    ("modify", "m", "modify", "Modify", True),
    ("cancel", "c", "cancel", "Cancel", True),
    ("cancel_all", "C", "cancel_all", "Cancel all", True),
    ("finished", "d", "toggle_finished", "Working/done", True),
    ("filter", "slash", "filter", "Filter", True),
    ("sort", "s", "sort(1)", "Sort", False),
    ("sort_reverse", "S", "sort(-1)", "Reverse sort", False),
    ("orders", "1", "focus_pane('orders')", "Orders", False),
    ("fills", "2", "focus_pane('fills')", "Fills", False),
    ("commissions", "3", "focus_pane('commissions')", "Commissions", False),
    ("messages", "4", "focus_pane('messages')", "Messages", False),
    ("positions", "5", "focus_pane('positions')", "Positions (in the commissions' place)", False),
    ("flatten", "f", "flatten", "Close the selected position (a ticket)", False),
    ("kill", "K", "kill_switch", "Kill switch: cancel all, close all", False),
    ("day", "D", "switch_day", "Day from the journal", False),
    ("export", "e", "export_pane", "Export pane to CSV", False),
    ("help", "question_mark", "help", "Help", True),
    ("quit", "q", "quit", "Quit", True),
]


# Keys that open a screen or move the focus act the moment they arrive (priority), so what is typed
# right after them in one burst (`2jj`, `2/spy`) lands where they sent it, not where the focus was: Textual
# hands each key to the widget focused when it comes, before the one ahead of it has been acted on. The
# app turns these off while a text field has focus (they are text there).
AT_ONCE = {"ticket", "filter", "finished", "orders", "fills", "commissions", "messages", "positions"}


def app_bindings() -> list[BindingType]:
    bindings: list[BindingType] = [
        Binding(key, action, description, show=show, id=binding_id, priority=binding_id in AT_ONCE)
        for binding_id, key, action, description, show in KEYS]
    # and Esc in a filter line, at once too: the key typed after it is for the table, or opens a ticket
    return bindings + [Binding("escape", "leave_filter", "Clear the filter", show=False, priority=True)]


def keymap(remap: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The config file's [keys] table as Textual's keymap, and the ids it names that do not exist."""
    known = {binding_id for binding_id, *_ in KEYS}
    return {k: v for k, v in remap.items() if k in known}, sorted(set(remap) - known)


def escape_then_key(event: Key, bound: Container[str]) -> list[Key] | None:
    """Esc and the key typed after it, when the terminal's bytes came as one alt+key; else None.

    A terminal sends alt+q as Esc then q, so Textual reads Esc followed by a key within its escape
    delay (0.1 s), or in the same read as over a slow SSH link, as alt+key; and Esc followed by a
    digit (or § - =) as the character macOS's Option key gives with it (¡ for Esc 1). The blotter
    binds no alt+key unless the config file's [keys] does (`bound`), and none of those characters:
    on the main screen such a key is the two keys the trader pressed, Esc to leave the filter and then
    the key (n for a ticket, 1-4 to switch pane, q to quit), not a letter typed into the filter. (The
    app does not ask this in a dialog, where the key could reach it before the Esc has closed it: a
    y would confirm a cancel the Esc meant to keep.)
    """
    key, char = event.key, event.character
    if key in bound or char is None or len(char) != 1:
        return None
    if key.startswith("alt+") and char.isprintable():
        typed = char
    elif char in AFTER_ESCAPE:
        typed = AFTER_ESCAPE[char]
    else:
        return None
    return [Key("escape", "\x1b"), Key(character_to_key(typed), typed)]
