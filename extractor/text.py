"""Text that remembers where it came from.

Normalisation rewrites the decoded input in several passes (HTML tags out, full-width digits
to ASCII, page footers out, ...). Every value we report must point back into the input as
decoded, so each pass records how its output maps onto its input, and `MappedText.origin`
composes the passes back to the original offsets.

A pass is a list of segments. A segment copies (or rewrites character for character) a run
of its input, so positions inside it map linearly; or it replaces a run with text of another
length, so every position inside maps to the whole replaced run. Deleted runs leave no
segment: the next segment simply starts further on in the input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class _Pass:
    new_starts: tuple[int, ...]
    old_starts: tuple[int, ...]
    new_lens: tuple[int, ...]
    old_lens: tuple[int, ...]

    def start(self, pos: int) -> int:
        """Input offset of the character at output offset `pos`."""
        i = bisect_right(self.new_starts, pos) - 1
        if i < 0:
            return 0
        if self.new_lens[i] == self.old_lens[i]:
            return self.old_starts[i] + min(pos - self.new_starts[i], self.old_lens[i])
        return self.old_starts[i]

    def end(self, pos: int) -> int:
        """Input offset just past the character that ends at output offset `pos`."""
        if pos <= 0:
            return 0
        i = bisect_right(self.new_starts, pos - 1) - 1
        if i < 0:
            return 0
        if self.new_lens[i] == self.old_lens[i]:
            return self.old_starts[i] + min(pos - self.new_starts[i], self.old_lens[i])
        return self.old_starts[i] + self.old_lens[i]


Replacement = str | Callable[[re.Match[str]], str]


class CharMap:
    """A one-character-to-one-character rewrite. Applied by a regex over the characters it
    changes: `str.translate` with a dict looks up every character of the text, and takes
    five to ten times as long on Chinese text, where few characters change."""

    def __init__(self, table: dict[str, str]) -> None:
        if any(len(k) != 1 or len(v) != 1 for k, v in table.items()):
            raise ValueError("a CharMap maps one character to one character")
        self._table = table
        self._pattern = re.compile("[" + "".join(re.escape(k) for k in sorted(table)) + "]")

    def apply(self, text: str) -> str:
        table = self._table
        return self._pattern.sub(lambda m: table[m.group()], text)


@dataclass(frozen=True)
class MappedText:
    """A normalised text plus the passes that lead back to `original`."""

    text: str
    original: str
    passes: tuple[_Pass, ...] = ()

    @classmethod
    def of(cls, original: str) -> MappedText:
        return cls(original, original)

    def origin(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in `original` of the normalised span [start, end)."""
        if start >= end:
            for p in reversed(self.passes):
                start = p.start(start)
            return start, start
        s, e = start, end
        for p in reversed(self.passes):
            s, e = p.start(s), p.end(e)
        return s, e

    def snippet(self, start: int, end: int) -> tuple[int, int, str]:
        s, e = self.origin(start, end)
        return s, e, self.original[s:e]

    def translate(self, table: CharMap) -> MappedText:
        """Rewrite character for character: no offset moves, so no pass is recorded."""
        return MappedText(table.apply(self.text), self.original, self.passes)

    def sub(self, pattern: re.Pattern[str], repl: Replacement) -> MappedText:
        """Like `pattern.sub(repl, text)`, recording where every output character came from."""
        text = self.text
        pieces: list[str] = []
        new_starts: list[int] = []
        old_starts: list[int] = []
        new_lens: list[int] = []
        old_lens: list[int] = []
        out = 0

        def emit(piece: str, old_start: int, old_len: int) -> None:
            nonlocal out
            if piece:
                new_starts.append(out)
                old_starts.append(old_start)
                new_lens.append(len(piece))
                old_lens.append(old_len)
                pieces.append(piece)
                out += len(piece)

        pos = 0
        changed = False
        literal = None if callable(repl) or "\\" in repl else repl  # no template to expand
        for m in pattern.finditer(text):
            s, e = m.span()
            if literal is not None:
                new = literal
            elif callable(repl):
                new = repl(m)
            else:
                new = m.expand(repl)
            if new == m.group(0):
                continue
            changed = True
            emit(text[pos:s], pos, s - pos)
            emit(new, s, e - s)
            pos = e
        if not changed:
            return self
        emit(text[pos:], pos, len(text) - pos)
        step = _Pass(tuple(new_starts), tuple(old_starts), tuple(new_lens), tuple(old_lens))
        return MappedText("".join(pieces), self.original, (*self.passes, step))
