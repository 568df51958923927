"""The deterministic table reader: the four tables of a report into canonical cells.

A table is a grid to fill: its rows in the format's order, each with a known number of
cells. The reader finds each row's label (anchors, not containers) and every run of values
in the table's text, and assigns runs to rows in order: normally the run after a row's
label, but where a PDF dump prints a row's numbers before its wrapped label, or a label is
misprinted beyond recognition, the runs still go to the rows in printed order. The values
of each run are read by `cells` (blank cells, glued digit runs, collapsed repeats). Where
a row can be read more than one way, the arithmetic of the whole table (勾稽关系) chooses
the reading that breaks the fewest rules; where readings tie, the cells are reported
ambiguous with their candidates, never guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from extractor.budget import check
from extractor.ingest.patterns import compile_loose
from extractor.tables.cells import (
    Cell,
    Number,
    Scan,
    Sum,
    Token,
    page_like,
    readings,
    runs,
    separator,
    values,
)
from schemas import keys as K

# An equation of the table's arithmetic over (row, column) positions: sum(left) = sum(right).
Position = tuple[int, int]
Equation = tuple[tuple[Position, ...], tuple[Position, ...]]

_CN = r"(?:[一二三四五六七八][ \t]*[、.,][ \t]*)?"  # 一、
_PAREN = r"(?:\([ \t]*[一二三四五六七八][ \t]*\)[ \t]*)?"  # (一)
_NOTE = r"(?:[ \t\n]*\([^()\d]{0,40}\))?"  # (区分处理的,只计这一情形,不计其他情形)


def _item(n: int, required: bool = False) -> str:
    """The sub-item number "3." in front of a label: consumed with the label, so that a
    value glued to it ("20000027.属于行政执法案卷") loses no digit and gains none, and one
    printed on a line of its own is not read as a value."""
    return rf"(?:{n}\s*[.、]\s*){'' if required else '?'}"


def _worn(label: str, keep: int = 0) -> str:
    """A label of which only the first characters are sure to be there: a PDF text layer
    drops or garbles a character at a cell's edge (保护第三方合法权, 其他法律行政法规禁止公)
    and prints a wrapped label's second half after the row's values."""
    keep = keep or max(4, min(len(label) - 2, 6))
    tail = ""
    for ch in reversed(label[keep:]):
        tail = f"(?:{ch}{tail})?"
    return label[:keep] + tail


@dataclass(frozen=True)
class RowSpec:
    row: str  # row key, e.g. "denied.state_secret"
    label: re.Pattern[str]
    keys: tuple[str, ...]
    sums: tuple[Sum, ...] = ()


@dataclass
class TableRead:
    """What the reader made of one table."""

    found: bool = False
    layout: str | None = None
    cells: dict[str, Cell | None] = field(default_factory=dict)  # None: blank in the layout
    ambiguous: dict[str, tuple[str, list[Number | None], tuple[int, int]]] = field(
        default_factory=dict
    )
    unreadable: dict[str, str] = field(default_factory=dict)
    missing_rows: list[str] = field(default_factory=list)
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)
    layout_collapsed: bool = False  # repeated cells were printed once
    # Rows read by a guess about the layout (a glued or collapsed run, a value placed
    # before its label, a label not found, a choice among readings): where a misreading
    # could explain a rule that fails.
    guessed: set[str] = field(default_factory=set)
    separator: str = ""  # the whitespace between two cells
    # Rows whose reading was chosen by the arithmetic although it breaks some rule, with the
    # other readings of the printed text: the report's error, not a doubt of ours.
    chosen: dict[str, str] = field(default_factory=dict)
    # Rows whose run of values could as well be a neighbour's, with the reason.
    doubtful: dict[str, str] = field(default_factory=dict)
    # Rows left with several readings of one printed run: each reading's values, by the
    # row's keys (what another source, such as the prose, may choose among).
    open_rows: dict[str, tuple[tuple[str, ...], list[tuple[Number | None, ...]]]] = field(
        default_factory=dict
    )


_ROW_SUM: tuple[Sum, ...] = ((6, (0, 1, 2, 3, 4, 5)),)
_REVIEW_SUMS: tuple[Sum, ...] = ((4, (0, 1, 2, 3)), (9, (5, 6, 7, 8)), (14, (10, 11, 12, 13)))

# Section 三, in printed order. （六）其他处理 is either a heading over three sub-rows (2021)
# or a row of its own (2019); `read_applications` decides which the report printed.
_APP_LABELS: tuple[tuple[str, str], ...] = (
    ("new", _CN + r"本年(?:度)?新收(?:[^\d]{0,16}?申请)?(?:数量)?"),
    ("carried_in", _CN + r"上年(?:度)?结转(?:[^\d]{0,16}?申请)?(?:数量)?"),
    ("granted", _PAREN + r"予以公开"),
    ("partial", _PAREN + r"部分公开" + _NOTE),
    ("denied.state_secret", _item(1) + _worn("属于国家秘密")),
    (
        "denied.prohibited",
        _item(2)
        + r"其他法律(?:"
        + _worn("行政法规禁止公开", 2)
        + "|"
        + _worn("法规禁止公开", 2)
        + ")",
    ),
    ("denied.security", _item(3) + r"危及[^\d]{0,6}?" + _worn("三安全一稳定", 3) + r"[”\"']?"),
    ("denied.third_party", _item(4) + _worn("保护第三方合法权益")),
    ("denied.internal", _item(5) + _worn("属于三类内部事务信息")),
    ("denied.process", _item(6) + _worn("属于四类过程性信息")),
    ("denied.enforcement_file", _item(7) + _worn("属于行政执法案卷")),
    ("denied.inquiry", _item(8) + _worn("属于行政查询事项")),
    ("unavailable.not_held", _item(1) + r"本机关不掌握(?:相(?:关)?)?(?:的)?(?:政府(?:信息)?)?"),
    ("unavailable.needs_creation", _item(2) + _worn("没有现成信息需要另行制作")),
    ("unavailable.unclear", _item(3) + _worn("补正后申请内容仍不明确")),
    ("not_processed.petition", _item(1) + _worn("信访举报投诉类申请")),
    ("not_processed.duplicate", _item(2) + r"重复申请"),
    ("not_processed.publication", _item(3) + _worn("要求提供公开出版物")),
    ("not_processed.excessive", _item(4) + _worn("无正当理由大量反复申请")),
    ("not_processed.confirmation", _item(5) + _worn("要求行政机关确认或重新出具已获取信息")),
    ("other.total", _PAREN + r"其他处理"),
    (
        "other.overdue_correction",
        _item(1) + r"申请人无正当理由逾期不补正(?:[^\d]{0,16}?政府信息公开申请)?",
    ),
    (
        "other.overdue_fee",
        _item(2) + r"申请人逾期未按收费通知要求缴纳费用(?:[^\d]{0,16}?政府信息公开申请)?",
    ),
    ("other.other", _item(3, required=True) + r"其他"),
    ("total", _PAREN + r"总计"),
    ("carried_out", _CN + r"结转下年(?:度)?" + _worn("继续办理", 2)),
)
_APP_RES = {row: compile_loose(p) for row, p in _APP_LABELS}

_ACTIVE_LABELS = {
    "rules": r"规章",
    "normative_docs": r"(?:行政)?规范性文件",
    "licensing": r"行政许可",
    "other_services": r"其他对外管理服务事项",
    "penalty": r"行政处罚",
    "coercion": r"行政强制",
    "fees": r"行政事业性收费",
    "procurement": r"政府集中采购",
}
_ACTIVE_RES = {row: compile_loose(p) for row, p in _ACTIVE_LABELS.items()}
_ACTIVE_2019 = compile_loose(
    r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|采购总金额|本年增/减"
)
_ACTIVE_2021 = compile_loose(
    r"本年制发件数|本年废止件数|现行有效件数?|本年处理决定数量|本年收费金额"
)

_REVIEW_HEADER = compile_loose(r"总计|尚未审结|其他结果|结果纠正|结果维持|复议后起诉|直接起诉")
# A table that reports no case at all, in words: 未发生…行政复议、行政诉讼.
_NO_CASES = compile_loose(
    r"(?:未发生|没有发生|未出现|未有|无)[^。\d]{0,30}?行政复议[^。\d]{0,12}?(?:行政)?诉讼"
)
# Costs of assigning runs of values to rows (see `_assign`). The first run after a row's
# label is its own (a later one costs a little more per run passed over); the run on the
# line before a label is a PDF dump's wrapped label, and a run where a label was not found
# is a misprinted label; a row whose label is printed with no run is blank. A run that fits
# no row is stray text: very unlikely between a table's rows, less so before its first row
# or after its last (prose with figures next to the table), where passing it over must be
# cheaper than shifting every row by one.
_BEFORE = 10
_UNLABELLED = 10
_EMPTY = 20
_STRAY = 1000
_STRAY_OUTSIDE = 20
# A bare page number between rows of a PDF text layer ("…0 0 0 0 0 0 0\n3\n2.重复申请"): one
# small integer alone on its line, in a table whose rows print their values on one line
# each. Passing it over costs about what a wrapped label does.
_STRAY_PAGE = 15
_INF = 10**6
_MAX_COMBOS = 4096


def _find_labels(
    text: str, start: int, end: int, specs: Sequence[RowSpec]
) -> list[tuple[int, int] | None]:
    """Each row's label, searched in printed order (None where it is not found)."""
    spans: list[tuple[int, int] | None] = []
    pos = start
    for spec in specs:
        m = spec.label.search(text, pos, end)
        if m is None:
            spans.append(None)
            continue
        spans.append((m.start(), _stripped_end(m)))
        pos = m.end()
    for i, spec in enumerate(specs):
        if spans[i] is None:
            lo = max([start, *(s[1] for s in spans[:i] if s)])
            hi = min([end, *(s[0] for s in spans[i + 1 :] if s)])
            spans[i] = _label_among_short_lines(text, lo, hi, spec.label)
    return spans


