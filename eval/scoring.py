"""Score one record against the hand-made gold labels of a real report.

Tables: every gold cell is right when the record gives the printed value, or, for a key the
labels call `ambiguous`, when the record reports it ambiguous or null; body, year and format;
failed `row_missing`/`table_missing`/arithmetic findings the labels do not list as the
report's errors (false findings), and the report's errors found.

Prose: a labelled figure about table cells is found when the record states the same number
at the labelled place (its claim's span overlaps the quote, or one quote holds the other);
each record figure answers for one label at most. Contradictions are the record's
contradicting claims and failed `narrative_sum` findings, matched to the labels the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from eval.real import Figure, RealCase
from schemas import ReportRecord

ARITHMETIC = {
    "balance",
    "outcome_sum",
    "column_sum",
    "review_sum",
    "litigation_direct_sum",
    "litigation_after_review_sum",
    "value_domain",
}
MISSING = {"row_missing", "table_missing"}


def same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-6  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def body_key(body: str | None) -> str:
    """A body's name for comparison: spaces dropped, and 人民政府 (三明市人民政府 is the report of
    三明市), which titles often leave out."""
    return re.sub(r"\s+", "", body or "").replace("人民政府", "")


@dataclass
class TableScore:
    cells: int = 0
    right: int = 0
    misread: list[str] = field(default_factory=list)
    meta: dict[str, bool] = field(default_factory=dict)
    meta_wrong: list[str] = field(default_factory=list)
    false_findings: dict[str, list[str]] = field(
        default_factory=lambda: {"row_missing": [], "table_missing": [], "arithmetic": []}
    )
    errors: int = 0
    errors_found: int = 0
    errors_missed: list[str] = field(default_factory=list)


def score_tables(record: ReportRecord, gold: dict) -> TableScore:
    out = TableScore()
    ambiguous = gold.get("ambiguous") or {}
    for key, value in gold["cells"].items():
        out.cells += 1
        got = record.cells.get(key, "absent")
        if got == "absent" and key in record.unreadable:
            got = "unreadable"
        if same(got, value) or (key in ambiguous and (got is None or key in record.ambiguous)):
            out.right += 1
            continue
        if key in record.ambiguous:
            got = f"ambiguous {record.ambiguous[key].candidates}"
        elif key in record.unreadable:
            got = f"unreadable ({record.unreadable[key].reason})"
        out.misread.append(f"{key}: read {got}, printed {value}")
    out.meta = {
        "body": bool(record.body) and body_key(record.body) == body_key(gold["body"]),
        "year": record.year == gold["year"],
        "format": record.format == gold["format"],
    }
    for name, ok in out.meta.items():
        if not ok:
            out.meta_wrong.append(f"{name}: read {getattr(record, name)!r}, printed {gold[name]!r}")

    errors = gold.get("report_errors") or []
    out.errors = len(errors)
    failed = [f for f in record.findings if f.status == "failed"]
    for error in errors:
        wanted = set(error.get("cells") or ())
        if any(f.rule == error["rule"] and (not wanted or wanted & set(f.cells)) for f in failed):
            out.errors_found += 1
        else:
            out.errors_missed.append(f"{error['rule']} {sorted(wanted)}")
    for f in failed:
        if f.rule not in ARITHMETIC | MISSING:
            continue
        if any(
            e["rule"] == f.rule and (not e.get("cells") or set(e["cells"]) & set(f.cells))
            for e in errors
        ):
            continue
        kind = f.rule if f.rule in MISSING else "arithmetic"
        shown = ", ".join(f.cells[:3]) + (" …" if len(f.cells) > 3 else "")
        out.false_findings[kind].append(f"{f.rule} [{shown}]: {f.message}")
    return out


@dataclass
class Said:
    """A figure the record states, in the terms the scorer needs."""

    start: int
    end: int
    value: float | int | None
    cells: tuple[str, ...]
    verdict: str | None  # None: a claim the record did not judge
    quote: str
    rule: str = "narrative_mismatch"


def said(record: ReportRecord) -> list[Said]:
    """The record's prose figures: its judged claims, its unjudged ones, its failed sums."""
    out = [
        Said(c.start, c.end, c.stated, tuple(c.cells), c.verdict, c.quote)
        for c in record.contradictions
    ]
    judged = {(s.start, s.end, s.value) for s in out}
    out += [
        Said(c.start, c.end, c.value, (), None, c.quote)
        for c in record.claims
        if (c.start, c.end, c.value) not in judged
    ]
    for f in record.findings:
        if f.rule == "narrative_sum" and f.status == "failed" and f.evidence:
            span = f.evidence[0]
            out.append(
                Said(span.start, span.end, f.left, (), "contradiction", span.snippet, f.rule)
            )
    return out


