"""The prose pass: figures stated in the text, judged against the cells, whoever read them."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable

from extractor.align import check_claims, narrative_sums, readings
from extractor.claims import find_claims, topic_of
from extractor.ingest import Document
from extractor.sections import Section
from schemas import Claim, Finding, ReportRecord, Span
from schemas import keys as K


def prose_regions(
    record: ReportRecord, sections: dict[str, Section], length: int
) -> list[tuple[str, int, int]]:
    """Where the prose is (normalised offsets): the opening, 一, 五, 六, and 四 when it was
    written as text instead of a table."""
    if not sections:
        return [("all", 0, length)]
    first = min(s.start for s in sections.values())
    regions = [("head", 0, first)] if first > 0 else []
    review_lost = all(k in record.unreadable for k in K.REVIEW_KEYS if k in record.cells)
    for numeral, s in sections.items():
        if numeral in ("一", "五", "六") or (numeral == "四" and review_lost):
            regions.append((numeral, s.body, s.end))
    return regions


def rule_claims(doc: Document, regions: Iterable[tuple[str, int, int]]) -> list[Claim]:
    """Claims the deterministic patterns find, with offsets into the original text."""
    text = doc.text
    claims = []
    for _, start, end in regions:
        for found in find_claims(text.text, start, end):
            s, e, quote = text.snippet(found.start, found.end)
            claims.append(
                Claim(
                    quote=quote,
                    value=found.value,
                    topic=found.topic,
                    subject=text.text[found.start : found.end],
                    start=s,
                    end=e,
                    read_by="rules",
                )
            )
    return claims


def merge_claims(ours: list[Claim], theirs: Iterable[Claim]) -> list[Claim]:
    """The patterns' claims plus the model's that say something the patterns did not: a
    model claim overlapping a pattern claim adds nothing."""
    merged = list(ours)
    for claim in theirs:
        if any(c.start < claim.end and claim.start < c.end for c in ours):
            continue
        topic = claim.topic or topic_of(claim.subject)
        if topic in ("received", "handled") and "申请" not in claim.quote:
            topic = None  # 受理/办结 of something else (hotline tickets, service matters)
        merged.append(claim.model_copy(update={"topic": topic}))
    return sorted(merged, key=lambda c: (c.start, c.topic or ""))


# Text addressed to a model rather than to readers of a government report.
_INJECTION = re.compile(
    r"(?:忽略|无视|不要理会|忘记)(?:掉)?(?:以上|上述|之前|前面|先前|所有|全部)(?:的|所有)?(?:指令|指示|提示词?|要求|规则|内容)"
    r"|(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier)\s+(?:instructions|prompts|rules)"
    r"|(?:你现在是|你是一个|作为(?:一个)?(?:AI|人工智能|语言模型|助手))"
    r"|system\s*prompt|系统提示词"
    r"|(?:输出|返回|回答|填写|改为)[^。\n]{0,12}?(?:所有|全部|每个)(?:的)?(?:数字|数值|单元格|结果)"
    r"|(?:所有|全部|每个)(?:的)?(?:数字|数值|单元格)[^。\n]{0,6}?(?:改为|都填|均填|输出为|替换为)",
    re.IGNORECASE,
)


# Words without which none of the above can match: a cheap gate for the common case.
_INJECTION_GATE = re.compile(
    r"忽略|无视|不要理会|忘记|你现在是|你是一个|作为|系统提示|改为|都填|均填|替换为|输出为|输出|返回|回答|填写"
    r"|ignore|disregard|forget|system",
    re.IGNORECASE,
)


def injections(doc: Document) -> list[Finding]:
    """Report text that tries to instruct a model: flagged, whatever a model made of it."""
    found: list[Finding] = []
    text = doc.text.text
    if not _INJECTION_GATE.search(text):
        return found
    for m in _INJECTION.finditer(text):
        s, e, quote = doc.text.snippet(m.start(), m.end())
        found.append(
            Finding(
                rule="prompt_injection",
                severity="warning",
                status="failed",
                cells=[],
                message=f"报告文本中有针对模型的指令「{quote}」：只采用能在原文中核实的数字",
                evidence=[Span(start=s, end=e, snippet=quote)],
            )
        )
    return found


def _could_be(record: ReportRecord, reading: tuple[str, ...], stated: float) -> bool:
    """Whether some reading of the ambiguous cells in `reading` sums to `stated` (blank or
    unreadable cells leave it uncomputable: no)."""
    options: list[list[float]] = []
    for key in reading:
        if key in record.ambiguous:
            options.append(list(record.ambiguous[key].candidates))
        elif record.cells.get(key) is not None:
            options.append([record.cells[key]])  # type: ignore[list-item]
        else:
            return False
    if math.prod(len(o) for o in options) > 4096:  # too many readings to rule out: open
        return True
    return any(abs(sum(combo) - stated) < 1e-6 for combo in itertools.product(*options))


def _open_by_ambiguity(record: ReportRecord) -> set[tuple[int, int]]:
    """Claims judged contradictions although a reading of an ambiguous cell would make them
    true: they are `unclear`, since the doubt is in our reading of the table, not the report.
    Returns their spans."""
    if not record.ambiguous:
        return set()
    opened: set[tuple[int, int]] = set()
    for i, (claim, judged) in enumerate(zip(record.claims, record.contradictions, strict=True)):
        if judged.verdict != "contradiction" or not claim.topic:
            continue
        for reading in readings(claim.topic, record):
            if any(k in record.ambiguous for k in reading) and _could_be(
                record, reading, claim.value
            ):
                record.contradictions[i] = judged.model_copy(
                    update={"verdict": "unclear", "cells": list(reading), "table": None}
                )
                opened.add((judged.start, judged.end))
                break
    return opened


def audit_prose(
    record: ReportRecord,
    doc: Document,
    sections: dict[str, Section],
    model_claims: Iterable[Claim] = (),
) -> None:
    """Fill `claims` and `contradictions`; add narrative_mismatch and narrative_sum findings."""
    record.findings.extend(injections(doc))
    regions = prose_regions(record, sections, len(doc.text.text))
    record.claims = merge_claims(rule_claims(doc, regions), model_claims)
    if record.format == "pre2019":
        return
    record.contradictions, mismatches = check_claims(record)
    open_ = _open_by_ambiguity(record)
    record.findings.extend(
        f
        for f in mismatches
        if not f.evidence or (f.evidence[0].start, f.evidence[0].end) not in open_
    )
    for _, start, end in regions:
        for s, e, total, parts, running in narrative_sums(doc.text.text, start, end):
            os_, oe, quote = doc.text.snippet(s, e)
            record.findings.append(
                Finding(
                    rule="narrative_sum",
                    severity="warning",
                    status="failed",
                    cells=[],
                    left=total,
                    right=running,
                    message=f"正文称共计 {total}，其后所列各项 {' + '.join(map(str, parts))} = {running}",
                    evidence=[Span(start=os_, end=oe, snippet=quote)],
                )
            )
