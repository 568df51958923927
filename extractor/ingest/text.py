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
    """The changes one rewrite made, in order: change k replaced input[old_starts[k] :
    old_starts[k] + old_lens[k]] with new_lens[k] characters at output offset new_starts[k].
    Text between changes was copied."""

    new_starts: tuple[int, ...]
    old_starts: tuple[int, ...]
    new_lens: tuple[int, ...]
    old_lens: tuple[int, ...]

    def start(self, pos: int) -> int:
        """Input offset of the character at output offset `pos`."""
        i = bisect_right(self.new_starts, pos) - 1
        if i < 0:
            return pos
        ns, os_, nl, ol = self.new_starts[i], self.old_starts[i], self.new_lens[i], self.old_lens[i]
        if pos < ns + nl:  # inside the replacement
            return os_ + (pos - ns) if nl == ol else os_
        return os_ + ol + (pos - ns - nl)

    def end(self, pos: int) -> int:
        """Input offset just past the character that ends at output offset `pos`."""
        if pos <= 0:
            return 0
        i = bisect_right(self.new_starts, pos - 1) - 1
        if i < 0:
            return pos
        ns, os_, nl, ol = self.new_starts[i], self.old_starts[i], self.new_lens[i], self.old_lens[i]
        if pos - 1 < ns + nl:  # the character is part of the replacement
            return os_ + (pos - ns) if nl == ol else os_ + ol
        return os_ + ol + (pos - ns - nl)


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
        """Like `pattern.sub(repl, text)`, recording where every output character came from.

        The regex engine builds the new text; only the span and length of each replacement
        are kept, which is all `origin` needs."""
        text = self.text
        spans: list[tuple[int, int]] = []
        lengths: list[int] = []
        if callable(repl):
            function = repl

            def record(m: re.Match[str]) -> str:
                new = function(m)
                spans.append(m.span())
                lengths.append(len(new))
                return new

            out = pattern.sub(record, text)
        elif "\\" in repl:  # a template: each match may expand to another length

            def expand(m: re.Match[str]) -> str:
                new = m.expand(repl)
                spans.append(m.span())
                lengths.append(len(new))
                return new

            out = pattern.sub(expand, text)
        else:  # a literal: one scan finds the matches, and the text is joined around them
            spans = [m.span() for m in pattern.finditer(text)]
            if not spans:
                return self
            pieces = []
            pos = 0
            for s, e in spans:
                pieces.append(text[pos:s])
                pos = e
            pieces.append(text[pos:])
            out = repl.join(pieces)
            lengths = [len(repl)] * len(spans)
        if out == text:
            return self
        new_starts: list[int] = []
        shift = 0
        for (s, e), n in zip(spans, lengths, strict=True):
            new_starts.append(s + shift)
            shift += n - (e - s)
        step = _Pass(
            tuple(new_starts),
            tuple(s for s, _ in spans),
            tuple(lengths),
            tuple(e - s for s, e in spans),
        )
        return MappedText(out, self.original, (*self.passes, step))