def _label_among_short_lines(
    text: str, start: int, end: int, label: re.Pattern[str]
) -> tuple[int, int] | None:
    """A label a PDF text layer broke up with lines of one or two characters: a vertical
    side heading (三 / 、 / 本 / 年 …) or a page number printed between its halves."""
    kept: list[str] = []
    where: list[int] = []  # offset in `text` of each kept character
    pos = start
    for line in text[start:end].split("\n"):
        if len(line.strip()) > 2:
            kept.append(line + "\n")
            where.extend(range(pos, pos + len(line) + 1))
        pos += len(line) + 1
    m = label.search("".join(kept))
    if m is None or not m.group(0).strip():
        return None
    stripped = m.start() + len(m.group(0).rstrip())
    return where[m.start()], where[stripped - 1] + 1


def _stripped_end(m: re.Match[str]) -> int:
    """Where a loosely matched label ends, without the whitespace it may have taken after
    its last character: that whitespace is the gap before the row's first cell."""
    return m.start() + len(m.group(0).rstrip())


def _assign(
    text: str,
    specs: Sequence[RowSpec],
    spans: Sequence[tuple[int, int] | None],
    found: Sequence[Scan],
    start: int,
    end: int,
) -> list[Scan | None]:
    """Which run of values belongs to which row: the cheapest assignment in printed order.

    A run normally follows its row's label. A PDF dump prints the numbers of a row whose
    label wraps on the line before its label, and a misprinted label is not found at all;
    both cost a little, so that they are chosen only when the count of runs asks for them.
    """
    m, k = len(specs), len(found)
    ends = [s[1] if s else None for s in spans]
    starts = [s[0] if s else None for s in spans]
    prev_end, nxt_start = [start] * m, [end] * m
    last = start
    for i in range(m):
        prev_end[i] = last
        if ends[i] is not None:
            last = ends[i]  # type: ignore[assignment]
    nxt = end
    for i in range(m - 1, -1, -1):
        nxt_start[i] = nxt
        if starts[i] is not None:
            nxt = starts[i]  # type: ignore[assignment]

    run_starts = [r.start for r in found]

    def cost(i: int, j: int) -> int:
        if not specs[i].keys:
            return _INF  # a heading (（六）其他处理 over its sub-rows) has no values
        run = found[j]
        a, b = run.start, run.tokens[-1].end
        span = spans[i]
        if span is None:
            return _UNLABELLED if prev_end[i] <= a and b <= nxt_start[i] else _INF
        if span[1] <= a and b <= nxt_start[i]:
            return j - bisect_left(run_starts, span[1])  # runs passed over
        if prev_end[i] <= a and b <= span[0] and _adjacent(text, b, span[0]):
            return _BEFORE
        return _INF

    labelled = [s for s in spans if s]
    first = labelled[0][0] if labelled else end
    last_label = labelled[-1][1] if labelled else start

    # Rows printed a line each: most runs hold several values on one line.
    line_rows = 2 * sum(1 for r in found if len(r.tokens) > 1 and r.lines == 0) > len(found)

    def stray(run: Scan) -> int:
        if not any(t.value is not None for t in run.tokens):
            # Blank marks alone carry no value ("本年增 / 减" split over lines leaves a
            # lone "/"): passing them over costs little.
            return 1
        if line_rows and _page_number(text, run):
            return _STRAY_PAGE
        if run.tokens[-1].end <= first or run.start >= last_label:
            return _STRAY_OUTSIDE
        return _STRAY

    strays = [stray(r) for r in found]
    # dp[i][j]: the cheapest assignment of the first j runs to the first i rows.
    dp = [[_INF] * (k + 1) for _ in range(m + 1)]
    back: list[list[tuple[int, int, bool]]] = [[(0, 0, False)] * (k + 1) for _ in range(m + 1)]
    dp[0][0] = 0
    for i in range(m + 1):
        for j in range(k + 1):
            here = dp[i][j]
            if here >= _INF:
                continue
            if j < k and here + strays[j] < dp[i][j + 1]:
                dp[i][j + 1], back[i][j + 1] = here + strays[j], (i, j, False)
            if i < m:
                empty = _EMPTY if spans[i] and specs[i].keys else 0
                if here + empty < dp[i + 1][j]:
                    dp[i + 1][j], back[i + 1][j] = here + empty, (i, j, False)
                if j < k:
                    c = here + cost(i, j)
                    if c < dp[i + 1][j + 1]:
                        dp[i + 1][j + 1], back[i + 1][j + 1] = c, (i, j, True)
    assigned: list[Scan | None] = [None] * m
    i, j = m, k
    while i or j:
        pi, pj, took = back[i][j]
        if took:
            assigned[pi] = found[pj]
        i, j = pi, pj
    return assigned


