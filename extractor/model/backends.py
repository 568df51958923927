"""The three ways to read a report — rules, llm, hybrid — and how hybrid merges them.

hybrid runs the deterministic reader first and spends model calls only where they add
information: tables in which the reader left cells ambiguous or unreadable, a title it could
not parse, and the prose. Where both read a cell and agree, the cell is confirmed; where they
disagree, the reading that satisfies the table's arithmetic wins (the reader's on a tie) and
an `extraction_disagreement` finding says that the doubt is in our reading, not the report.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.budget import budget as time_budget
from extractor.ingest.files import Document
from extractor.ingest.sections import find_sections
from extractor.model.assisted import ModelReading, read_figures, read_tables, read_title, table_spec
from extractor.model.grounding import Grounded
from extractor.model.llm import LLM, Usage
from extractor.prose.audit import audit_prose, prose_regions
from extractor.tables.reader import read_report, span_of, table_regions
from extractor.tables.rules import ARITHMETIC_RULES, validate
from schemas import Claim, Extraction, Finding, ReportRecord, Span, Tokens, Unreadable
from schemas import keys as K

BACKENDS = ("rules", "llm", "hybrid", "auto")
_TABLE_OF = {"active": "二", "applications": "三"}


@dataclass(frozen=True)
class ModelSettings:
    llm: LLM
    chunk_tokens: int = 600


def _table(key: str) -> str:
    return _TABLE_OF.get(key.split(".", 1)[0], "四")


def _failures(record: ReportRecord, key: str) -> int:
    """How many arithmetic rules involving `key` fail with the record's current cells."""
    return sum(
        1
        for f in validate(record)
        if f.rule in ARITHMETIC_RULES and f.status == "failed" and key in f.cells
    )


def _disagreement(key: str, kept, other, why: str, evidence: list[Span]) -> Finding:
    return Finding(
        rule="extraction_disagreement",
        severity="warning",
        status="failed",
        cells=[key],
        left=kept,
        right=other,
        message=f"{K.label(key)}：程序与模型读数不同（{why}）。这是读取上的疑问，不是报告的错误",
        evidence=evidence,
    )


def _merge(
    record: ReportRecord, doc: Document, model: ModelReading, replace: bool
) -> list[Finding]:
    """Fold the model's grounded cells into `record`; return disagreement findings.

    With `replace` (the llm backend) the model's reading is the only one, except in a table
    about which a model call failed: a failed call is no reading, and the reader's cells
    stand there (as in hybrid), never an empty table blamed on the report."""
    text = doc.text
    notes: list[Finding] = []
    for key in list(record.cells):
        hit: tuple[Grounded, str] | None = model.cells.get(key)
        if replace and _table(key) in model.failed_tables:
            if key not in record.unreadable and key not in record.ambiguous:
                record.read_by[key] = "rules"
            continue
        if replace:
            record.evidence.pop(key, None)
            record.ambiguous.pop(key, None)
            record.units.pop(key, None)
            if hit is None:
                record.cells[key] = None
                reason = model.ungrounded.get(key, "模型未读出")
                record.unreadable[key] = Unreadable(reason=reason)
                continue
            record.unreadable.pop(key, None)
        if hit is None:
            continue
        found, chunk = hit
        ours = record.cells[key]
        model_span = (
            span_of(text, found.start, found.end, chunk) if found.value is not None else None
        )
        if replace or key in record.unreadable:
            record.cells[key] = found.value
            record.unreadable.pop(key, None)
            if model_span:
                record.evidence[key] = model_span
            record.read_by[key] = "llm"
        elif key in record.ambiguous:
            amb = record.ambiguous[key]
            if found.value in amb.candidates:
                record.cells[key] = found.value
                del record.ambiguous[key]
                if model_span:
                    record.evidence[key] = model_span
                record.read_by[key] = "llm"
                notes.append(
                    _disagreement(
                        key,
                        found.value,
                        None,
                        f"程序读出候选 {amb.candidates}，模型读作 {found.value}，采用模型读数",
                        [model_span] if model_span else [],
                    )
                )
            else:
                notes.append(
                    _disagreement(
                        key,
                        None,
                        found.value,
                        f"模型读作 {found.value}，不在程序候选 {amb.candidates} 之中，仍存疑",
                        [model_span] if model_span else [],
                    )
                )
        elif ours == found.value:
            record.read_by[key] = "both"
        else:
            ours_fail = _failures(record, key)
            record.cells[key] = found.value
            theirs_fail = _failures(record, key)
            evidence = [e for e in (record.evidence.get(key), model_span) if e]
            if theirs_fail < ours_fail and found.value is not None:
                record.evidence[key] = model_span  # type: ignore[assignment]
                record.read_by[key] = "llm"
                why = f"程序 {ours}，模型 {found.value}，模型读数符合勾稽关系，采用模型读数"
                notes.append(_disagreement(key, found.value, ours, why, evidence))
            else:
                record.cells[key] = ours
                why = f"程序 {ours}，模型 {found.value}，保留程序读数"
                notes.append(_disagreement(key, ours, found.value, why, evidence))
    return notes


