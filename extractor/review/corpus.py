"""Checks across reports: the carry chain between consecutive years of the same body."""

from __future__ import annotations

import re
from dataclasses import dataclass

from schemas import Finding
from schemas import keys as K

Number = int | float
_SUFFIX = re.compile(r"(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府)$")
_SPACE = re.compile(r"\s+")


def body_key(body: str | None) -> str | None:
    """The body's name without the words that vary between its reports: "抚远市人民政府" and
    "抚远市" are the same body."""
    if not body:
        return None
    name = _SPACE.sub("", body)
    return _SUFFIX.sub("", name) or name


@dataclass(frozen=True)
class Carry:
    """What the carry chain needs of one report."""

    source: str
    body: str | None
    year: int | None
    carried_in: tuple[Number | None, ...]
    carried_out: tuple[Number | None, ...]

    @classmethod
    def of(
        cls, source: str, body: str | None, year: int | None, cells: dict[str, Number | None]
    ) -> Carry:
        def row(name: str) -> tuple[Number | None, ...]:
            return tuple(cells.get(K.application_key(name, c)) for c in K.APPLICANT_COLUMNS)

        return cls(source, body, year, row("carried_in"), row("carried_out"))


def carry_chain(reports: list[Carry]) -> dict[str, list[Finding]]:
    """carry_chain findings by source: 上年结转 of year t against 结转下年度 of year t-1 of the
    same body, per column. Both reports of a broken link get the finding."""
    by_body: dict[tuple[str, int], list[Carry]] = {}
    for r in reports:
        key = body_key(r.body)
        if key and r.year:
            by_body.setdefault((key, r.year), []).append(r)
    out: dict[str, list[Finding]] = {}
    for (name, year), later in sorted(by_body.items()):
        for before in by_body.get((name, year - 1), []):
            for after in later:
                finding = _link(before, after)
                if finding:
                    out.setdefault(before.source, []).append(finding)
                    out.setdefault(after.source, []).append(finding)
    return out


def _link(before: Carry, after: Carry) -> Finding | None:
    broken, blank = [], []
    for col, prev, now in zip(
        K.APPLICANT_COLUMNS, before.carried_out, after.carried_in, strict=True
    ):
        if prev is None or now is None:
            blank.append(col)
        elif prev != now:
            broken.append((col, prev, now))
    cells = [K.application_key("carried_in", c) for c in K.APPLICANT_COLUMNS]
    if broken:
        detail = "；".join(
            f"{K.COLUMN_LABELS[c]} 上年报告结转下年度 {p}，本年报告上年结转 {n}"
            for c, p, n in broken
        )
        return Finding(
            rule="carry_chain",
            severity="error",
            status="failed",
            cells=cells,
            left=broken[0][1],
            right=broken[0][2],
            message=f"{before.year}年报告（{before.source}）与{after.year}年报告（{after.source}）衔接不上：{detail}",
        )
    if len(blank) == len(K.APPLICANT_COLUMNS):
        return None  # neither table was read: nothing to say beyond their own findings
    if blank:
        return Finding(
            rule="carry_chain",
            severity="info",
            status="not_checkable",
            cells=cells,
            message=f"{before.year}年与{after.year}年报告的结转无法完全核对：{'、'.join(K.COLUMN_LABELS[c] for c in blank)} 空白",
        )
    return None