def _page_number(text: str, run: Scan) -> bool:
    """Whether `run` is one small whole number alone on its line."""
    if len(run.tokens) != 1 or not page_like(run.tokens[0]):
        return False
    t = run.tokens[0]
    line_start = text.rfind("\n", 0, t.start) + 1
    line_end = text.find("\n", t.end)
    line_end = len(text) if line_end < 0 else line_end
    return text[line_start:line_end].strip() == text[t.start : t.end]


def _adjacent(text: str, a: int, b: int) -> bool:
    """Whether nothing but the line break, a page footer or the characters of a side heading
    printed one per line stands between a run ending at `a` and a label starting at `b`."""
    lines = text[a:b].split("\n")
    return all(len(line.strip()) <= 2 for line in lines[1:-1])


def _collapsed(rows: Sequence[tuple[RowSpec, Scan | None]]) -> bool:
    """Whether a crawler printed repeated cells once: every run a value per line and some
    row short of values with no blank marked."""
    short = False
    for spec, s in rows:
        if s is None:
            continue
        k = len(s.tokens)
        if k > 1 and s.lines != k - 1:
            return False
        if k < len(spec.keys) and all(t.value is not None for t in s.tokens):
            short = True
    return short


def _read_rows(
    text: str,
    start: int,
    end: int,
    specs: Sequence[RowSpec],
    table: TableRead,
    repeats_collapsed: bool = False,
) -> list[tuple[RowSpec, Scan | None]]:
    """Each row with the run of values that belongs to it (None: the row prints none)."""
    spans = _find_labels(text, start, end, specs)
    found: list[Scan] = []
    pos = start
    for a, b in [*(s for s in spans if s is not None), (end, end)]:
        found.extend(runs(text, pos, a))  # a label ends any run: "…27.属于…"
        pos = b
    assigned = _assign(text, specs, spans, found, start, end)
    _between_two_labels(text, specs, spans, assigned, table)
    rows: list[tuple[RowSpec, Scan | None]] = []
    for spec, span, s in zip(specs, spans, assigned, strict=True):
        if span is not None:
            table.labels[spec.row] = span
        if s is not None and (span is None or s.start < span[1]):
            table.guessed.add(spec.row)
        if span is None and s is None:
            table.missing_rows.append(spec.row)
            continue
        rows.append((spec, s))
    table.layout_collapsed = repeats_collapsed and _collapsed(rows)
    return rows


