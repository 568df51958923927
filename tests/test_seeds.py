"""The bundled examples against their hand-checked gold labels (eval/fixtures/seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.extract import extract_path
from schemas import GoldReport, ReportRecord

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "eval" / "fixtures" / "seeds").glob("*.json"))


def test_every_example_has_gold_labels():
    assert {p.stem for p in GOLD} == {p.stem for p in (ROOT / "examples").glob("*.txt")}


@pytest.fixture(params=GOLD, ids=[p.stem for p in GOLD])
def case(request) -> tuple[GoldReport, ReportRecord]:
    gold = GoldReport.model_validate_json(request.param.read_text(encoding="utf-8"))
    record = extract_path(ROOT / gold.source)
    assert isinstance(record, ReportRecord), record
    return gold, record


def test_metadata(case):
    gold, record = case
    assert (record.body, record.year, record.format) == (gold.body, gold.year, gold.format)


def test_every_gold_cell_is_reproduced(case):
    gold, record = case
    wrong = {
        k: (v, record.cells.get(k, "absent"))
        for k, v in gold.cells.items()
        if record.cells.get(k, "absent") != v
    }
    assert wrong == {}
    assert set(record.cells) == set(gold.cells)
    assert record.units == gold.units
    assert not record.ambiguous and not record.unreadable


def test_every_value_has_evidence_in_the_original(case):
    gold, record = case
    original = (ROOT / gold.source).read_text(encoding="utf-8")
    for key, value in record.cells.items():
        span = record.evidence[key]
        assert original[span.start : span.end] == span.snippet
        assert span.snippet.startswith(str(abs(value))[:1]) or span.snippet[0] in "+-"


def test_findings_are_exactly_the_reports_own_errors(case):
    gold, record = case
    found = sorted((f.rule, tuple(f.cells)) for f in record.findings)
    expected = sorted((e.rule, tuple(e.cells)) for e in gold.expected_failures)
    assert [r for r, _ in found] == [r for r, _ in expected]
    for (_, cells), (_, want) in zip(found, expected, strict=True):
        assert set(want) <= set(cells)
