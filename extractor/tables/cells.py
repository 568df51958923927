"""Reading the values of one table row out of noisy text.

A row is its label and its values. Scraped layouts put anything between the values: tabs,
one value per line, blank lines, nothing at all ("520000052" for 52,0,0,0,0,0,52), and
crawlers that collapse repeated lines print a row of seven zeros as one "0". `scan` turns
text into value tokens and the whitespace between them; `readings` turns the tokens of one
row into every reading that the layout allows. Choosing among several readings is the
caller's business: it knows the arithmetic of the whole table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import NamedTuple

from extractor.budget import check

Number = int | float
# A sum the row's printed cells must satisfy: cell `total` = the sum of cells `parts`.
Sum = tuple[int, tuple[int, ...]]

_CHUNK = re.compile(r"\S+")
# A count word after a value ("6件") belongs to the value; a currency is kept as its unit.
_PART = re.compile(r"[+-]?\d+(?:\.\d+)?(?:万元|元|件|个|条|项)?|[^\d+-]+|[+-]")
_NUMBER = re.compile(r"([+-]?)(\d+)(\.\d+)?(万元|元)?(?:件|个|条|项)?")
_BLANK = re.compile(r"[-—–/\\_]+|无|空|--+")
_UNIT = re.compile(r"万元|元")
# "增3" / "减 2" in the 本年增/减 column: the word is the sign.
_SIGN_WORD = re.compile(r"增加|减少|增|减")
# What makes a number text rather than a value: a sub-item number ("2." / "2、" before its
# label), a date, a percentage, a page ("第3页").
_NOT_VALUE_AFTER = re.compile(r"[.、](?!\d)|\s*(?:[年月日号](?![ \t]*(?:\n|$))|[%‰)])")
MAX_READINGS = 20000
# The most digits one cell prints (a count under a thousand million): a glued run is cut
# into pieces no longer, and a run longer than its row's cells can hold is not a row.
MAX_CELL_DIGITS = 9
# Steps one row's glued readings may take (cuts tried): readings of a real glued row take a
# few hundred; a damaged run that would take more is reported as having too many readings.
MAX_STEPS = 20000


class Token(NamedTuple):
    """A value as printed: a number, or an explicit blank ("—", "/", "无"); offsets are into
    the normalised text. `digits` is set when the integer part may hold several glued
    values; a sign then belongs to the first of them, a fraction and unit to the last.
    (Named tuples, not frozen dataclasses: a report makes thousands of tokens and cells.)"""

    start: int
    end: int
    value: Number | None
    unit: str | None = None
    digits: str = ""
    sign: str = ""
    frac: str = ""
    lead: int = 0  # characters before the digits: a printed sign


class Cell(NamedTuple):
    """One cell of a reading: its value (None when blank) and where it was read."""

    value: Number | None
    start: int
    end: int
    unit: str | None = None


@dataclass(frozen=True)
class Scan:
    tokens: tuple[Token, ...]
    gaps: tuple[str, ...]  # whitespace before each token, then the whitespace after the last
    end: int  # where the run stops
    start: int = 0  # where its first token starts

    @property
    def lines(self) -> int:
        """How many line breaks separate the run's tokens (a cell per line: k - 1)."""
        return sum(g.count("\n") for g in self.gaps[1:-1])


def _number(text: str, start: int, sign: str = "") -> Token:
    m = _NUMBER.fullmatch(text)
    assert m is not None
    psign, digits, frac, unit = m.groups()
    sign = psign or sign
    value: Number | None
    if len(digits) > _LONGEST_NUMBER:
        value = None  # no value at all: `readings` reports the run as too long for a row
    else:
        value = float(digits + frac) if frac else int(digits)
        if sign == "-":
            value = -value
    return Token(start, start + len(text), value, unit, digits, sign, frac or "", len(psign))


# Digits beyond any row's cells (and Python's integer-conversion limit): a run this long is
# kept as a token without a value, so that its row is unreadable rather than converted.
_LONGEST_NUMBER = 15 * MAX_CELL_DIGITS


def _is_value(text: str, end: int, limit: int) -> bool:
    return not _NOT_VALUE_AFTER.match(text, end, min(limit, end + 4))


