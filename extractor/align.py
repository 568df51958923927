"""Claims against the table: which cells a figure can mean, and whether any of them agree.

Prose is loose about what it counts: "收到/受理 N件" may be the new applications, new plus
carried over, or all handled; "办理/办结" usually all handled; "因不掌握等原因无法提供" the
row or the whole category. Each topic therefore has readings, each a sum of cells. A claim is
consistent when some reading matches, a contradiction when every reading that can be
computed differs, unclear when none can be computed (blank cells, a table not read, a topic
the tables do not have).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from schemas import Contradiction, Finding, ReportRecord, Span
from schemas import keys as K

Number = int | float
Reading = tuple[str, ...]


def _app(row: str) -> str:
    return K.application_key(row, "total")


def readings(topic: str, record: ReportRecord) -> list[Reading]:
    """The cell sums a claim on `topic` can mean in this report's layout (most likely first)."""
    cells = record.cells
    fmt = record.format
    if topic == "received":
        return [(_app("new"),), (_app("new"), _app("carried_in")), (_app("total"),)]
    if topic == "handled":
        return [(_app("total"),), (_app("new"), _app("carried_in")), (_app("new"),)]
    if topic in ("carried_in", "carried_out", "granted", "partial"):
        return [(_app(topic),)]
    if topic == "granted_partial":
        return [(_app("granted"), _app("partial"))]
    if topic in ("denied", "unavailable", "not_processed"):
        return [
            tuple(
                k for k in cells if k.startswith(f"applications.{topic}.") and k.endswith(".total")
            )
        ]
    if topic == "unavailable.not_held":
        whole = tuple(
            k for k in cells if k.startswith("applications.unavailable.") and k.endswith(".total")
        )
        return [(_app(topic),), whole]
    if topic == "other_processing":
        return [
            tuple(k for k in cells if k.startswith("applications.other.") and k.endswith(".total"))
        ]
    if topic.split(".")[0] in ("denied", "unavailable", "not_processed"):
        return [(_app(topic),)]
    if topic == "review":
        return [("review.total",)]
    if topic.startswith("review.") and topic != "review.all_upheld":
        return [(topic,)]
    if topic == "review.all_upheld":  # "均获维持": nothing corrected, otherwise decided or pending
        return [("review.corrected", "review.other", "review.pending")]
    if topic == "litigation":
        return [("litigation.direct.total", "litigation.after_review.total")]
    if topic in ("litigation.direct", "litigation.after_review"):
        return [(f"{topic}.total",)]
    if topic.startswith("normative_docs.") or topic.startswith("rules."):
        row, what = topic.split(".")
        column = {
            ("2021", "issued"): ("issued",),
            ("2021", "repealed"): ("repealed",),
            ("2021", "in_force"): ("in_force",),
            ("2019", "issued"): ("made", "published"),
            ("2019", "in_force"): ("total_public",),
        }.get((fmt or "2021", what), ())
        return [(f"active.{row}.{c}",) for c in column]
    if topic in ("licensing", "penalty", "coercion"):
        return [(f"active.{topic}.decisions",)]
    if topic == "fees":
        return [("active.fees.amount",)] if fmt == "2021" else []
    return []


def _value(record: ReportRecord, reading: Reading) -> Number | None:
    if not reading or any(record.cells.get(k) is None for k in reading):
        return None
    return sum(record.cells[k] for k in reading)  # type: ignore[misc]


def judge(
    topic: str | None, stated: Number, record: ReportRecord
) -> tuple[str, Reading, Number | None]:
    """(verdict, the cells it rests on, their value)."""
    options = [r for r in readings(topic, record) if r] if topic else []
    known: list[tuple[Reading, Number]] = []
    for r in options:
        v = _value(record, r)
        if v is not None:
            known.append((r, v))
    for r, v in known:
        if abs(v - stated) < 1e-6:
            return "consistent", r, v
    if known:
        r, v = known[0]
        return "contradiction", r, v
    return "unclear", options[0] if options else (), None


def check_claims(record: ReportRecord) -> tuple[list[Contradiction], list[Finding]]:
    """Every claim of `record.claims` judged against its cells, and a `narrative_mismatch`
    finding for each contradiction."""
    contradictions: list[Contradiction] = []
    findings: list[Finding] = []
    for claim in record.claims:
        verdict, cells, table = judge(claim.topic, claim.value, record)
        contradictions.append(
            Contradiction(
                claim=claim.topic or claim.subject,
                cells=list(cells),
                stated=claim.value,
                table=table,
                quote=claim.quote,
                start=claim.start,
                end=claim.end,
                verdict=verdict,  # type: ignore[arg-type]
            )
        )
        if verdict == "contradiction":
            where = " + ".join(K.label(k) for k in cells)
            findings.append(
                Finding(
                    rule="narrative_mismatch",
                    severity="error",
                    status="failed",
                    cells=list(cells),
                    left=claim.value,
                    right=table,
                    message=f"正文「{claim.quote}」说 {claim.value}，表格 {where} = {table}",
                    evidence=[
                        Span(start=claim.start, end=claim.end, snippet=claim.quote),
                        *(record.evidence[k] for k in cells if k in record.evidence),
                    ],
                )
            )
    return contradictions, findings


# 共计发布795条，其中A 87条、B 265条、C 443条: the parts must add up to the total.
_TOTAL = re.compile(
    r"(?:共|共计|合计|总计)[^,，。;；\d]{0,12}?(?P<n>\d+)\s*(?P<u>条|件|个|项|次|篇|期)"
)
_PART = re.compile(r"(?P<n>\d+)\s*(?P<u>条|件|个|项|次|篇|期)")


def narrative_sums(
    text: str, start: int, end: int
) -> Iterator[tuple[int, int, int, list[int], int]]:
    """(phrase start, phrase end, stated total, parts, sum) for each 共计…其中… whose parts do
    not add up: no run of parts from the first equals the total, and all of them exceed it."""
    for m in _TOTAL.finditer(text, start, end):
        rest = text[m.end() : m.end() + 4]
        if "其中" not in rest:
            continue
        stop = text.find("。", m.end(), end)
        stop = end if stop < 0 else stop
        parts = [
            (int(p.group("n")), p.end())
            for p in _PART.finditer(text, m.end(), stop)
            if p.group("u") == m.group("u") and not _NOT_PART.match(text, p.end())
        ]
        if len(parts) < 2:
            continue
        total = int(m.group("n"))
        running = 0
        settled = False
        for value, _ in parts:
            running += value
            if running == total:
                settled = True
                break
        if not settled and running > total:
            yield m.start(), parts[-1][1], total, [v for v, _ in parts], running


_NOT_PART = re.compile(r"\s*(?:%|次/)")
