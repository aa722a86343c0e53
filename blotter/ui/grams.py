"""Which rows hold each letter and each pair of letters: a bitmap apiece, so that a filter keystroke
over a day of fills is a few ANDs of bitmaps, not a search of every row's text.

A typed word never holds a space (filtering.words splits on them), so only the letters and pairs
inside a row's space-free tokens are kept. A word of one or two letters is answered exactly; for a
longer word the bitmaps of its pairs give the rows that may hold it, and only those need searching.

The index also keeps the start every row's text shares (`shared`): a word inside it is in every row,
with nothing to search. The fills' texts start with the exec id, and the fills of a TWS session share
its first part: the first dozen keys of an exec id typed or pasted keep every fill at no cost. And it
counts the rows holding each token of the first row: a word inside a token every row holds (the
exchange, the currency, the account of a one-account day) is in every row too; `isl` over a day of
ISLAND fills searched all 100,000 texts for it.
"""

from __future__ import annotations

from operator import add
from os.path import commonprefix
from typing import Iterable

ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")
KNOWN_LONGEST, KNOWN_MOST = 12, 50_000  # tokens whose grams are remembered (sides, symbols, prices repeat)


def grams(token: str) -> frozenset[str]:
    """The letters of a token and its pairs of neighbouring letters."""
    return frozenset(token).union(map(add, token, token[1:]))


class GramIndex:
    """Rows' texts, added in order, and their bitmaps; a row's text may change later (see change)."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.shared = ""  # the start every row's text shares (may be shorter, after a change)
        self._bits: dict[str, bytearray] = {}  # gram -> one bit a row (row r: byte r // 8, bit r % 8)
        self._size = 0  # bytes in every bitmap
        self._known: dict[str, frozenset[str]] = {}
        self._held: dict[str, int] = {}  # each token of the first row -> the rows that hold it

    @property
    def rows(self) -> int:
        return len(self.texts)

    def add(self, texts: Iterable[str]) -> None:
        """The texts of the next rows."""
        held = self._held
        for text in texts:
            if not self.texts:
                held = self._held = dict.fromkeys(text.split(), 0)
            for token in held.keys() & text.split():
                held[token] += 1
            self._set(len(self.texts), self._of(text))
            self._share(text)
            self.texts.append(text)

    def change(self, row: int, text: str) -> None:
        """A row's text is now `text`."""
        before, after = self._of(self.texts[row]), self._of(text)
        at, keep = row >> 3, ~(1 << (row & 7)) & 0xFF
        for gram in before - after:
            self._bits[gram][at] &= keep
        self._set(row, after - before)
        self._share(text)
        held, was, now = self._held, set(self.texts[row].split()), set(text.split())
        for token in held.keys() & (was ^ now):
            held[token] += 1 if token in now else -1
        self.texts[row] = text

    def everywhere(self, word: str) -> bool:
        """Every row holds `word` (False: some may not)."""
        rows = len(self.texts)
        return bool(rows) and (word in self.shared
                               or any(word in token for token, n in self._held.items() if n == rows))

    def _share(self, text: str) -> None:
        if not self.texts:
            self.shared = text
        elif not text.startswith(self.shared):
            self.shared = commonprefix([self.shared, text])

    def flags(self, word: str) -> bytes:
        """One byte a row: 1 where the row may hold `word` (exactly where it does, for one or two
        letters), else 0."""
        found = -1
        for gram in set(map(add, word, word[1:])) if len(word) > 1 else word:
            bits = self._bits.get(gram)
            if bits is None:
                return bytes(self.rows)
            found &= int.from_bytes(bits, "little")
        # the bitmap as text, lowest row first: '0' and '1' turned into bytes 0 and 1 (in C, no loop a row)
        out = format(found, "b")[::-1].encode().translate(ZERO_ONE)[: self.rows]
        return out + bytes(self.rows - len(out))

    def _of(self, text: str) -> set[str]:
        known, out = self._known, set[str]()
        for token in text.split():
            these = known.get(token)
            if these is None:
                these = grams(token)
                if len(token) <= KNOWN_LONGEST:  # an exec id is its own: not worth remembering
                    if len(known) >= KNOWN_MOST:
                        known.clear()
                    known[token] = these
            out |= these
        return out

    def _set(self, row: int, these: Iterable[str]) -> None:
        at, bit = row >> 3, 1 << (row & 7)
        if at >= self._size:  # room for twice as many rows in every bitmap: seldom
            grow = max(at + 1, 2 * self._size, 1024) - self._size
            for bits in self._bits.values():
                bits.extend(bytes(grow))
            self._size += grow
        every = self._bits
        for gram in these:
            row_bits = every.get(gram)
            if row_bits is None:
                row_bits = every[gram] = bytearray(self._size)
            row_bits[at] |= bit