def _between_two_labels(
    text: str,
    specs: Sequence[RowSpec],
    spans: Sequence[tuple[int, int] | None],
    assigned: Sequence[Scan | None],
    table: TableRead,
) -> None:
    """Rows whose values sit on a line of their own between their label and the next row's,
    when that row prints no values: a PDF text layer puts a row's values before its label
    as often as after, and a blank row leaves nothing to tell which. Both rows are doubts."""

    def floating(i: int, run: Scan | None) -> bool:
        """Whether `run` stands on a line of its own between row i's label and the next."""
        here, there = spans[i], spans[i + 1]
        if run is None or here is None or there is None:
            return False
        if not specs[i].keys or not specs[i + 1].keys:
            return False
        a, b = run.start, run.tokens[-1].end
        if not (here[1] <= a and b <= there[0]):
            return False
        # On its label's line it is that row's; a value per line is a crawler's cell per
        # line, which follows its label.
        return (
            not run.lines
            and "\n" in text[here[1] : a]
            and "\n" in text[b : there[0]]
            and _adjacent(text, b, there[0])
        )

    reason = "数值行印在本行与相邻行的标签之间，相邻行没有数值，无法确定属于哪一行"
    doubtful = set()
    for i in range(len(specs) - 1):
        mine, theirs = assigned[i], assigned[i + 1]
        if (mine is None) != (theirs is None) and floating(i, mine or theirs):
            doubtful |= {i, i + 1}
    # A run that may move on frees its row for the run next to it: the doubt spreads along
    # a chain of such runs.
    for i in range(len(specs) - 2, -1, -1):
        if i + 1 in doubtful and floating(i, assigned[i]):
            doubtful.add(i)
    for i in range(len(specs) - 1):
        if i in doubtful and floating(i, assigned[i + 1]):
            doubtful.add(i + 1)
    for i in doubtful:
        table.doubtful[specs[i].row] = reason


