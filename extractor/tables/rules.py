"""The validator: every single-report rule of docs/format.md, on the cells whoever read them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from schemas import Finding, ReportRecord, Span
from schemas import keys as K

Number = int | float
# The reason the reader gives for a row or table whose label it did not find.
NOT_FOUND = "未找到"
ARITHMETIC_RULES = frozenset(
    {
        "balance",
        "outcome_sum",
        "column_sum",
        "review_sum",
        "litigation_direct_sum",
        "litigation_after_review_sum",
    }
)
_REVIEW_RULES = {
    "review": "review_sum",
    "litigation.direct": "litigation_direct_sum",
    "litigation.after_review": "litigation_after_review_sum",
}


def _fmt(v: Number) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _side(keys: Sequence[str], cells: dict[str, Number | None]) -> str:
    """ "a(1) + b(2)", leaving out the zero terms of a long sum so the message stays readable."""
    shown = [k for k in keys if cells[k] != 0] if len(keys) > 3 else list(keys)
    text = " + ".join(f"{K.label(k)}({_fmt(cells[k])})" for k in shown)  # type: ignore[arg-type]
    zeros = len(keys) - len(shown)
    if zeros:
        text = f"{text} + 其余 {zeros} 项(0)" if text else f"{zeros} 项(均为 0)"
    return text


def _evidence(record: ReportRecord, keys: Sequence[str]) -> list[Span]:
    return [record.evidence[k] for k in keys if k in record.evidence]


def _equation(
    record: ReportRecord, rule: str, left: Sequence[str], right: Sequence[str]
) -> Finding | None:
    """A finding when sum(left) != sum(right), or when a blank cell leaves it unchecked.
    None when it holds, or when the report's layout has no such cells."""
    cells = record.cells
    involved = [*left, *right]
    if any(k not in cells for k in involved):
        return None
    nulls = [k for k in involved if cells[k] is None]
    if nulls and all(k in record.unreadable for k in nulls):
        return None  # row_missing / table_missing already say so
    if nulls:
        why = "，".join(
            f"{K.label(k)}{'存疑' if k in record.ambiguous else '未读取' if k in record.unreadable else '空白'}"
            for k in nulls
        )
        return Finding(
            rule=rule,
            severity="info",
            status="not_checkable",
            cells=involved,
            message=f"无法核对：{why}",
            evidence=_evidence(record, involved),
        )
    lsum = sum(cells[k] for k in left)  # type: ignore[misc]
    rsum = sum(cells[k] for k in right)  # type: ignore[misc]
    if abs(lsum - rsum) < 1e-9:
        return None
    return Finding(
        rule=rule,
        severity="error",
        status="failed",
        cells=involved,
        left=lsum,
        right=rsum,
        message=f"{_side(left, cells)} = {_fmt(lsum)} ≠ {_side(right, cells)} = {_fmt(rsum)}",
        evidence=_evidence(record, involved),
    )


def _equations(record: ReportRecord) -> Iterator[tuple[str, list[str], list[str]]]:
    """Every equation of the tables' arithmetic for the record's layout: (rule, left, right)."""
    app = K.application_key
    split = app("other.overdue_correction", "total") in record.cells
    for c in K.APPLICANT_COLUMNS:
        yield (
            "balance",
            [app("new", c), app("carried_in", c)],
            [app("total", c), app("carried_out", c)],
        )
    for c in K.APPLICANT_COLUMNS:
        yield "outcome_sum", [app("total", c)], [app(r, c) for r in K.outcome_rows(split)]
    for r in K.application_rows(split):
        yield "column_sum", [app(r, "total")], [app(r, c) for c in K.APPLICANT_PARTS]
    for group, rule in _REVIEW_RULES.items():
        yield rule, [f"{group}.total"], [f"{group}.{o}" for o in K.OUTCOMES if o != "total"]


def _arithmetic(record: ReportRecord) -> Iterator[Finding | None]:
    for rule, left, right in _equations(record):
        yield _equation(record, rule, left, right)


def tally(record: ReportRecord) -> dict[str, int]:
    """How many equations of the tables' arithmetic held, failed, and could not be checked
    (a cell blank, ambiguous or unreadable, or a row or table not read)."""
    counts = {"held": 0, "failed": 0, "not_checkable": 0}
    if record.format == "pre2019":
        return counts
    cells = record.cells
    for _rule, left, right in _equations(record):
        involved = [*left, *right]
        if any(cells.get(k) is None for k in involved):
            counts["not_checkable"] += 1
        elif abs(sum(cells[k] for k in left) - sum(cells[k] for k in right)) < 1e-9:  # type: ignore[misc]
            counts["held"] += 1
        else:
            counts["failed"] += 1
    return counts


