"""The filter's shortcut (search only the rows in view, only for the words they may lack) keeps
exactly the rows a search of every row for every word would."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from blotter.ui.filtering import keep, narrows, still_to_check, words

ALPHABET = "ab1. "
rows = st.lists(st.text(ALPHABET, max_size=10), max_size=30)
typed = st.text(ALPHABET, max_size=6)


def every_row(texts: list[str], wanted: list[str]) -> list[int]:
    return [n for n, text in enumerate(texts) if all(word in text for word in wanted)]


@given(rows, typed, typed)
def test_a_filter_keeps_the_rows_holding_every_word(texts, first, more):
    """`first` then `first + more`, as typed: when the second narrows the first, searching only what
    the first kept, for the words it may lack, gives what searching every row gives."""
    old, new = words(first), words(first + more)
    shown = keep(list(range(len(texts))), texts.__getitem__, old)
    assert shown == every_row(texts, old)
    assert keep(list(range(len(texts))), texts.__getitem__, old, texts=texts) == shown, "reading the texts straight"
    if narrows(old, new):
        assert keep(shown, texts.__getitem__, still_to_check(old, new)) == every_row(texts, new)
        assert keep(shown, texts.__getitem__, still_to_check(old, new), texts=texts) == every_row(texts, new)


@given(rows, typed, typed)
def test_narrows_only_when_no_row_could_come_back(texts, first, second):
    old, new = words(first), words(second)
    if narrows(old, new):
        assert set(every_row(texts, new)) <= set(every_row(texts, old))


def test_typing_on_a_word_narrows_and_deleting_does_not():
    assert narrows(["aap"], ["aapl"]) and still_to_check(["aap"], ["aapl"]) == ["aapl"]
    assert narrows(["aapl"], ["aapl", "s"]) and still_to_check(["aapl"], ["aapl", "s"]) == ["s"]
    assert narrows(["aapl"], ["aapl"]) and still_to_check(["aapl"], ["aapl"]) == []
    assert not narrows(["aapl"], ["aap"]) and not narrows([], ["a"]) and not narrows(["a"], [])