def _resolve(
    text: str,
    rows: list[tuple[RowSpec, Scan | None]],
    table: TableRead,
    equations: Sequence[Equation] = (),
    collapsed: bool = False,
    hint: str = "",
) -> None:
    """Choose each row's reading; record cells, ambiguities and unreadable rows."""
    scans = [(spec, s) for spec, s in rows if s is not None]
    sep = separator([s for _, s in scans], [len(spec.keys) for spec, _ in scans], hint)
    table.separator = sep
    options: list[list[tuple[Cell | None, ...]]] = []
    reasons: list[str | None] = []
    for spec, s in rows:
        if spec.row in table.doubtful:
            options.append([])
            reasons.append(table.doubtful[spec.row])
            table.guessed.add(spec.row)
            continue
        if s is None:  # the label is printed and no value after it: a blank row
            options.append([(None,) * len(spec.keys)])
            reasons.append(None)
            continue
        opts, reason = readings(s, len(spec.keys), sep, spec.sums, collapsed)
        opts = _in_domain(spec, opts, text)
        if reason or len(opts) != 1:
            table.guessed.add(spec.row)
        distinct: dict[tuple[Number | None, ...], tuple[Cell | None, ...]] = {}
        for o in opts:
            distinct.setdefault(values(o), o)  # the first of equal readings: leftmost drop
        options.append(list(distinct.values()))
        reasons.append(reason)
    if equations:
        _choose(rows, options, reasons, equations, table)
    for (spec, s), opts, reason in zip(rows, options, reasons, strict=True):
        if not opts:
            for key in spec.keys:
                table.unreadable[key] = reason or "没有数值"
            continue
        if len({values(o) for o in opts}) > 1:
            table.open_rows[spec.row] = (spec.keys, list(dict.fromkeys(values(o) for o in opts)))
        for i, key in enumerate(spec.keys):
            column = [o[i] for o in opts]
            vals = [c.value if c else None for c in column]
            if len(set(vals)) == 1:
                table.cells[key] = column[0]
                continue
            # Point at the whole printed run the readings disagree about, not at one cut.
            assert s is not None
            spans = [
                (t.start, t.end)
                for t in s.tokens
                if any(c and c.start < t.end and t.start < c.end for c in column)
            ]
            span = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (0, 0)
            # Every reading left, a blank (None, listed last) included where the layout
            # allows one: a cell that is 2 or blank is a doubt between two readings.
            candidates: list[Number | None] = [v for v in dict.fromkeys(vals) if v is not None]
            candidates += [None] if None in vals else []
            table.ambiguous[key] = (reason or "有多种读法", candidates, span)


