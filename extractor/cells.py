"""Reading the values of one table row out of noisy text.

A row is its label followed by its values. Scraped layouts put anything between the values:
tabs, one value per line, blank lines, nothing at all ("520000052" for 52,0,0,0,0,0,52).
`scan` turns the text after a label into value tokens and the whitespace between them;
`readings` turns those into every reading of the row that the layout allows. Choosing among
several readings is the caller's business: it knows the arithmetic.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

Number = int | float

_CHUNK = re.compile(r"\S+")
# A count word after a value ("6件") belongs to the value; a currency is kept as its unit.
_PART = re.compile(r"[+-]?\d+(?:\.\d+)?(?:万元|元|件|个|条|项)?|[^\d+-]+|[+-]")
_NUMBER = re.compile(r"([+-]?)(\d+(?:\.\d+)?)(万元|元)?(?:件|个|条|项)?")
_BLANK = re.compile(r"[-—–/\\_]+|无|空|--+")
_UNIT = re.compile(r"万元|元")
MAX_SPLITS = 20000


@dataclass(frozen=True)
class Token:
    """A value as printed: a number, or an explicit blank ("—", "/", "无"); offsets are into
    the normalised text."""

    start: int
    end: int
    value: Number | None
    unit: str | None = None
    digits: str = ""  # set for a bare digit run, which may hold several glued values


@dataclass(frozen=True)
class Cell:
    """One cell of a reading: its value (None when blank) and where it was read."""

    value: Number | None
    start: int
    end: int
    unit: str | None = None


@dataclass(frozen=True)
class Scan:
    tokens: tuple[Token, ...]
    gaps: tuple[str, ...]  # whitespace before each token, then the whitespace after the last
    end: int  # where the row's text stops


def _number(text: str, start: int) -> Token:
    m = _NUMBER.fullmatch(text)
    assert m is not None
    sign, digits, unit = m.groups()
    value: Number = float(digits) if "." in digits else int(digits)
    if sign == "-":
        value = -value
    bare = not sign and not unit and text.isdigit()
    return Token(start, start + len(text), value, unit, digits if bare else "")


def scan(text: str, start: int, end: int) -> Scan:
    """The value tokens of the row whose values start at `start`.

    The row stops at the first text that is neither a value nor a unit once a value has been
    seen (the next label, a group heading, a remark), or at `end`.
    """
    tokens: list[Token] = []
    gaps: list[str] = []
    last = start
    stop = end
    done = False
    for chunk in _CHUNK.finditer(text, start, end):
        word = chunk.group(0)
        cstart = chunk.start()
        if _BLANK.fullmatch(word):
            gaps.append(text[last:cstart])
            tokens.append(Token(cstart, chunk.end(), None))
            last = chunk.end()
            continue
        for part in _PART.finditer(word):
            piece = part.group(0)
            pstart = cstart + part.start()
            if piece[0].isdigit() or (len(piece) > 1 and piece[0] in "+-"):
                gaps.append(text[last:pstart])
                tokens.append(_number(piece, pstart))
                last = pstart + len(piece)
            elif (
                tokens and _UNIT.fullmatch(piece) and tokens[-1].unit is None and pstart - last <= 2
            ):
                prev = tokens[-1]
                tokens[-1] = Token(prev.start, pstart + len(piece), prev.value, piece, "")
                last = pstart + len(piece)
            elif tokens:
                stop, done = pstart, True
                break
        if done:
            break
    gaps.append(text[last:stop])
    return Scan(tuple(tokens), tuple(gaps), stop)


def signature(gap: str) -> str:
    """The structural part of the whitespace between two values: spaces are padding."""
    sig = gap.replace(" ", "")
    return sig if sig else (" " if gap else "")


def separator(scans: Sequence[Scan], expected: Sequence[int]) -> str:
    """The whitespace that separates two cells in this table: the most common gap between
    values of rows that have exactly their number of values."""
    counts: Counter[str] = Counter()
    for s, n in zip(scans, expected, strict=True):
        if len(s.tokens) == n:
            counts.update(signature(g) for g in s.gaps[1:-1])
    if not counts:
        for s in scans:
            counts.update(signature(g) for g in s.gaps[1:-1])
    counts.pop("", None)
    return counts.most_common(1)[0][0] if counts else "\t"


def _blanks(gap: str, sep: str) -> int:
    """How many empty cells a gap holds, given the table's cell separator."""
    return max(0, signature(gap).count(sep) - 1) if sep else 0


