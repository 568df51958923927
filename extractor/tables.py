"""The deterministic table reader: the four tables of a report into canonical cells.

Rows are found by their labels, in printed order, anywhere in the table's text: the layout
(tabs, one cell per line, blank lines, labels split across lines, labels glued to values)
does not matter. The values after each label are read by `cells`. Where a row can be read
more than one way (a spurious extra column, a glued digit run), the arithmetic of the table
(勾稽关系) chooses; where it cannot choose, the cells are reported ambiguous with their
candidate readings, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import product

from extractor.cells import Cell, Number, Scan, consistent, readings, scan, separator, values
from extractor.patterns import compile_loose
from schemas import keys as K

Check = Callable[[tuple[Number | None, ...]], bool]

_CN = r"(?:[一二三四五六七八][ \t]*[、.,][ \t]*)?"  # 一、
_PAREN = r"(?:\([ \t]*[一二三四五六七八][ \t]*\)[ \t]*)?"  # (一)
_NOTE = r"(?:[ \t\n]*\([^()\d]{0,40}\))?"  # (区分处理的,只计这一情形,不计其他情形)


def _item(n: int, required: bool = False) -> str:
    """The sub-item number "3." in front of a label: consumed with the label, so that a
    value glued to it ("20000027.属于行政执法案卷") loses no digit and gains none."""
    return rf"(?:{n}[ \t]*[.、][ \t]*){'' if required else '?'}"


@dataclass(frozen=True)
class RowSpec:
    row: str  # row key, e.g. "denied.state_secret"
    label: re.Pattern[str]
    keys: tuple[str, ...]
    check: Check | None = None


@dataclass
class TableRead:
    """What the reader made of one table."""

    found: bool = False
    layout: str | None = None
    cells: dict[str, Cell | None] = field(default_factory=dict)  # None: blank in the layout
    ambiguous: dict[str, tuple[str, list[Number], tuple[int, int]]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)
    missing_rows: list[str] = field(default_factory=list)
    labels: dict[str, tuple[int, int]] = field(default_factory=dict)


def _sum_check(total_at: int, parts: slice) -> Check:
    def check(v: tuple[Number | None, ...]) -> bool:
        part = v[parts]
        if v[total_at] is None or any(x is None for x in part):
            return True
        return v[total_at] == sum(part)  # type: ignore[arg-type]

    return check


def _all_checks(*checks: Check) -> Check:
    return lambda v: all(c(v) for c in checks)


_ROW_SUM = _sum_check(6, slice(0, 6))

# Section 三, in printed order. （六）其他处理 is either a heading over three sub-rows (2021)
# or a row of its own (2019); `read_applications` decides which the report printed.
_APP_LABELS: tuple[tuple[str, str], ...] = (
    ("new", _CN + r"本年新收(?:[^\d]{0,16}?申请)?(?:数量)?"),
    ("carried_in", _CN + r"上年结转(?:[^\d]{0,16}?申请)?(?:数量)?"),
    ("granted", _PAREN + r"予以公开"),
    ("partial", _PAREN + r"部分公开" + _NOTE),
    ("denied.state_secret", _item(1) + r"属于国家秘密"),
    ("denied.prohibited", _item(2) + r"其他法律(?:行政)?法规禁止公开"),
    ("denied.security", _item(3) + r"危及[^\d]{0,6}?三安全一稳定[”\"']?"),
    ("denied.third_party", _item(4) + r"保护第三方合法权益"),
    ("denied.internal", _item(5) + r"属于三类内部事务信息"),
    ("denied.process", _item(6) + r"属于四类过程性信息"),
    ("denied.enforcement_file", _item(7) + r"属于行政执法案卷"),
    ("denied.inquiry", _item(8) + r"属于行政查询事项"),
    ("unavailable.not_held", _item(1) + r"本机关不掌握(?:相关)?(?:的)?政府信息"),
    ("unavailable.needs_creation", _item(2) + r"没有现成信息需要另行制作"),
    ("unavailable.unclear", _item(3) + r"补正后申请内容仍不明确"),
    ("not_processed.petition", _item(1) + r"信访举报投诉类申请"),
    ("not_processed.duplicate", _item(2) + r"重复申请"),
    ("not_processed.publication", _item(3) + r"要求提供公开出版物"),
    ("not_processed.excessive", _item(4) + r"无正当理由大量反复申请"),
    ("not_processed.confirmation", _item(5) + r"要求行政机关确认或重新出具已获取(?:的)?信息"),
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
    ("carried_out", _CN + r"结转下年度继续办理"),
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
_REVIEW_CHECK = _all_checks(
    _sum_check(4, slice(0, 4)), _sum_check(9, slice(5, 9)), _sum_check(14, slice(10, 14))
)


def _read_rows(
    text: str, start: int, end: int, specs: Sequence[RowSpec], table: TableRead
) -> list[tuple[RowSpec, Scan]]:
    """Find each row's label in order and scan the values that follow it."""
    found: list[tuple[RowSpec, int, int]] = []
    pos = start
    for spec in specs:
        m = spec.label.search(text, pos, end)
        if m is None:
            table.missing_rows.append(spec.row)
            continue
        found.append((spec, m.start(), m.end()))
        table.labels[spec.row] = (m.start(), m.end())
        pos = m.end()
    scans = []
    for i, (spec, _, label_end) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else end
        scans.append((spec, scan(text, label_end, stop)))
    return scans


