"""A figure in the prose about a cell we could not read unambiguously is not a contradiction
of the report: one of the cell's readings may be what the prose says."""

from __future__ import annotations

import random

from eval.synth import random_cells, render_report
from extractor.ingest.files import parse_document
from extractor.ingest.sections import find_sections
from extractor.prose.audit import audit_prose
from extractor.tables.reader import read_report
from extractor.tables.rules import validate
from schemas import Ambiguity

NEW = "applications.new.total"


def audited(stated: int, candidates: list[int] | None):
    cells = random_cells(random.Random(5), "2021", True)
    prose = f"本年度共受理政府信息公开申请{stated}件。"
    doc = parse_document(render_report(cells, prose=prose).encode("utf-8"), "mem.txt")
    sections = find_sections(doc.text.text)
    record = read_report(doc, sections)
    if candidates is not None:  # the reader could not cut the 本年新收 run
        record.cells[NEW] = None
        record.ambiguous[NEW] = Ambiguity(reason="数字粘连", candidates=candidates)
    record.findings = validate(record)
    audit_prose(record, doc, sections)
    [judged] = [c for c in record.contradictions if c.claim == "received"]
    mismatches = [f for f in record.findings if f.rule == "narrative_mismatch"]
    return record, judged, mismatches


def test_a_claim_one_reading_of_an_ambiguous_cell_fits_is_not_a_contradiction():
    stated = 9999  # more than any reading of the tables
    _, judged, mismatches = audited(stated, None)
    assert judged.verdict == "contradiction" and len(mismatches) == 1  # the control
    _, judged, mismatches = audited(stated, [stated, 0])
    # Consistent with one of the cell's readings, and the reading tried says which.
    assert judged.verdict == "consistent" and judged.cells == [NEW]
    fits = [r for r in judged.readings if r.result == "fits"]
    assert [(r.cells, r.candidates[NEW]) for r in fits] == [([NEW], [stated, 0])]
    assert mismatches == []


def test_a_claim_no_reading_fits_is_still_a_contradiction():
    stated = 9999
    _, judged, mismatches = audited(stated, [stated + 1, 0])
    assert judged.verdict == "contradiction" and len(mismatches) == 1