def _cell(t: Token) -> Cell:
    return Cell(t.value, t.start, t.end, t.unit)


def _with_blanks(s: Scan, inner: list[int], lead: int, trail: int) -> tuple[Cell | None, ...]:
    cells: list[Cell | None] = [None] * lead
    for i, t in enumerate(s.tokens):
        if i:
            cells.extend([None] * inner[i])
        cells.append(_cell(t))
    cells.extend([None] * trail)
    return tuple(cells)


def _digit_splits(digits: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut a digit run into `parts` numbers, none with a leading zero."""
    if parts == 1:
        if digits == "0" or not digits.startswith("0"):
            yield (digits,)
        return
    for cuts in combinations(range(1, len(digits)), parts - 1):
        bounds = (0, *cuts, len(digits))
        pieces = tuple(digits[a:b] for a, b in pairwise(bounds))
        if all(p == "0" or p[0] != "0" for p in pieces):
            yield pieces


def _glued(s: Scan, n: int) -> Iterator[tuple[Cell, ...]]:
    """Readings that cut glued digit runs so that the row has `n` values."""
    tokens = s.tokens
    extra = n - len(tokens)

    def share(i: int, left: int) -> Iterator[tuple[Cell, ...]]:
        if i == len(tokens):
            if left == 0:
                yield ()
            return
        t = tokens[i]
        most = min(left, len(t.digits) - 1) if t.digits else 0
        for k in range(most + 1):
            pieces_options = [None] if k == 0 else _digit_splits(t.digits, k + 1)
            for pieces in pieces_options:
                if pieces is None:
                    cells = [_cell(t)]
                else:
                    cells, offset = [], t.start
                    for p in pieces:
                        cells.append(Cell(int(p), offset, offset + len(p)))
                        offset += len(p)
                for rest in share(i + 1, left - k):
                    yield (*cells, *rest)

    yield from share(0, extra)


def readings(s: Scan, n: int, sep: str) -> tuple[list[tuple[Cell | None, ...]], str | None]:
    """Every reading of a row that should have `n` cells, and what made it uncertain."""
    k = len(s.tokens)
    if k == 0:
        return [], "行标签后没有数值"
    if k == n:
        return [tuple(_cell(t) for t in s.tokens)], None
    if k == n + 1 and n >= 3:
        # A spurious column (a header cell printed twice) sits between the first and the
        # last: the first column and the total keep their places.
        drops: list[tuple[Cell | None, ...]] = [
            tuple(_cell(t) for j, t in enumerate(s.tokens) if j != i) for i in range(1, k - 1)
        ]
        return drops, f"{k} 个数值对应 {n} 列（疑多出一列）"
    if k > n:
        return [], f"{k} 个数值对应 {n} 列"
    inner = [0] + [_blanks(g, sep) for g in s.gaps[1:-1]]
    lead, trail = _blanks(s.gaps[0], sep), _blanks(s.gaps[-1], sep)
    found = sum(inner)
    options: list[tuple[Cell | None, ...]] = []
    if k + found == n:
        options.append(_with_blanks(s, inner, 0, 0))
    elif k + found + lead + trail == n:
        options.append(_with_blanks(s, inner, lead, trail))
    else:
        if lead and k + found + lead == n:
            options.append(_with_blanks(s, inner, lead, 0))
        if trail and k + found + trail == n:
            options.append(_with_blanks(s, inner, 0, trail))
    if options:
        return options, None if len(options) == 1 else "空格在行首还是行尾无法确定"
    if found:
        return [], f"{k} 个数值和 {found} 个空格对应 {n} 列"
    # Blank cells at the ends did not fill the row: they were padding of a shifted row, and
    # the values may be glued together.
    glued: list[tuple[Cell | None, ...]] = []
    for reading in _glued(s, n):
        glued.append(reading)
        if len(glued) > MAX_SPLITS:
            return [], f"数字粘连，可能的读法过多（{n} 列）"
    if not glued:
        return [], f"{k} 个数值对应 {n} 列"
    return glued, f"数字粘连：{k} 段数字对应 {n} 列"


def consistent(
    options: list[tuple[Cell | None, ...]],
    check: Callable[[tuple[Number | None, ...]], bool] | None,
) -> list[tuple[Cell | None, ...]]:
    """The readings that `check` does not reject (blank cells never reject)."""
    if check is None:
        return options
    return [o for o in options if check(tuple(c.value if c else None for c in o))]


def values(reading: Sequence[Cell | None]) -> tuple[Number | None, ...]:
    return tuple(c.value if c else None for c in reading)