def _squash(text: str) -> str:
    return re.sub(r"<[^>]*>|\s+", "", text)


def _at(figure: Figure, s: Said, text: str) -> bool:
    if s.start < figure.end and figure.start < s.end:
        return True
    mine, theirs = _squash(text[figure.start : figure.end]), _squash(s.quote)
    return bool(theirs) and (theirs in mine or mine in theirs)


def pair(figures: list[Figure], says: list[Said], text: str) -> dict[int, int]:
    """Labelled figure (its index in `figures`) → the record figure that states it: the same
    number at the same place, a record figure on the labelled cells first; one to one."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for strict in (True, False):
        for gi, g in enumerate(figures):
            if gi in pairs:
                continue
            for si, s in enumerate(says):
                if si in used or not same(g.stated, s.value) or not _at(g, s, text):
                    continue
                if (s.rule == "narrative_sum") != (not g.cells):
                    continue
                if strict and g.cells and not set(g.cells) & set(s.cells):
                    continue
                pairs[gi] = si
                used.add(si)
                break
    return pairs


@dataclass
class ProseScore:
    figures: int = 0  # labelled figures about table cells, not unclear
    found: int = 0
    verdicts: int = 0  # found figures whose verdict the record gives
    verdicts_right: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    on_doubtful_cells: int = 0
    misses: list[str] = field(default_factory=list)


def score_prose(record: ReportRecord, case: RealCase) -> ProseScore:
    text = case.text
    out = ProseScore()
    says = said(record)
    pairs = pair(case.figures, says, text)

    def quote(f: Figure) -> str:
        return text[f.start : f.end].replace("\n", "")

    for gi, g in enumerate(case.figures):
        if g.ignore:
            continue
        s = says[pairs[gi]] if gi in pairs else None
        if g.cells and g.verdict != "unclear":
            out.figures += 1
            if s is None:
                out.misses.append(
                    f"figure not found: 「{quote(g)}」 {g.stated} ({', '.join(g.cells[:2])})"
                )
            else:
                out.found += 1
                if s.verdict is not None:
                    out.verdicts += 1
                    if s.verdict == g.verdict:
                        out.verdicts_right += 1
                    else:
                        out.misses.append(
                            f"verdict {s.verdict}, labelled {g.verdict}: 「{quote(g)}」 {g.stated}"
                        )
        if g.verdict == "contradiction":
            if s is not None and s.verdict == "contradiction":
                out.tp += 1
            else:
                out.fn += 1
                out.misses.append(f"contradiction missed: 「{quote(g)}」 {g.stated}")
    ignored = [g for g in case.figures if g.ignore]
    doubtful = (
        set(record.ambiguous) | set(record.unreadable) | set(case.gold.get("ambiguous") or ())
    )
    for si, s in enumerate(says):
        if s.verdict != "contradiction":
            continue
        if any(k in doubtful or record.cells.get(k) is None for k in s.cells):
            out.on_doubtful_cells += 1
        matched = next((label for label, i in pairs.items() if i == si), None)
        if matched is not None and case.figures[matched].verdict == "contradiction":
            continue
        if s.rule == "narrative_sum" and any(_at(f, s, text) for f in ignored):
            continue
        out.fp += 1
        labelled = (
            f", labelled {case.figures[matched].verdict}"
            if matched is not None
            else ", not a labelled figure"
        )
        out.misses.append(
            f"false {s.rule}: 「{s.quote.replace(chr(10), '')}」 {s.value} vs {list(s.cells)[:3]}{labelled}"
        )
    return out


__all__ = ["ProseScore", "TableScore", "pair", "said", "score_prose", "score_tables"]
