"""Every single-report rule of docs/format.md, with a table that passes and one that fails."""

from __future__ import annotations

import random

import pytest

from eval.synth import random_cells
from extractor.tables.rules import validate
from schemas import Extraction, ReportRecord, Span, Unreadable
from schemas import keys as K

APP = K.application_key


def record(cells: dict, fmt: str = "2021", year: int = 2024, **extra) -> ReportRecord:
    evidence = {
        k: Span(start=i, end=i + 1, snippet=str(v)) for i, (k, v) in enumerate(cells.items())
    }
    return ReportRecord(
        source="t",
        body="示例县",
        year=year,
        format=fmt,
        cells=cells,
        evidence=evidence,
        extraction=Extraction(backend="rules"),
        **extra,
    )


@pytest.fixture
def cells():
    return random_cells(random.Random(11), "2021", True)


def failed(findings, rule=None):
    return [f for f in findings if f.status == "failed" and (rule is None or f.rule == rule)]


def test_a_consistent_report_has_no_findings(cells):
    assert validate(record(cells)) == []


def test_balance(cells):
    cells[APP("carried_out", "natural")] += 2
    cells[APP("carried_out", "total")] += 2
    findings = failed(validate(record(cells)), "balance")
    assert [f.cells for f in findings] == [
        [APP("new", c), APP("carried_in", c), APP("total", c), APP("carried_out", c)]
        for c in ("natural", "total")
    ]
    f = findings[0]
    assert f.right - f.left == 2
    assert f.severity == "error"
    assert "本年新收/自然人" in f.message and "≠" in f.message
    assert len(f.evidence) == 4


def test_outcome_sum(cells):
    cells[APP("partial", "legal")] += 1
    cells[APP("partial", "total")] += 1
    findings = failed(validate(record(cells)), "outcome_sum")
    assert [f.cells[0] for f in findings] == [APP("total", "legal"), APP("total", "total")]
    assert findings[0].right == findings[0].left + 1


def test_outcome_sum_uses_the_single_other_row_of_the_2019_layout():
    cells = random_cells(random.Random(5), "2019", False)
    assert validate(record(cells, "2019", 2020)) == []
    cells[APP("other.total", "natural")] += 3
    findings = failed(validate(record(cells, "2019", 2020)))
    assert {f.rule for f in findings} == {"outcome_sum", "column_sum"}


def test_column_sum(cells):
    cells[APP("granted", "research")] += 4
    cells[APP("total", "research")] += 4
    cells[APP("new", "research")] += 4
    findings = failed(validate(record(cells)))
    assert [(f.rule, f.cells[0]) for f in findings] == [
        ("column_sum", APP("new", "total")),
        ("column_sum", APP("granted", "total")),
        ("column_sum", APP("total", "total")),
    ]
    assert findings[0].left + 4 == findings[0].right


@pytest.mark.parametrize(
    ("group", "rule"),
    [
        ("review", "review_sum"),
        ("litigation.direct", "litigation_direct_sum"),
        ("litigation.after_review", "litigation_after_review_sum"),
    ],
)
def test_review_and_litigation_sums(cells, group, rule):
    cells[f"{group}.pending"] += 1
    findings = failed(validate(record(cells)))
    assert [f.rule for f in findings] == [rule]
    assert findings[0].cells == [f"{group}.total"] + [
        f"{group}.{o}" for o in ("upheld", "corrected", "other", "pending")
    ]


def test_value_domain(cells):
    cells["review.other"] = -1
    cells["review.total"] = (
        cells["review.upheld"] + cells["review.corrected"] + cells["review.pending"] - 1
    )
    cells["active.fees.amount"] = -3.5
    cells["active.penalty.decisions"] = 2.5
    findings = failed(validate(record(cells)), "value_domain")
    assert sorted(f.cells[0] for f in findings) == [
        "active.fees.amount",
        "active.penalty.decisions",
        "review.other",
    ]


def test_a_negative_change_is_in_its_domain():
    cells = random_cells(random.Random(5), "2019", False)
    cells["active.licensing.change"] = -233
    assert validate(record(cells, "2019", 2020)) == []


def test_format_outdated():
    cells_2019 = random_cells(random.Random(5), "2019", False)
    assert validate(record(cells_2019, "2019", 2020)) == []
    findings = validate(record(cells_2019, "2019", 2022))
    assert [f.rule for f in findings] == ["format_outdated", "format_outdated"]
    assert all(f.severity == "warning" for f in findings)
    single_other = random_cells(random.Random(5), "2021", False)
    assert [f.cells[0] for f in validate(record(single_other, "2021", 2024))] == [
        APP("other.total", "natural")
    ]


def test_table_missing_and_row_missing(cells):
    for key in K.REVIEW_KEYS:
        cells[key] = None
    for c in K.APPLICANT_COLUMNS:
        cells[APP("partial", c)] = None
    unreadable = {k: Unreadable(reason="未找到该行") for k in cells if cells[k] is None}
    findings = validate(record(cells, unreadable=unreadable))
    assert [(f.rule, f.cells[0]) for f in findings] == [
        ("row_missing", APP("partial", "natural")),
        ("table_missing", "review.upheld"),
    ]


def test_a_printed_row_we_could_not_read_is_our_doubt_not_a_missing_row(cells):
    for c in K.APPLICANT_COLUMNS:
        cells[APP("partial", c)] = None
    unreadable = {k: Unreadable(reason="9 个数值对应 7 列") for k in cells if cells[k] is None}
    findings = validate(record(cells, unreadable=unreadable))
    assert [(f.rule, f.severity, f.status) for f in findings] == [
        ("reading_doubt", "warning", "not_checkable")
    ]


def test_a_blank_cell_makes_a_rule_not_checkable_not_failed(cells):
    cells[APP("carried_in", "legal")] = None
    findings = validate(record(cells))
    assert failed(findings) == []
    assert [(f.rule, f.status, f.severity) for f in findings] == [
        ("balance", "not_checkable", "info"),
        ("column_sum", "not_checkable", "info"),
    ]
    assert "空白" in findings[0].message


def test_pre2019_reports_are_not_checked_and_say_so():
    [finding] = validate(record({}, "pre2019", 2017))
    assert (finding.rule, finding.status) == ("pre2019_layout", "not_checkable")
