"""What the `/` filter keeps: the rows whose text holds every word typed.

A pane gives each row's text (its cells, lower case) by key, so a keystroke over a day of fills is one
pass in C (`map`, `compress`) per word, not a Python loop with a call per row. As a word is typed,
only the rows already in view are searched, and only for the word that grew.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import contains
from typing import Callable, Hashable, Sequence


def words(text: str) -> list[str]:
    return text.lower().split()


def narrows(old: Sequence[str], new: Sequence[str]) -> bool:
    """Every row the new words keep was kept by the old ones: each old word lies inside a new word."""
    return bool(old) and all(any(o in w for w in new) for o in old)


def still_to_check(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """The new words a row kept by the old ones may lack: a word inside an old word it already has."""
    return [w for w in new if not any(w in o for o in old)]


def keep(keys: Sequence[Hashable], text_of: Callable[[Hashable], str], wanted: Sequence[str], *,
         texts: Sequence[str] | None = None) -> list[Hashable]:
    """The keys whose text holds every wanted word, in order: a new list.

    `text_of` should be a lookup that runs in C (a list's or dict's __getitem__): then each word is
    one pass in C over the rows, and no list is made but the one kept. `texts`: every row's text,
    when the keys are row numbers in ascending order; while the keys are all of them (the first word
    typed over a whole day of fills), the texts are read straight, with no lookup per row (a third
    less work)."""
    kept = keys
    for word in wanted:
        these = texts if texts is not None and len(kept) == len(texts) else map(text_of, kept)
        kept = list(compress(kept, map(contains, these, repeat(word))))
    return kept if kept is not keys else list(keys)