def scan(text: str, start: int, end: int) -> Scan:
    """The value tokens of the first run of values at or after `start`.

    Text before the first value is skipped; the run stops at the first text that is neither
    a value nor a unit once a value has been seen (the next label, a group heading, a
    remark), or at `end`.
    """
    tokens: list[Token] = []
    gaps: list[str] = []
    last = start
    stop = end
    done = False
    sign, signed_gap = "", ""
    for chunk in _CHUNK.finditer(text, start, end):
        word = chunk.group(0)
        cstart = chunk.start()
        if _BLANK.fullmatch(word) and not sign:
            gaps.append(text[last:cstart])
            tokens.append(Token(cstart, chunk.end(), None))
            last = chunk.end()
            continue
        for part in _PART.finditer(word):
            piece = part.group(0)
            pstart = cstart + part.start()
            numeric = piece[0].isdigit() or (len(piece) > 1 and piece[0] in "+-")
            if numeric and _is_value(text, pstart + len(piece), end):
                gaps.append(signed_gap if sign else text[last:pstart])
                tokens.append(_number(piece, pstart, sign))
                last, sign = pstart + len(piece), ""
            elif (
                tokens and _UNIT.fullmatch(piece) and tokens[-1].unit is None and pstart - last <= 2
            ):
                tokens[-1] = tokens[-1]._replace(end=pstart + len(piece), unit=piece)
                last = pstart + len(piece)
            elif not sign and _SIGN_WORD.fullmatch(piece):
                # "增 3": the word is the value's sign; the gap before it is the cell boundary.
                sign = "-" if piece.startswith("减") else "+"
                signed_gap = text[last:pstart]
            elif tokens:
                stop, done = pstart, True
                break
            else:
                sign = ""
                last = pstart + len(piece)
        if done:
            break
    gaps.append(text[last:stop])
    first = tokens[0].start if tokens else stop
    return Scan(tuple(tokens), tuple(gaps), stop, first)


def runs(text: str, start: int, end: int) -> list[Scan]:
    """Every run of values between `start` and `end`, in reading order. A run that holds
    several lines of several values each (a PDF text layer prints a row per line) is one
    run per line."""
    out: list[Scan] = []
    pos = start
    while pos < end:
        s = scan(text, pos, end)
        if not s.tokens:
            break
        out.extend(_by_line(s))
        pos = max(s.end, s.tokens[-1].end)
    return out


def page_like(t: Token) -> bool:
    """A small whole number with nothing printed about it: a page number may look so."""
    return isinstance(t.value, int) and 0 < t.value < 1000 and not (t.sign or t.unit or t.frac)


def _by_line(s: Scan) -> list[Scan]:
    breaks = [i for i, g in enumerate(s.gaps[1:-1], 1) if "\n" in g]
    if not breaks:
        return [s]
    bounds = [0, *breaks, len(s.tokens)]
    # A value per line is a crawler's cell per line (or a value broken over two lines):
    # one run. Several lines of several values are printed rows, and a lone value between
    # them, or a lone small number after or before one such line (a bare page number), is
    # a run of its own.
    segments = list(pairwise(bounds))
    rows = sum(1 for a, b in segments if b - a >= 2)
    lone = [s.tokens[a] for a, b in segments if b - a < 2]
    if lone and (rows < 2 and not (rows == 1 and all(page_like(t) for t in lone))):
        return [s]
    out = []
    for a, b in pairwise(bounds):
        tokens = s.tokens[a:b]
        gaps = (
            s.gaps[a] if a == 0 else "",
            *s.gaps[a + 1 : b],
            s.gaps[b] if b == len(s.tokens) else "",
        )
        out.append(
            Scan(tokens, gaps, s.end if b == len(s.tokens) else tokens[-1].end, tokens[0].start)
        )
    return out


def signature(gap: str) -> str:
    """The structural part of the whitespace between two values: spaces are padding."""
    sig = gap.replace(" ", "")
    return sig if sig else (" " if gap else "")


def separator(scans: Sequence[Scan], expected: Sequence[int], hint: str = "") -> str:
    """The whitespace that separates two cells in this table: the most common gap between
    values of rows that have exactly their number of values (or, when no row has, the
    separator of another table of the same report, `hint`)."""
    counts: Counter[str] = Counter()
    for s, n in zip(scans, expected, strict=True):
        if len(s.tokens) == n:
            counts.update(signature(g) for g in s.gaps[1:-1])
    counts.pop("", None)
    if not counts and hint:
        return hint
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


def holds(values: Sequence[Number | None], sums: Sequence[Sum]) -> bool:
    """Whether every sum whose cells are all printed holds."""
    return broken(values, sums) == 0


def broken(values: Sequence[Number | None], sums: Sequence[Sum]) -> int:
    """How many of `sums` the values break (a sum over a blank cell breaks nothing)."""
    n = 0
    for total, parts in sums:
        t = values[total]
        ps = [values[p] for p in parts]
        if t is None or any(p is None for p in ps):
            continue
        if abs(t - sum(ps)) > 1e-9:  # type: ignore[arg-type, operator]
            n += 1
    return n


class _TooMany(Exception):
    """A row's glued readings took more steps than `MAX_STEPS`."""


