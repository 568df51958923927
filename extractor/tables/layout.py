"""A PDF report's record: its evidence placed on the pages, and a second reading of its text.

The cells of a PDF report are read from the extracted text (`extractor.ingest.pdf`), whose tables
were rebuilt from the page layout. This module gives every evidence span the page and box
it was printed in, and reads the PDF's plain text layer with the same reader: where the two
readings give a cell different values and the table's arithmetic does not settle it for the
layout's reading, the layout's reading is kept and an `extraction_disagreement` finding says
that the doubt is in our reading, not in the report.
"""

from __future__ import annotations

from extractor.errors import UnreadableInput
from extractor.ingest.files import Document
from extractor.ingest.normalise import normalise
from extractor.ingest.pdf import Layout
from extractor.ingest.sections import find_sections
from extractor.tables.reader import read_report
from extractor.tables.rules import ARITHMETIC_RULES, validate
from schemas import Finding, ReportRecord, Span
from schemas import keys as K


def _placed(span: Span, layout: Layout) -> Span:
    where = layout.locate(span.start, span.end)
    if where is None:
        return span
    page, bbox = where
    return span.model_copy(update={"page": page, "bbox": bbox})


def place_evidence(record: ReportRecord, layout: Layout) -> None:
    """Give each evidence span of `record` the page and box of its characters."""
    record.evidence = {k: _placed(s, layout) for k, s in record.evidence.items()}
    for f in record.findings:
        f.evidence = [_placed(s, layout) for s in f.evidence]


def _failures(record: ReportRecord, key: str) -> int:
    return sum(
        1
        for f in validate(record)
        if f.rule in ARITHMETIC_RULES and f.status == "failed" and key in f.cells
    )


def _fmt(v: object) -> str:
    return "空白" if v is None else str(v)


def text_layer_doubts(record: ReportRecord, doc: Document) -> list[Finding]:
    """Cells that the PDF's plain text layer, read by the same reader, gives another value."""
    if doc.layout is None or not doc.layout.plain.strip() or record.format == "pre2019":
        return []
    plain = Document(doc.source, normalise(doc.layout.plain), "pdf")
    try:
        other = read_report(plain, find_sections(plain.text.text))
    except UnreadableInput:
        return []
    doubts = []
    for key, ours in record.cells.items():
        if key in record.ambiguous or key in record.unreadable:
            continue
        if key not in other.cells or key in other.ambiguous or key in other.unreadable:
            continue
        theirs = other.cells[key]
        if theirs == ours:
            continue
        # The text layer loses the columns of a row whose label wraps around its values; where
        # the arithmetic accepts the layout's value and not the other, there is no doubt.
        ours_fail = _failures(record, key)
        record.cells[key] = theirs
        theirs_fail = _failures(record, key)
        record.cells[key] = ours
        if ours_fail < theirs_fail:
            continue
        evidence = [record.evidence[key]] if key in record.evidence else []
        doubts.append(
            Finding(
                rule="extraction_disagreement",
                severity="warning",
                status="failed",
                cells=[key],
                left=ours,
                right=theirs,
                message=(
                    f"{K.label(key)}：按表格线读作 {_fmt(ours)}，按 PDF 文本层读作 "
                    f"{_fmt(theirs)}，保留表格线读数。这是读取上的疑问，不是报告的错误"
                ),
                evidence=evidence,
            )
        )
    return doubts


def finish_pdf_record(record: ReportRecord, doc: Document) -> None:
    """Add the text-layer doubts and place all evidence on the PDF's pages."""
    if doc.layout is None:
        return
    record.findings.extend(text_layer_doubts(record, doc))
    place_evidence(record, doc.layout)