def _in_domain(
    spec: RowSpec, opts: list[tuple[Cell | None, ...]], text: str
) -> list[tuple[Cell | None, ...]]:
    """The readings that put a signed value only in a signed column (本年增/减): a cut of
    "156-5997" that leaves a negative count, or of "97+82179" that puts "+8…" under a
    count, is no reading. When every reading does, the printed value stands and
    value_domain reports it."""
    if len(opts) < 2:
        return opts
    signed = [K.value_kind(k) == "signed" for k in spec.keys]

    def fits(c: Cell | None, sg: bool) -> bool:
        return c is None or c.value is None or sg or (c.value >= 0 and text[c.start] != "+")

    kept = [o for o in opts if all(fits(c, sg) for c, sg in zip(o, signed, strict=True))]
    return kept or opts


def _choose(
    rows: list[tuple[RowSpec, Scan | None]],
    options: list[list[tuple[Cell | None, ...]]],
    reasons: list[str | None],
    equations: Sequence[Equation],
    table: TableRead,
) -> None:
    """Narrow rows with several readings to those that break the fewest of the table's
    rules. A reading that still breaks some is the report's error, printed as it is; rows
    whose readings tie stay open (ambiguous)."""
    open_rows = [i for i, o in enumerate(options) if len(o) > 1]
    if not open_rows:
        return
    grid = [values(o[0]) if o else (None,) * len(rows[i][0].keys) for i, o in enumerate(options)]
    # Only the equations over an open row can tell its readings apart.
    touched = set(open_rows)
    relevant = [eq for eq in equations if any(r in touched for side in eq for r, _ in side)]

    def score() -> int:
        return sum(_breaks(eq, grid) for eq in relevant)

    # First the sure part: a reading that breaks a rule whose other cells are all settled
    # is wrong whatever the open rows hold (an open cell breaks nothing).
    unknown = [(None,) * len(rows[i][0].keys) for i in range(len(options))]
    for i in open_rows:
        saved = grid[:]
        for j in open_rows:
            grid[j] = unknown[j]
        least_i = None
        kept_i = []
        for o in options[i]:
            grid[i] = values(o)
            b = score()
            if least_i is None or b < least_i:
                least_i, kept_i = b, [o]
            elif b == least_i:
                kept_i.append(o)
        grid[:] = saved
        if least_i == 0:
            options[i] = kept_i
            grid[i] = values(kept_i[0])
    open_rows = [i for i in open_rows if len(options[i]) > 1]
    if not open_rows:
        return
    combos = 1
    for i in open_rows:
        combos *= len(options[i])
    winners: dict[int, set[int]] = {}
    best = 0
    if combos <= _MAX_COMBOS:
        least: int | None = None
        chosen: list[tuple[int, ...]] = []
        for choice in product(*(range(len(options[i])) for i in open_rows)):
            check()
            for i, c in zip(open_rows, choice, strict=True):
                grid[i] = values(options[i][c])
            b = score()
            if least is None or b < least:
                least, chosen = b, [choice]
            elif b == least:
                chosen.append(choice)
        best = least or 0
        for p, i in enumerate(open_rows):
            winners[i] = {c[p] for c in chosen}
    else:
        # Too many combinations to try, and settling rows one at a time can settle two
        # of them jointly wrong: rows stay open (ambiguous) rather than guessed.
        for i in open_rows:
            winners[i] = set(range(len(options[i])))
    for i in open_rows:
        kept = [options[i][c] for c in sorted(winners[i])]
        if len(kept) == 1 and best:
            others = "；".join(
                "/".join("" if v is None else f"{v:g}" for v in values(o))
                for o in options[i]
                if o is not kept[0]
            )
            table.chosen[rows[i][0].row] = (
                f"按违反规则最少的读法读取；其他读法：{others}" if others else ""
            )
        if len(kept) == 1:
            reasons[i] = None
        options[i] = kept