# Findings that a misreading could explain as well as an error of the report.
_DOUBTS = ARITHMETIC_RULES | {"row_missing", "table_missing", "reading_doubt", "value_domain"}


def _needs_model(record: ReportRecord, guessed: set[str]) -> set[str]:
    """Tables in which the deterministic reader left something undecided, could not find
    a row, or read by a guess about the layout (`guessed`) numbers that break a rule: a
    second reading says whether the doubt is ours or the report's. A rule broken by cells
    printed plainly is the report's: no misreading explains it."""
    doubtful = {_table(k) for k in (*record.ambiguous, *record.unreadable)}
    for f in validate(record):
        if f.status != "failed" or f.rule not in _DOUBTS:
            continue
        if f.rule not in ARITHMETIC_RULES or any(k in guessed for k in f.cells):
            doubtful.update(_table(k) for k in f.cells)
    return doubtful


def extract_with_model(doc: Document, backend: str, settings: ModelSettings) -> ReportRecord:
    """A record read by the model alone (`llm`) or by the reader with the model's help."""
    llm, budget = settings.llm, settings.chunk_tokens
    text = doc.text.text
    sections = find_sections(text)
    guessed: set[str] = set()
    with time_budget():  # the reader's budget; model calls are not counted in it
        record = read_report(doc, sections, guessed)
    usage = Usage()
    model = ModelReading()
    if record.format != "pre2019":
        wanted = {"二", "三", "四"} if backend == "llm" else _needs_model(record, guessed)
        other_split = any(k.startswith("applications.other.overdue") for k in record.cells)
        regions = {n: r for n, r in table_regions(text, sections).items() if n in wanted}
        fmt = record.format or "2021"
        specs = {n: table_spec(n, fmt, other_split) for n in regions}
        read_tables(text, regions, specs, llm, usage, budget, model)
    if backend == "llm" or record.body is None or record.year is None:
        title = read_title(text, sections, llm, usage, budget, model)
        if title:
            record.body, record.year = title
    # The opening states dates and the period covered, not what the tables count: the
    # patterns read it, the model is not asked about it.
    prose = [r for r in prose_regions(record, sections, len(text)) if r[0] != "head"]
    model_claims: list[Claim] = []
    for value, subject, chunk, (s, e) in read_figures(text, prose, llm, usage, budget, model):
        if value.value is None:
            continue
        os_, oe, snippet = doc.text.snippet(s, e)
        model_claims.append(
            Claim(
                quote=snippet,
                value=value.value,
                topic=None,
                subject=subject,
                start=os_,
                end=oe,
                read_by="llm",
                chunk=chunk,
            )
        )
    if record.format != "pre2019":
        disagreements = _merge(record, doc, model, replace=backend == "llm")
    else:
        disagreements = []
    if backend != "llm":
        for key in record.cells:
            if key not in record.unreadable and key not in record.ambiguous:
                record.read_by.setdefault(key, "rules")
    record.findings = [*record.findings, *validate(record), *disagreements]
    with time_budget():
        audit_prose(record, doc, sections, model_claims)
    record.extraction = Extraction(
        backend="llm" if backend == "llm" else "hybrid",
        model=llm.config.model,
        mode=llm.config.mode,
        prompt_version=",".join(sorted(model.prompts)) or None,
        calls=usage.calls,
        cached=usage.cached,
        attempts=usage.attempts,
        tokens=Tokens(prompt=usage.prompt, completion=usage.completion),
        chunks=model.chunks,
        ungrounded=sum(1 for k in model.ungrounded if not k.startswith("claim:")),
        ungrounded_claims=sum(1 for k in model.ungrounded if k.startswith("claim:")),
        errors=model.errors,
        encoding=doc.encoding,
    )
    return record
