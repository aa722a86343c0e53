"""Textual's reading of the terminal's key bytes, as escape_then_key (blotter.ui.bindings) undoes it."""

from __future__ import annotations

from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.keys import _character_to_key

# Textual's reading of Esc and a character as another character (Esc 1 -> ¡): that character -> the one
# typed after Esc. (Its readings as keys, Esc f as ctrl+right, are left: a real ctrl+right reads the same.)
AFTER_ESCAPE = {value: sequence[1] for sequence, value in ANSI_SEQUENCES_KEYS.items()
                if len(sequence) == 2 and sequence[0] == "\x1b" and isinstance(value, str)}


def character_to_key(character: str) -> str:
    """The key name Textual gives a typed character (`a`, `exclamation_mark`)."""
    return _character_to_key(character)