def _app_specs(rows: Sequence[str]) -> list[RowSpec]:
    return [
        RowSpec(
            r, _APP_RES[r], tuple(K.application_key(r, c) for c in K.APPLICANT_COLUMNS), _ROW_SUM
        )
        for r in rows
    ]


def _breaks(eq: Equation, grid: Sequence[Sequence[Number | None]]) -> bool:
    """Whether an equation whose cells are all printed fails (a blank breaks nothing)."""
    total = 0.0
    for sign, side in ((1, eq[0]), (-1, eq[1])):
        for r, c in side:
            v = grid[r][c]
            if v is None:
                return False
            total += sign * v
    return abs(total) > 1e-9


def _applications_equations(rows: Sequence[str]) -> list[Equation]:
    """The row totals, balance and outcome_sum of a table 三 with these rows, in order."""
    at = {r: i for i, r in enumerate(rows)}
    eqs: list[Equation] = [(((i, 6),), tuple((i, c) for c in range(6))) for i in range(len(rows))]
    outcomes = [at[r] for r in rows if r not in ("new", "carried_in", "total", "carried_out")]
    ends = [at.get(r) for r in ("new", "carried_in", "total", "carried_out")]
    for c in range(7):
        if ends[2] is not None:
            eqs.append((((ends[2], c),), tuple((o, c) for o in outcomes)))
        if None not in ends:
            new, carried_in, total, carried_out = ends
            eqs.append((((new, c), (carried_in, c)), ((total, c), (carried_out, c))))  # type: ignore[arg-type]
    return eqs


_REVIEW_EQUATIONS: tuple[Equation, ...] = tuple(
    (((0, t),), tuple((0, p) for p in parts)) for t, parts in _REVIEW_SUMS
)


def read_applications(
    text: str, start: int, end: int, repeats_collapsed: bool = False
) -> TableRead:
    """Table 三: 收到和处理政府信息公开申请情况."""
    table = TableRead()
    split = [r for r in K.application_rows(True) if r != "other.total"]
    single = K.application_rows(False)
    # Which （六） did the report print? Its sub-rows, if their labels are there.
    subrow = _APP_RES["other.overdue_correction"].search(text, start, end) or _APP_RES[
        "other.overdue_fee"
    ].search(text, start, end)
    rows = split if subrow else list(single)
    table.layout = "split" if subrow else "single"
    specs = _app_specs(rows)
    if subrow:
        # The heading （六）其他处理 carries no values in the 2021 layout; skip past it.
        specs.insert(
            rows.index("other.overdue_correction"),
            RowSpec("other.heading", _APP_RES["other.total"], ()),
        )
    read = _read_rows(text, start, end, specs, table, repeats_collapsed)
    table.missing_rows = [r for r in table.missing_rows if r != "other.heading"]
    read = [(spec, s) for spec, s in read if spec.keys]
    table.found = sum(1 for _, s in read if s is not None) >= 1 and len(read) >= 3
    if not table.found:
        return table
    _resolve(
        text,
        read,
        table,
        _applications_equations([spec.row for spec, _ in read]),
        table.layout_collapsed,
    )
    for row in table.missing_rows:
        for key in (K.application_key(row, c) for c in K.APPLICANT_COLUMNS):
            table.cells.pop(key, None)
            table.unreadable.setdefault(key, "未找到该行")
    return table


def active_layout(text: str, start: int, end: int) -> str | None:
    """Which 第二十条 layout section 二 uses: "2019" or "2021" (None if it shows neither)."""
    if _ACTIVE_2019.search(text, start, end):
        return "2019"
    if _ACTIVE_2021.search(text, start, end):
        return "2021"
    return None


