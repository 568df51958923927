"""The prose pass: figures stated in the text, judged against the cells, whoever read them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from extractor.ingest.files import Document
from extractor.ingest.normalise import normalise
from extractor.ingest.sections import Section
from extractor.prose.align import check_claims, check_shares, narrative_sums
from extractor.prose.claims import Found, find_claims, model_topic
from extractor.prose.numbers import Decided, clause_around, decide
from schemas import Claim, Finding, ProseNumber, ProseNumbers, ReportRecord, Span
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


def _found(doc: Document, regions: Iterable[tuple[str, int, int]]) -> list[Found]:
    return [f for _, start, end in regions for f in find_claims(doc.text.text, start, end)]


def _claims(doc: Document, found: Iterable[Found]) -> list[Claim]:
    claims = []
    for f in found:
        s, e, quote = doc.text.snippet(f.start, f.end)
        claims.append(
            Claim(
                quote=quote,
                value=f.value,
                topic=f.topic,
                subject=doc.text.text[f.start : f.end],
                start=s,
                end=e,
                read_by="rules",
            )
        )
    return claims


def merge_claims(ours: list[Claim], theirs: Iterable[Claim]) -> list[Claim]:
    """The patterns' claims and the model's, merged: a figure both found is read_by "both";
    one only the model found is added, its topic taken from its quote or subject."""
    merged = list(ours)
    for claim in theirs:
        same = [
            i
            for i, c in enumerate(merged)
            if c.read_by != "llm"
            and c.start < claim.end
            and claim.start < c.end
            and abs(c.value - claim.value) < 1e-6
        ]
        if same:
            for i in same:
                merged[i] = merged[i].model_copy(update={"read_by": "both"})
            continue
        if any(c.start < claim.end and claim.start < c.end and c.read_by == "llm" for c in merged):
            continue  # the model said it twice (overlapping chunks)
        quote = normalise(claim.quote).text
        topic = claim.topic or model_topic(claim.subject, quote, claim.value)
        merged.append(claim.model_copy(update={"topic": topic}))
    return sorted(merged, key=lambda c: (c.start, c.topic or ""))


def prose_numbers(
    doc: Document,
    regions: Iterable[tuple[str, int, int]],
    found: Iterable[Found],
    claims: Iterable[Claim],
) -> ProseNumbers:
    """A decision for every number of the prose: a claim (the patterns' or the model's), not
    counted (by class), or undecided (listed, with its clause as printed)."""
    text = doc.text
    spans = [(f.start, f.end, f.value, f.topic) for f in found]
    by_model = [c for c in claims if c.read_by == "llm" and c.topic]
    out = ProseNumbers()
    for d in decide(text.text, [(s, e) for _, s, e in regions], spans):
        out.numbers += 1
        n = d.numeral
        if d.decision == "undecided" and by_model:
            s, e, _ = text.snippet(n.start, n.end)
            if any(
                c.start <= s and e <= c.end and n.value is not None and abs(c.value - n.value) < 1e-6
                for c in by_model
            ):
                d = Decided(n, "claim", None, None)  # the model settled it
        if d.decision == "claim":
            out.claims += 1
        elif d.decision == "not_counted":
            out.not_counted[d.reason or ""] = out.not_counted.get(d.reason or "", 0) + 1
        else:
            s, e, _ = text.snippet(n.start, n.end)
            cs, ce = clause_around(text.text, n.start, n.end)
            qs, qe, quote = text.snippet(cs, ce)
            out.undecided.append(
                ProseNumber(
                    value=n.value,
                    unit=n.unit,
                    start=s,
                    end=e,
                    clause=Span(start=qs, end=qe, snippet=quote),
                )
            )
    out.not_counted = dict(sorted(out.not_counted.items()))
    return out


# Text addressed to a model rather than to readers of a government report. The Chinese and
# the English forms are separate patterns: a case-insensitive flag on the whole would stop
# the regex engine from skipping ahead to the first characters, which made this search a
# tenth of the time a report takes.
_INJECTION_ZH = re.compile(
    r"(?:忽略|无视|不要理会|忘记)(?:掉)?(?:以上|上述|之前|前面|先前|所有|全部)(?:的|所有)?(?:指令|指示|提示词?|要求|规则|内容)"
    r"|(?:你现在是|你是一个|作为(?:一个)?(?:[Aa][Ii]|人工智能|语言模型|助手))"
    r"|系统提示词"
    r"|(?:输出|返回|回答|填写|改为)[^。\n]{0,12}?(?:所有|全部|每个)(?:的)?(?:数字|数值|单元格|结果)"
    r"|(?:所有|全部|每个)(?:的)?(?:数字|数值|单元格)[^。\n]{0,6}?(?:改为|都填|均填|输出为|替换为)"
)
_INJECTION_EN = re.compile(
    r"(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+)?(?:previous|prior|above|earlier)\s+(?:instructions|prompts|rules)"
    r"|system\s*prompt",
    re.IGNORECASE,
)


# Words without which none of the above can match: a cheap gate for the common case (the
# English one is searched in the lower-cased text).
_GATE_ZH = re.compile(
    r"忽略|无视|不要理会|忘记|你现在是|你是一个|作为|系统提示|改为|都填|均填|替换为|输出为|输出|返回|回答|填写"
)
_GATE_EN = re.compile(r"ignore|disregard|forget|system")


def injections(doc: Document) -> list[Finding]:
    """Report text that tries to instruct a model: flagged, whatever a model made of it."""
    found: list[Finding] = []
    text = doc.text.text
    matches = [*_INJECTION_ZH.finditer(text)] if _GATE_ZH.search(text) else []
    if _GATE_EN.search(text.lower()):
        matches += _INJECTION_EN.finditer(text)
    for m in sorted(matches, key=lambda m: m.start()):
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


@dataclass(frozen=True)
class Settled:
    """The model's answer about one undecided number: the topic it counts, or None when it
    is not a table quantity."""

    number: ProseNumber
    topic: str | None
    label: str  # the choice as the model gave it
    chunk: str  # the call it came from


class ProseModel(Protocol):
    """The model as the prose pass sees it (`extractor.model.backends.ReportModel`): the pass
    asks through this interface and never imports the model edge."""

    def figures(self, doc: Document, regions: list[tuple[str, int, int]]) -> list[Claim]:
        """The figures the model reads in the prose `regions`, as claims."""
        ...

    def settle(self, doc: Document, undecided: list[ProseNumber]) -> list[Settled]:
        """The model's answer for each of the numbers the rules left `undecided` that it
        answered (one call for them all; none when the list is empty)."""
        ...


def settled_claims(settled: Iterable[Settled]) -> list[Claim]:
    """A claim for every number the model said a table quantity counts: its clause is the
    quote (the number's span is known, so the claim is grounded by construction)."""
    return [
        Claim(
            quote=s.number.clause.snippet,
            value=s.number.value,
            topic=s.topic,
            subject=s.label,
            start=s.number.clause.start,
            end=s.number.clause.end,
            read_by="llm",
            chunk=s.chunk,
        )
        for s in settled
        if s.topic is not None and s.number.value is not None
    ]


def apply_settled(prose: ProseNumbers, settled: Iterable[Settled]) -> None:
    """Move the numbers the model answered out of `undecided`: a claim, or not counted as
    `model_not_table` (the model said it counts nothing the tables hold)."""
    answered = {(s.number.start, s.number.end): s for s in settled}
    kept = []
    for n in prose.undecided:
        s = answered.get((n.start, n.end))
        if s is None or (s.topic is not None and n.value is None):
            kept.append(n)
        elif s.topic is None:
            prose.not_counted[MODEL_NOT_TABLE] = prose.not_counted.get(MODEL_NOT_TABLE, 0) + 1
        else:
            prose.claims += 1
    prose.undecided = kept
    prose.not_counted = dict(sorted(prose.not_counted.items()))


MODEL_NOT_TABLE = "model_not_table"


def audit_prose(
    record: ReportRecord,
    doc: Document,
    sections: dict[str, Section],
    model: ProseModel | None = None,
) -> None:
    """Fill `claims`, `prose` and `contradictions`; add narrative_mismatch and narrative_sum
    findings. With a `model`, the figures it reads in the same regions (llm) are merged with
    the patterns', and its answers about the numbers the rules left undecided (hybrid) are
    claims or numbers not counted."""
    record.findings.extend(injections(doc))
    regions = prose_regions(record, sections, len(doc.text.text))
    model_claims = model.figures(doc, regions) if model is not None else []
    found = _found(doc, regions)
    record.claims = merge_claims(_claims(doc, found), model_claims)
    record.prose = prose_numbers(doc, regions, found, record.claims)
    if model is not None and record.prose.undecided and record.format != "pre2019":
        # The numbers the rules could not settle, asked about in one multiple-choice call.
        settled = model.settle(doc, record.prose.undecided)
        apply_settled(record.prose, settled)
        record.claims = sorted(
            [*record.claims, *settled_claims(settled)], key=lambda c: (c.start, c.topic or "")
        )
    if record.format == "pre2019":
        return
    record.contradictions, mismatches = check_claims(record)
    used = {(span.start, span.end) for span in record.settled_by_prose.values()}
    for c in record.contradictions:
        c.used_to_read = (c.start, c.end) in used
    record.findings.extend(mismatches)
    shares, mismatches = check_shares(record, doc.text.original)
    record.contradictions.extend(shares)
    record.findings.extend(mismatches)
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
