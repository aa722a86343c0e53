"""The filter's shortcuts (search only the rows in view, only for the words they may lack; ask the
rows' letter-pair bitmaps first) keep exactly the rows a search of every row for every word would."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from blotter.ui.filtering import keep, narrows, still_to_check, words
from blotter.ui.grams import GramIndex

ALPHABET = "ab1. "
rows = st.lists(st.text(ALPHABET, max_size=10), max_size=30)
typed = st.text(ALPHABET, max_size=6)


def every_row(texts: list[str], wanted: list[str]) -> list[int]:
    return [n for n, text in enumerate(texts) if all(word in text for word in wanted)]


@given(rows, typed, typed)
@example(["ab.b1", "ab1", "b"], "ab", "1")  # "ab.b1" has the pairs of "ab1" but not "ab1"
@example(["ab1.a", "ab1 b", "ab1."], "b1", " a")  # every row starts with "ab1"
def test_a_filter_keeps_the_rows_holding_every_word(texts, first, more):
    """`first` then `first + more`, as typed: when the second narrows the first, searching only what
    the first kept, for the words it may lack, gives what searching every row gives."""
    old, new = words(first), words(first + more)
    index = GramIndex()
    index.add(texts)
    shown = keep(list(range(len(texts))), texts.__getitem__, old)
    assert shown == every_row(texts, old)
    assert keep(list(range(len(texts))), texts.__getitem__, old, index=index, ordered=True) == shown
    backwards = list(reversed(range(len(texts))))  # a sorted view: every row, not in order
    assert keep(backwards, texts.__getitem__, old, index=index) == shown[::-1]
    if narrows(old, new):
        check = still_to_check(old, new)
        assert keep(shown, texts.__getitem__, check) == every_row(texts, new)
        assert keep(shown, texts.__getitem__, check, index=index, ordered=True) == every_row(texts, new)


@given(rows, st.lists(st.tuples(st.integers(0, 29), st.text(ALPHABET, max_size=10)), max_size=10), typed)
@example(["ab 1", "b1"], [(0, "1. b")], "ab")  # row 0 no longer has "a", "ab"
@example(["ab 1", "b1"], [(0, "1. b")], "1.")  # row 0 now has "1." (a pair it did not have)
@example(["ab1 a", "ab1 b"], [(1, "a b")], "ab1")  # the start the rows shared is no longer shared
@example(["1 ab. b", "a ab.", "ab. 1"], [], "b.")  # every row holds the token "ab."
@example(["1 ab. b", "a ab.", "ab. 1"], [(2, "ab 1")], "b.")  # ... and then one row no longer does
@example(["1 ab. b", "a ab.", "ab. 1"], [(0, "1 b"), (0, "ab. b")], "b.")  # ... and then holds it again
def test_the_bitmaps_follow_rows_whose_text_changed(texts, changes, typed):
    """A fill's text changes when its commission comes: the bitmaps then answer for the new text. The
    rows come in two slices, as the fills pane indexes them between frames."""
    index = GramIndex()
    index.add(texts[: len(texts) // 2])
    index.add(texts[len(texts) // 2:])
    texts = list(texts)
    for row, text in changes:
        if row < len(texts):
            index.change(row, text)
            texts[row] = text
    wanted = words(typed)
    kept = keep(list(range(len(texts))), texts.__getitem__, wanted, index=index, ordered=True)
    assert kept == every_row(texts, wanted)


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


def test_bitmaps_of_a_day_of_fills_answer_a_pair_straight():
    """Over more rows than a bitmap is first made for (1,024 bytes: 8,192 rows), in a changed row too."""
    texts = [f"{'bot aapl' if n % 3 else 'sld msft'} {n}" for n in range(20_000)]
    index = GramIndex()
    index.add(texts)
    index.change(19_999, "bot nvda 19999")
    texts[19_999] = "bot nvda 19999"
    for word in ("ms", "aa", "nv", "99", "l"):
        assert keep(list(range(20_000)), texts.__getitem__, [word], index=index, ordered=True) \
            == every_row(texts, [word]), word


def test_a_word_every_row_holds_keeps_them_all_and_one_not_in_every_row_is_searched_for():
    texts = [f"0000e0d5.{n:08x}.01.01 {('bot', 'sld')[n % 2]} aapl" for n in range(1_000)]
    index = GramIndex()
    index.add(texts)
    assert index.everywhere("0000e0d5.00000") and index.everywhere("e0d5"), "in the start all rows share"
    assert index.everywhere("aap"), "inside a token every row holds"
    assert not index.everywhere("bot") and not index.everywhere("0000e0d5.000001")
    assert keep(list(range(1_000)), texts.__getitem__, ["0000e0d5.000001"], index=index, ordered=True) \
        == every_row(texts, ["0000e0d5.000001"])
    texts[3] = "0000e0d6.00000003.01.01 sld msft"
    index.change(3, texts[3])
    assert not index.everywhere("0000e0d5") and index.everywhere("0000e0d")
    assert not index.everywhere("aap")
    assert keep(list(range(1_000)), texts.__getitem__, ["aap"], index=index, ordered=True) \
        == every_row(texts, ["aap"]) == [n for n in range(1_000) if n != 3]