def read_active(
    text: str, start: int, end: int, layout: str, repeats_collapsed: bool = False
) -> TableRead:
    """Table 二: 主动公开政府信息情况, in the given layout."""
    table = TableRead(layout=layout)
    specs = [
        RowSpec(row, _ACTIVE_RES[row], tuple(f"active.{row}.{c}" for c in cols))
        for row, cols in K.ACTIVE_ROWS[layout]
    ]
    read = _read_rows(text, start, end, specs, table, repeats_collapsed)
    table.found = len(read) >= 2 and any(s is not None for _, s in read)
    if table.found:
        _resolve(text, read, table, (), table.layout_collapsed)
        for row in table.missing_rows:
            for key in (
                f"active.{row}.{c}" for r, cols in K.ACTIVE_ROWS[layout] if r == row for c in cols
            ):
                table.unreadable.setdefault(key, "未找到该行")
    return table


def read_review(
    text: str, start: int, end: int, repeats_collapsed: bool = False, separator: str = ""
) -> TableRead:
    """Table 四: 行政复议、行政诉讼, fifteen values after the header."""
    table = TableRead()
    headers = list(_REVIEW_HEADER.finditer(text, start, end))
    if not headers:
        return _no_cases(text, start, end, table)
    first_value = re.compile(r"\d").search(text, headers[0].end(), end)
    limit = first_value.start() if first_value else end
    header_end = (
        max(_stripped_end(m) for m in headers if m.end() <= limit)
        if first_value
        else _stripped_end(headers[-1])
    )
    table.labels["review"] = (headers[0].start(), header_end)
    spec = RowSpec("review", re.compile(""), K.REVIEW_KEYS, _REVIEW_SUMS)
    found = runs(text, header_end, end)
    s = found[0] if found else None
    if s is not None and len(s.tokens) < len(K.REVIEW_KEYS):
        s = _joined(text, found, len(K.REVIEW_KEYS)) or s
    table.found = s is not None
    if s is not None:
        collapsed = repeats_collapsed and _collapsed([(spec, s)])
        _resolve(text, [(spec, s)], table, _REVIEW_EQUATIONS, collapsed, separator)
    else:
        # The header is printed and no value follows: the cells are blank, or lost by the
        # dump. Not a missing table, and not a number to guess.
        table.found = True
        for key in K.REVIEW_KEYS:
            table.unreadable[key] = "表头后没有数值（空白或未能读出）"
    return table


# Between two parts of table 四 printed as separate lines or sub-tables (行政复议, then
# 行政诉讼): line breaks and the header's words, no sentence. Atomic: a run of blanks split
# every way between a loose word's trailing blanks and the next iteration was exponential
# when the stretch did not match (42 s at 200 blanks); no word is a prefix of another, so
# the first parse is the only one.
_REVIEW_BETWEEN = compile_loose(
    r"(?>[\s\t]+|行政复议|行政诉讼|未经复议直接起诉|复议后起诉|结果维持|结果纠正|其他结果|尚未审结|总计)*+"
)


def _joined(text: str, found: Sequence[Scan], n: int) -> Scan | None:
    """The first runs taken together when they hold exactly `n` values and only line breaks
    or header words stand between them: table 四 wrapped over lines, or split in two."""
    tokens: list[Token] = []
    gaps: list[str] = []
    for i, run in enumerate(found):
        if i and not _REVIEW_BETWEEN.fullmatch(text, found[i - 1].tokens[-1].end, run.start):
            return None
        gaps.extend([run.gaps[0] if not i else "\n", *run.gaps[1:-1]])
        tokens.extend(run.tokens)
        if len(tokens) >= n:
            if len(tokens) > n:
                return None
            return Scan(tuple(tokens), (*gaps, run.gaps[-1]), run.end, tokens[0].start)
    return None


def _no_cases(text: str, start: int, end: int, table: TableRead) -> TableRead:
    """Table 四 replaced by a sentence that no case arose: every cell 0, read from it."""
    m = _NO_CASES.search(text, start, end)
    if m is None or re.search(r"\d+\s*(?:件|起|宗|个|次)", text[start:end]):
        return table
    table.found = True
    table.labels["review"] = (m.start(), m.end())
    for key in K.REVIEW_KEYS:
        table.cells[key] = Cell(0, m.start(), m.end())
    return table


def row_label(table: str, row: str) -> re.Pattern[str] | None:
    """The label pattern of a row of table 二 or 三 (None for table 四, which has none)."""
    if table == "二":
        return _ACTIVE_RES.get(row)
    if table == "三":
        return _APP_RES.get(row)
    return None
