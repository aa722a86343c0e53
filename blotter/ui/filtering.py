"""What the `/` filter keeps: the rows whose text holds every word typed.

A pane gives each row's text (its cells, lower case) by key, so a keystroke over a day of fills is one
pass in C (`map`, `compress`) per word, not a Python loop with a call per row. The fills pane also
gives its rows' letters and pairs of letters (grams.GramIndex), so a short word needs no search at
all. As a word is typed, only the rows already in view are searched, and only for the word that grew.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import contains
from typing import Any, Callable, Sequence, cast

from blotter.ui.grams import GramIndex

Key = Any  # a row's key: whatever its pane keys rows by (row numbers, order keys, tuples), hashable


def words(text: str) -> list[str]:
    return text.lower().split()


def narrows(old: Sequence[str], new: Sequence[str]) -> bool:
    """Every row the new words keep was kept by the old ones: each old word lies inside a new word."""
    return bool(old) and all(any(o in w for w in new) for o in old)


def still_to_check(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The new words a row kept by the old ones may lack: a word inside an old word it already has."""
    return [w for w in new if not any(w in o for o in old)]


def keep(keys: Sequence[Key], text_of: Callable[[Key], str], wanted: Sequence[str], *,
         index: GramIndex | None = None, ordered: bool = False) -> list[Key]:
    """The keys whose text holds every wanted word, in order: a new list.

    `text_of` should be a lookup that runs in C (a list's or dict's __getitem__): then each word is
    one pass in C over the rows, and no list is made but the one kept.

    `index`: when the keys are row numbers, the rows' texts and bitmaps. A word inside the start all
    their texts share keeps every row; else each word first keeps the rows its bitmaps allow, and
    only a word of three letters or more is then searched for, in those rows. `ordered`: the keys are
    in ascending order, so while they are all the rows (a word typed over a whole day of fills) the
    bitmap and the texts are read straight, with no lookup a row."""
    kept = keys
    for word in wanted:
        if index is not None:
            if index.everywhere(word):
                continue
            flags = index.flags(word)
            every = ordered and len(kept) == index.rows
            if not (every and 0 not in flags):  # else every row may hold it: all kept
                kept = list(compress(kept, flags if every else map(flags.__getitem__, kept)))
            if len(word) <= 2:  # the bitmaps answered exactly
                continue
        these = index.texts if index is not None and ordered and len(kept) == index.rows else map(text_of, kept)
        kept = list(compress(kept, map(contains, these, repeat(word))))
    return list(keys) if kept is keys else cast(list, kept)  # a new list either way
