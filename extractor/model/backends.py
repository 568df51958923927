"""The model as a stage of the one pipeline (`extract_document`), for llm and hybrid.

The stage is absent for `rules`. hybrid runs the deterministic reader first and spends model calls only where they add
information: tables in which the reader left cells ambiguous or unreadable, a title it could
not parse, and the prose. Where both read a cell and agree, the cell is confirmed; where they
disagree, the reading that satisfies the table's arithmetic wins (the reader's on a tie) and
an `extraction_disagreement` finding says that the doubt is in our reading, not the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.ingest.files import Document
from extractor.ingest.sections import Section
from extractor.model.assisted import (
    UNDECIDED_CHUNK,
    ModelReading,
    ask_undecided,
    read_figures,
    read_tables,
    read_title,
    table_spec,
)
from extractor.model.grounding import Grounded
from extractor.model.llm import LLM, Usage
from extractor.prose.audit import Settled
from extractor.tables.reader import span_of, table_regions
from extractor.tables.rules import ARITHMETIC_RULES, validate
from schemas import (
    Claim,
    Extraction,
    Finding,
    ProseNumber,
    ReportRecord,
    Span,
    Tokens,
    Unreadable,
)
from schemas import keys as K

BACKENDS = ("rules", "llm", "hybrid", "auto")
_TABLE_OF = {"active": "二", "applications": "三"}


@dataclass(frozen=True)
class ModelSettings:
    """The model a run uses, and the budget of one chunk of report text."""

    llm: LLM
    chunk_tokens: int = 600

    def stage(self, backend: str) -> ReportModel:
        """The model's stage for one report read by `backend` ("llm" or "hybrid")."""
        return ReportModel(self, replaces_reader=backend == "llm")


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


def _marked(original: str, n: ProseNumber) -> str:
    """The number's clause as printed, the number marked 【like this】, whitespace collapsed."""
    c = n.clause
    a, b = n.start - c.start, n.end - c.start
    text = (
        original[c.start : n.start]
        + "【"
        + original[n.start : n.end]
        + "】"
        + original[n.end : c.end]
    )
    if not (0 <= a <= b <= len(c.snippet)):
        text = c.snippet
    return re.sub(r"\s+", " ", text).strip()


class ReportModel:
    """The model's part in reading one report, as a stage of `extract_document`.

    One object per report: it counts that report's calls and tokens. The pipeline consults
    it at two points, `tables` (after the reader) and `figures` (from within the prose
    pass), and `finish` writes what it did into the record's `extraction`."""

    def __init__(self, settings: ModelSettings, replaces_reader: bool) -> None:
        self.llm = settings.llm
        self.budget = settings.chunk_tokens
        # `llm`: the model's reading of the tables is the only one; `hybrid`: it is
        # asked only where the reader doubts, and the reader's cells stand elsewhere.
        self.replaces_reader = replaces_reader
        self.usage = Usage()
        self.reading = ModelReading()

    def tables(
        self,
        record: ReportRecord,
        doc: Document,
        sections: dict[str, Section],
        guessed: set[str],
    ) -> list[Finding]:
        """The disagreements between the reader and the model, after folding into `record`
        the model's cells of the tables the reader doubts (every table with `llm`) and the
        body and year where the reader could not parse the title."""
        text = doc.text.text
        if record.format != "pre2019":
            wanted = {"二", "三", "四"} if self.replaces_reader else _needs_model(record, guessed)
            other_split = any(k.startswith("applications.other.overdue") for k in record.cells)
            regions = {n: r for n, r in table_regions(text, sections).items() if n in wanted}
            fmt = record.format or "2021"
            specs = {n: table_spec(n, fmt, other_split) for n in regions}
            read_tables(text, regions, specs, self.llm, self.usage, self.budget, self.reading)
        if self.replaces_reader or record.body is None or record.year is None:
            title = read_title(text, sections, self.llm, self.usage, self.budget, self.reading)
            if title:
                record.body, record.year = title
        if record.format == "pre2019":
            return []
        return _merge(record, doc, self.reading, replace=self.replaces_reader)

    def figures(self, doc: Document, regions: list[tuple[str, int, int]]) -> list[Claim]:
        """The figures the model reads in the prose `regions` (llm; hybrid asks only about
        the numbers the rules leave undecided, in `settle`), as claims with offsets into the
        original text."""
        if not self.replaces_reader:
            return []
        text = doc.text.text
        # The opening states dates and the period covered, not what the tables count: the
        # patterns read it, the model is not asked about it.
        prose = [r for r in regions if r[0] != "head"]
        claims: list[Claim] = []
        found = read_figures(text, prose, self.llm, self.usage, self.budget, self.reading)
        for value, subject, chunk, (s, e) in found:
            if value.value is None:
                continue
            os_, oe, snippet = doc.text.snippet(s, e)
            claims.append(
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
        return claims

    def settle(self, doc: Document, undecided: list[ProseNumber]) -> list[Settled]:
        """hybrid: what each number the rules left undecided counts, in one multiple-choice
        call (none when there is nothing to ask); llm reads the prose in `figures` instead."""
        if self.replaces_reader or not undecided:
            return []
        items = [_marked(doc.text.original, n) for n in undecided]
        answers = ask_undecided(items, self.llm, self.usage, self.reading)
        if answers is None:
            return []
        return [
            Settled(number=undecided[i], topic=topic, label=label, chunk=UNDECIDED_CHUNK)
            for i, (topic, label) in answers.items()
        ]

    def finish(self, record: ReportRecord, doc: Document) -> None:
        """Write the model, prompts, calls, tokens and failures into `record.extraction`."""
        usage, reading = self.usage, self.reading
        record.extraction = Extraction(
            backend="llm" if self.replaces_reader else "hybrid",
            model=self.llm.config.model,
            mode=self.llm.config.mode,
            prompt_version=",".join(sorted(reading.prompts)) or None,
            calls=usage.calls,
            cached=usage.cached,
            attempts=usage.attempts,
            tokens=Tokens(prompt=usage.prompt, completion=usage.completion),
            chunks=reading.chunks,
            ungrounded=sum(1 for k in reading.ungrounded if not k.startswith("claim:")),
            ungrounded_claims=sum(1 for k in reading.ungrounded if k.startswith("claim:")),
            errors=reading.errors,
            encoding=doc.encoding,
        )
