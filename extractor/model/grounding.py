"""Finding a model's verbatim snippet in the report, so that its values get offsets.

The model copies text from a chunk we rendered for it (tabs as " | ", full-width forms
possibly half-width, line breaks possibly spaces). Alignment therefore compares the
normalised report text and the normalised snippet with whitespace and cell separators
removed, on the characters themselves: no re-tokenising, no fuzzy similarity. A snippet
that is not there is not there, and its values are not used.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from extractor.ingest.normalise import normalise

Number = int | float
_SKIP = re.compile(r"[\s|]+")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def _canonical(snippet: str) -> str:
    return _SKIP.sub("", normalise(snippet).text)


@dataclass(frozen=True)
class Grounded:
    value: Number | None  # None: a cell the model read as blank
    start: int  # offsets in the normalised text
    end: int


class Grounder:
    """Locates snippets in one normalised text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.positions = [m.start() for m in re.finditer(r"[^\s|]", text)]
        self.compact = "".join(text[i] for i in self.positions)

    def find(self, snippet: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """The span of `snippet` in the text between `start` and `end`, or None."""
        needle = _canonical(snippet)
        if not needle:
            return None
        lo = bisect_left(self.positions, start)
        hi = bisect_left(self.positions, len(self.text) if end is None else end)
        i = self.compact.find(needle, lo, hi)
        if i < 0:
            return None
        return self.positions[i], self.positions[i + len(needle) - 1] + 1

    def values(self, values: list[Number | None], start: int, end: int) -> list[Grounded | None]:
        """Each value located among the numbers printed in [start, end), in order.

        Values must follow one another in the text: a value that is not the next printed
        number is None (ungrounded), so a model that shifts a row by a column cannot ground
        it. A value may be a piece of a glued digit run ("520000052"): the run is consumed
        digit by digit. Blank cells (None) have nothing printed and consume nothing.
        """
        tokens = [(m.start(), m.group(0)) for m in _NUMBER.finditer(self.text, start, end)]
        out: list[Grounded | None] = []
        ti, used = 0, 0  # next token, and how many of its digits are already consumed
        for v in values:
            if v is None or ti >= len(tokens):
                out.append(None)
                continue
            pos, tok = tokens[ti]
            rest = tok[used:]
            printed = _printed(v)
            if _same(rest, v):
                out.append(Grounded(v, pos + used, pos + len(tok)))
                ti, used = ti + 1, 0
            elif (
                rest.isdigit()
                and printed.isdigit()
                and len(rest) > len(printed)
                and rest.startswith(printed)
            ):
                out.append(Grounded(v, pos + used, pos + used + len(printed)))
                used += len(printed)
            else:
                out.append(None)  # it still takes its column: the next value is the next cell
                ti, used = ti + 1, 0
        return out


def _printed(v: Number) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _same(token: str, v: Number) -> bool:
    try:
        return float(token) == float(v)
    except ValueError:
        return False