class _Steps:
    """The steps left to one row's readings: each cut tried takes one."""

    def __init__(self, limit: int = MAX_STEPS) -> None:
        self.left = limit

    def take(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise _TooMany
        if self.left % 1024 == 0:
            check()


def _glued(
    s: Scan, n: int, sums: Sequence[Sum], forced: bool, steps: _Steps | None = None
) -> Iterator[tuple[Cell, ...]]:
    """Readings that cut glued digit runs so that the row has `n` values.

    With `forced`, a cell that is the total of a sum whose parts are already cut must print
    exactly that sum: the run is cut in one pass along the arithmetic instead of every way,
    and only readings that satisfy the row's sums come out. Without it, every cut does.
    No cut is longer than `MAX_CELL_DIGITS`; every cut tried takes a step of `steps`, which
    raises `_TooMany` when none is left, so the work is bounded whatever the run.
    """
    steps = steps or _Steps()
    tokens = s.tokens
    totals = dict(sums) if forced else {}
    width = [len(t.digits) if t.digits else 1 for t in tokens]
    suffix = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + width[i]
    cells: list[Cell] = []

    def piece(t: Token, a: int, b: int) -> Cell:
        last = b == len(t.digits)
        digits = t.digits[a:b]
        value: Number = float(digits + t.frac) if last and t.frac else int(digits)
        if a == 0 and t.sign == "-":
            value = -value
        start = t.start if a == 0 else t.start + t.lead + a
        end = t.end if last else t.start + t.lead + b
        return Cell(value, start, end, t.unit if last else None)

    def rec(ti: int, off: int) -> Iterator[tuple[Cell, ...]]:
        ci = len(cells)
        if ti == len(tokens):
            if ci == n:
                yield tuple(cells)
            return
        # Each remaining token needs a cell of its own; each digit gives at most one.
        left = n - ci
        remaining = width[ti] - off + suffix[ti + 1]
        if left < len(tokens) - ti or not left <= remaining <= left * MAX_CELL_DIGITS:
            return
        t = tokens[ti]
        if not t.digits:
            cells.append(_cell(t))
            yield from rec(ti + 1, 0)
            cells.pop()
            return
        digits = t.digits
        lengths: Sequence[int] = range(1, min(len(digits) - off, MAX_CELL_DIGITS) + 1)
        if ci in totals and all(cells[p].value is not None for p in totals[ci]):
            want = str(sum(cells[p].value for p in totals[ci]))  # type: ignore[misc]
            fits = digits.startswith(want, off) and (off + len(want) < len(digits) or not t.frac)
            lengths = [len(want)] if fits else []
        for length in lengths:
            if length > 1 and digits[off] == "0":
                break
            steps.take()
            b = off + length
            cells.append(piece(t, off, b))
            yield from rec(ti + 1, 0) if b == len(digits) else rec(ti, b)
            cells.pop()

    yield from rec(0, 0)


def _merges(s: Scan, n: int) -> Iterator[tuple[Cell, ...]]:
    """Readings of a row with too many values where a value was broken over two lines
    ("201" / "9"): adjacent bare digit runs with a line break between them joined again."""
    tokens = s.tokens
    joinable = [
        i
        for i in range(len(tokens) - 1)
        if tokens[i].digits
        and not tokens[i].digits.startswith("0")  # no number begins with 0: "0" / "2" is two
        and not tokens[i].frac
        and not tokens[i].unit
        and tokens[i + 1].digits
        and not tokens[i + 1].sign
        and "\n" in s.gaps[i + 1]
    ]
    for joins in combinations(joinable, len(tokens) - n):
        if any(b - a < 2 for a, b in pairwise(joins)):
            continue  # one value broken twice is not a form seen
        cells: list[Cell] = []
        skip = False
        for i, t in enumerate(tokens):
            if skip:
                skip = False
                continue
            if i in joins:
                nxt = tokens[i + 1]
                digits = t.digits + nxt.digits + nxt.frac
                value: Number = float(digits) if nxt.frac else int(digits)
                cells.append(Cell(-value if t.sign == "-" else value, t.start, nxt.end, nxt.unit))
                skip = True
            else:
                cells.append(_cell(t))
        if len(cells) == n:
            yield tuple(cells)


def _expansions(s: Scan, n: int) -> Iterator[tuple[Cell, ...]]:
    """Readings of a row whose repeated cells a crawler printed once: each token stands for
    one or more consecutive equal cells."""
    tokens = s.tokens
    k = len(tokens)

    def rec(i: int, left: int) -> Iterator[tuple[Cell, ...]]:
        if i == k - 1:
            yield (_cell(tokens[i]),) * left
            return
        for count in range(1, left - (k - 1 - i) + 1):
            for rest in rec(i + 1, left - count):
                yield ((_cell(tokens[i]),) * count) + rest

    if 0 < k <= n:
        yield from rec(0, n)


def readings(
    s: Scan, n: int, sep: str, sums: Sequence[Sum] = (), collapsed: bool = False
) -> tuple[list[tuple[Cell | None, ...]], str | None]:
    """Every reading of a row that should have `n` cells, and what made it uncertain.

    Where the row's own arithmetic (`sums`) can narrow glued or collapsed readings it does;
    when none satisfies it, every reading is returned and the caller decides with the whole
    table.
    """
    check()
    k = len(s.tokens)
    if k == 0:
        return [], "行标签后没有数值"
    digits = sum(len(t.digits) for t in s.tokens)
    if digits > n * MAX_CELL_DIGITS or any(t.value is None and t.digits for t in s.tokens):
        return [], f"数字串过长（{digits} 位），不是一行 {n} 列的数值"
    if k == n:
        return [tuple(_cell(t) for t in s.tokens)], None
    merged: list[tuple[Cell | None, ...]] = list(_merges(s, n)) if n < k <= n + 2 else []
    if k == n + 1 and n >= 3:
        # A spurious column (a header cell printed twice) sits between the first and the
        # last: the first column and the total keep their places. Or a value was broken
        # over two lines ("1" / "3" for 13).
        drops: list[tuple[Cell | None, ...]] = [
            tuple(_cell(t) for j, t in enumerate(s.tokens) if j != i) for i in range(1, k - 1)
        ]
        either = drops + merged
        fitting = [o for o in either if holds(_values(o), sums)]
        return fitting or either, f"{k} 个数值对应 {n} 列（疑多出一列或数字断行）"
    if k == n + 1 and page_like(s.tokens[-1]) and "\n" in s.gaps[-2]:
        # Or the last value, alone on its line, is a bare page number.
        merged.append(tuple(_cell(t) for t in s.tokens[:-1]))
    if merged:
        fitting = [o for o in merged if holds(_values(o), sums)]
        return fitting or merged, f"{k} 个数值对应 {n} 列（疑数字断行或页码）"
    if k > n:
        return [], f"{k} 个数值对应 {n} 列"
    if collapsed and all(t.value is not None for t in s.tokens):
        expanded: list[tuple[Cell | None, ...]] = list(_expansions(s, n))
        fitting = [o for o in expanded if holds(_values(o), sums)]
        reason = f"重复数值被合并：{k} 个数值对应 {n} 列"
        return (fitting or expanded), reason if len(fitting) != 1 else None
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
    steps = _Steps()
    too_many = f"数字粘连，可能的读法过多（{n} 列）"
    try:
        glued: list[tuple[Cell | None, ...]] = list(_glued(s, n, sums, bool(sums), steps))
        if glued:
            return glued, f"数字粘连：{k} 段数字对应 {n} 列"
        # No cut satisfies the row: every cut, for the table to choose the one that breaks
        # least.
        for reading in _glued(s, n, sums, False, steps):
            glued.append(reading)
            if len(glued) > MAX_READINGS:
                return [], too_many
        if not glued and all(g == "" for g in s.gaps) and all(t.digits for t in s.tokens):
            # (A blank mark glued to its label, "—", is no digits to place in columns.)
            sparse = list(_sparse(s, n, sums, steps))
            if sparse:
                return sparse, f"数字粘连且空格未留痕迹：{k} 段数字对应 {n} 列"
    except _TooMany:
        return [], too_many
    if not glued:
        return [], f"{k} 个数值对应 {n} 列"
    return glued, f"数字粘连：{k} 段数字对应 {n} 列，没有一种读法符合本行合计"


def _sparse(
    s: Scan, n: int, sums: Sequence[Sum], steps: _Steps
) -> Iterator[tuple[Cell | None, ...]]:
    """Readings of a glued run too short for its row: a crawler that removed every space
    left no trace of the blank cells, so the values sit in some of the columns, in order.
    A total is printed whenever a part is, and blank parts add nothing to it."""
    for p in range(1, n):
        for cut in _glued(s, p, (), False, steps):
            for cols in combinations(range(n), p):
                steps.take()
                row: list[Cell | None] = [None] * n
                for c, cell in zip(cols, cut, strict=True):
                    row[c] = cell
                if all(_sparse_sum(row, total, parts) for total, parts in sums):
                    yield tuple(row)


def _sparse_sum(row: Sequence[Cell | None], total: int, parts: Sequence[int]) -> bool:
    t = row[total]
    printed = [row[p].value for p in parts if row[p] is not None]  # type: ignore[union-attr]
    if t is None:
        return not printed
    return abs(t.value - sum(printed)) < 1e-9  # type: ignore[operator, arg-type]


def _values(reading: Sequence[Cell | None]) -> tuple[Number | None, ...]:
    return tuple(c.value if c else None for c in reading)


values = _values