def _resolve(
    rows: list[tuple[RowSpec, Scan]], table: TableRead, cross: Check | None = None
) -> None:
    """Choose each row's reading; record cells, ambiguities and unreadable rows."""
    sep = separator([s for _, s in rows], [len(spec.keys) for spec, _ in rows])
    options: list[list[tuple[Cell | None, ...]]] = []
    reasons: list[str | None] = []
    for spec, s in rows:
        opts, reason = readings(s, len(spec.keys), sep)
        if reason and len(opts) > 1:
            kept = consistent(opts, spec.check)
            opts = kept if kept else opts
            if not kept:
                reason += "；没有一种读法符合本行合计"
        distinct: dict[tuple[Number | None, ...], tuple[Cell | None, ...]] = {}
        for o in opts:
            distinct.setdefault(values(o), o)  # the first of equal readings: leftmost drop
        options.append(list(distinct.values()))
        reasons.append(reason)
    if cross is not None:
        _cross_resolve(rows, options, cross)
    for (spec, s), opts, reason in zip(rows, options, reasons, strict=True):
        if not opts:
            for key in spec.keys:
                table.unreadable[key] = reason or "没有数值"
            table.missing_rows.append(spec.row)
            continue
        for i, key in enumerate(spec.keys):
            column = [o[i] for o in opts]
            vals = [c.value if c else None for c in column]
            if len(set(vals)) == 1:
                table.cells[key] = column[0]
                continue
            # Point at the whole printed run the readings disagree about, not at one cut.
            spans = [
                (t.start, t.end)
                for t in s.tokens
                if any(c and c.start < t.end and t.start < c.end for c in column)
            ]
            span = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (0, 0)
            candidates = [v for v in dict.fromkeys(vals) if v is not None]
            table.ambiguous[key] = (reason or "有多种读法", candidates, span)


def _cross_resolve(
    rows: list[tuple[RowSpec, Scan]],
    options: list[list[tuple[Cell | None, ...]]],
    cross: Check,
) -> None:
    """Narrow rows with several readings to the combination the whole table's arithmetic
    accepts, when exactly one does."""
    open_rows = [i for i, o in enumerate(options) if len(o) > 1]
    if not open_rows:
        return
    combos = 1
    for i in open_rows:
        combos *= len(options[i])
    if combos > 4096:
        return
    grid = [values(o[0]) if o else None for o in options]
    accepted = []
    for choice in product(*(options[i] for i in open_rows)):
        for i, reading in zip(open_rows, choice, strict=True):
            grid[i] = values(reading)
        flat: list[Number | None] = []
        for (spec, _), vals in zip(rows, grid, strict=True):
            flat.extend(vals if vals is not None else [None] * len(spec.keys))
        if cross(tuple(flat)):
            accepted.append(choice)
    if len(accepted) == 1:
        for i, reading in zip(open_rows, accepted[0], strict=True):
            options[i] = [reading]


