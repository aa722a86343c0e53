"""What the app makes of an alt+key: Esc and the key pressed after it, unless the config binds it."""

from __future__ import annotations

from textual.events import Key

from blotter.ui.bindings import escape_then_key


def split(key: str, char: str | None, bound: set[str] = set()) -> list[tuple[str, str | None]] | None:
    keys = escape_then_key(Key(key, char), bound)
    return None if keys is None else [(k.key, k.character) for k in keys]


def test_an_alt_key_with_a_printable_character_is_escape_then_that_key():
    assert split("alt+n", "n") == [("escape", "\x1b"), ("n", "n")]
    assert split("alt+slash", "/") == [("escape", "\x1b"), ("slash", "/")]
    assert split("alt+Q", "Q") == [("escape", "\x1b"), ("Q", "Q")]


def test_escape_and_a_digit_read_as_an_option_character_is_escape_then_the_digit():
    assert split("inverted_exclamation_mark", "¡") == [("escape", "\x1b"), ("1", "1")]  # Textual: Esc 1 -> ¡
    assert split("trade_mark_sign", "™") == [("escape", "\x1b"), ("2", "2")]


def test_an_alt_key_the_config_binds_and_keys_without_a_character_stay_as_they_are():
    assert split("alt+n", "n", {"alt+n", "o"}) is None
    assert split("alt+up", None) is None
    assert split("ctrl+right", None) is None  # what Textual also reads Esc f as
    assert split("n", "n") is None
    assert split("escape", "\x1b") is None