_DOMAIN = {
    "count": (lambda v: isinstance(v, int) and v >= 0, "非负整数"),
    "signed": (lambda v: isinstance(v, int), "整数"),
    "amount": (lambda v: v >= 0, "非负数"),
}


def _value_domain(record: ReportRecord) -> Iterator[Finding]:
    for key, value in record.cells.items():
        if value is None:
            continue
        ok, want = _DOMAIN[K.value_kind(key)]
        if not ok(value):
            yield Finding(
                rule="value_domain",
                severity="error",
                status="failed",
                cells=[key],
                left=value,
                message=f"{K.label(key)} = {_fmt(value)}，应为{want}",
                evidence=_evidence(record, [key]),
            )


def _tables(record: ReportRecord) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {"二": [], "三": [], "四": []}
    for key in record.cells:
        table = (
            "二" if key.startswith("active.") else "三" if key.startswith("applications.") else "四"
        )
        groups[table].append(key)
    return groups


def _missing(record: ReportRecord) -> Iterator[Finding]:
    """table_missing and row_missing: cells that should be there and were not read."""

    def lost(key: str) -> bool:
        return record.cells.get(key) is None and key in record.unreadable

    for table, keys in _tables(record).items():
        if (
            keys
            and all(lost(k) for k in keys)
            and not any(record.unreadable[k].reason.startswith(NOT_FOUND) for k in keys)
        ):
            # The table is printed (its header is there) and no value of it could be read.
            yield _reading_doubt(record, keys, f"表{table}", record.unreadable[keys[0]].reason)
            continue
        if not keys or all(lost(k) for k in keys):
            yield Finding(
                rule="table_missing",
                severity="error",
                status="failed",
                cells=keys,
                message=f"表{table}缺失或无法读取",
            )
            continue
        rows: dict[str, list[str]] = {}
        for k in keys:
            rows.setdefault(k.rsplit(".", 1)[0] if table != "四" else "review", []).append(k)
        for row, row_keys in rows.items():
            if all(lost(k) for k in row_keys):
                reason = record.unreadable[row_keys[0]].reason
                if reason.startswith(NOT_FOUND):
                    yield Finding(
                        rule="row_missing",
                        severity="error",
                        status="failed",
                        cells=row_keys,
                        message=f"表{table} {row} 行缺失：{reason}",
                    )
                else:  # the row is printed and we could not read its values
                    yield _reading_doubt(record, row_keys, f"表{table} {row} 行", reason)


def _reading_doubt(record: ReportRecord, keys: list[str], what: str, reason: str) -> Finding:
    """A table or row printed whose values we could not read: our doubt, not the report's
    error."""
    return Finding(
        rule="reading_doubt",
        severity="warning",
        status="not_checkable",
        cells=keys,
        message=f"{what}已印出，但其数值未能读出：{reason}",
        evidence=_evidence(record, keys),
    )


def _format_outdated(record: ReportRecord) -> Iterator[Finding]:
    if record.year is None or record.year < 2021:
        return
    if record.format == "2019":
        yield Finding(
            rule="format_outdated",
            severity="warning",
            status="failed",
            cells=list(K.active_keys("2019")),
            message=f"{record.year}年度报告第二十条表仍用2019年试行格式（本年新制作数量/上一年项目数量），"
            "应按国办公开办函〔2021〕30号格式",
        )
    single = K.application_key(K.OTHER_SINGLE_ROW, "total")
    if single in record.cells:
        keys = [K.application_key(K.OTHER_SINGLE_ROW, c) for c in K.APPLICANT_COLUMNS]
        yield Finding(
            rule="format_outdated",
            severity="warning",
            status="failed",
            cells=keys,
            message=f"{record.year}年度报告（六）其他处理仍为一行；2021年格式分为逾期不补正、逾期未缴费、其他三项",
            evidence=_evidence(record, keys),
        )


def validate(record: ReportRecord) -> list[Finding]:
    """Every single-report finding for `record`, in a stable order."""
    if record.format == "pre2019":
        return [
            Finding(
                rule="pre2019_layout",
                severity="info",
                status="not_checkable",
                cells=[],
                message=f"{record.year}年度报告使用2019年以前的统计表格式，不按现行格式读取和核对表格",
            )
        ]
    findings = [f for f in _arithmetic(record) if f is not None]
    findings.extend(_value_domain(record))
    findings.extend(_format_outdated(record))
    findings.extend(_missing(record))
    return findings