def _app_specs(rows: Sequence[str]) -> list[RowSpec]:
    return [
        RowSpec(
            r, _APP_RES[r], tuple(K.application_key(r, c) for c in K.APPLICANT_COLUMNS), _ROW_SUM
        )
        for r in rows
    ]


def _applications_cross(rows: Sequence[str]) -> Check:
    """balance and outcome_sum over the flattened table, for choosing among readings."""
    index = {r: i * 7 for i, r in enumerate(rows)}
    outcomes = [r for r in rows if r not in ("new", "carried_in", "total", "carried_out")]

    def check(v: tuple[Number | None, ...]) -> bool:
        for c in range(7):

            def at(row: str, col: int = c) -> Number | None:
                return v[index[row] + col] if row in index else None

            sides = [at("new"), at("carried_in"), at("total"), at("carried_out")]
            if all(x is not None for x in sides) and sides[0] + sides[1] != sides[2] + sides[3]:  # type: ignore[operator]
                return False
            parts = [at(r) for r in outcomes]
            total = at("total")
            if total is not None and all(p is not None for p in parts) and total != sum(parts):  # type: ignore[arg-type]
                return False
        return True

    return check


def read_applications(text: str, start: int, end: int) -> TableRead:
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
    scanned = _read_rows(text, start, end, specs, table)
    table.missing_rows = [r for r in table.missing_rows if r != "other.heading"]
    scanned = [(spec, s) for spec, s in scanned if spec.keys]
    table.found = len(scanned) >= 3
    if not table.found:
        return table
    read_rows = [spec.row for spec, _ in scanned]
    _resolve(scanned, table, _applications_cross(read_rows))
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


def read_active(text: str, start: int, end: int, layout: str) -> TableRead:
    """Table 二: 主动公开政府信息情况, in the given layout."""
    table = TableRead(layout=layout)
    specs = [
        RowSpec(row, _ACTIVE_RES[row], tuple(f"active.{row}.{c}" for c in cols))
        for row, cols in K.ACTIVE_ROWS[layout]
    ]
    scanned = _read_rows(text, start, end, specs, table)
    table.found = len(scanned) >= 2
    if table.found:
        _resolve(scanned, table)
        for row in table.missing_rows:
            for key in (
                f"active.{row}.{c}" for r, cols in K.ACTIVE_ROWS[layout] if r == row for c in cols
            ):
                table.unreadable.setdefault(key, "未找到该行")
    return table


def read_review(text: str, start: int, end: int) -> TableRead:
    """Table 四: 行政复议、行政诉讼, fifteen values after the header."""
    table = TableRead()
    headers = list(_REVIEW_HEADER.finditer(text, start, end))
    if not headers:
        return table
    first_value = re.compile(r"\d").search(text, headers[0].end(), end)
    limit = first_value.start() if first_value else end
    header_end = (
        max(m.end() for m in headers if m.end() <= limit) if first_value else headers[-1].end()
    )
    table.labels["review"] = (headers[0].start(), header_end)
    spec = RowSpec("review", re.compile(""), K.REVIEW_KEYS, _REVIEW_CHECK)
    s = scan(text, header_end, end)
    table.found = bool(s.tokens)
    if table.found:
        _resolve([(spec, s)], table)
        if "review" in table.missing_rows:
            table.missing_rows = ["review"]
    else:
        table.missing_rows.append("review")
    return table


def row_label(table: str, row: str) -> re.Pattern[str] | None:
    """The label pattern of a row of table 二 or 三 (None for table 四, which has none)."""
    if table == "二":
        return _ACTIVE_RES.get(row)
    if table == "三":
        return _APP_RES.get(row)
    return None
