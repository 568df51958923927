"""Bounded work per report: damaged input gets a record or an error record saying why,
never an `internal` error, and the reader's work on a glued digit run has a bound that
does not grow with the run."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import extractor.budget
import extractor.tables.cells as cells_module
from eval.damage import damaged
from eval.synth import random_cells, render_report
from extractor.cli import main
from extractor.errors import UnreadableInput
from extractor.extract import extract_file
from extractor.ingest.normalise import normalise
from extractor.ingest.patterns import compile_loose, loose
from extractor.tables.cells import MAX_STEPS, readings, scan
from schemas import ErrorRecord, ReportRecord
from schemas import keys as K
from tests.conftest import read_text

CELLS = random_cells(random.Random(18), "2021", True)
GRANTED = [f"applications.granted.{c}" for c in ("natural", "commercial", "total")]


def _with_granted_values(values: str) -> str:
    text = render_report(CELLS, layout="tabs")
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if "（一）予以公开\t" in line)
    label = lines[i][: lines[i].index("予以公开") + len("予以公开")]
    lines[i] = f"{label}\t{values}"
    return "\n".join(lines)


@pytest.fixture
def steps(monkeypatch):
    """How many cuts the reader tries, over all rows of a report."""
    taken = [0]
    take = cells_module._Steps.take

    def counting(self):
        taken[0] += 1
        take(self)

    monkeypatch.setattr(cells_module._Steps, "take", counting)
    return taken


@pytest.mark.parametrize("length", [20, 40, 80, 200, 5000])
def test_a_long_glued_digit_run_in_a_row_is_unreadable_with_bounded_work(length, steps):
    digits = ("3141592653" * 500)[:length]
    record = read_text(_with_granted_values(digits))
    assert isinstance(record, ReportRecord)
    reason = record.unreadable[GRANTED[0]].reason
    assert "可能的读法过多" in reason or "数字串过长" in reason, reason
    assert all(record.cells[k] is None for k in GRANTED)
    # The other rows read as printed.
    assert record.cells["applications.partial.total"] == CELLS["applications.partial.total"]
    assert record.cells["applications.new.total"] == CELLS["applications.new.total"]
    # Bounded: at most one row's budget of cuts, however long the run.
    assert steps[0] <= MAX_STEPS + 1


def test_a_run_longer_than_its_row_can_hold_is_refused_before_any_cut(steps):
    record = read_text(_with_granted_values("9" * 64))  # 7 cells of at most 9 digits: 63
    assert record.unreadable[GRANTED[0]].reason == "数字串过长（64 位），不是一行 7 列的数值"
    assert steps[0] == 0


def test_a_short_glued_row_is_still_cut_along_its_total():
    # 自然人 12, 法人 0 0 0 0 3, 总计 15, printed glued.
    record = read_text(_with_granted_values("1200003" + "15"))
    assert [
        record.cells[f"applications.granted.{c}"] for c in ("natural", "other_org", "total")
    ] == [
        12,
        3,
        15,
    ]


def test_a_digit_run_beyond_the_integer_conversion_limit_in_prose_is_no_figure():
    text = render_report(CELLS, layout="tabs")
    text = text.replace(
        "一、总体情况", "一、总体情况\n本机关共计收到来信" + "7" * 5000 + "件，其中2件、3件。", 1
    )
    record = read_text(text)
    assert isinstance(record, ReportRecord)
    assert not any(len(str(c.value)) > 18 for c in record.claims)
    assert not any(f.rule == "narrative_sum" for f in record.findings)


def test_damaged_reports_get_a_record_or_a_reasoned_error_never_internal():
    outcomes: dict[str, int] = {}
    for name, text in damaged(seed=18, count=300):
        try:
            record = read_text(text, Path(name).suffix)
        except extractor.budget.OverBudget:
            outcomes["timeout"] = outcomes.get("timeout", 0) + 1
            continue
        except UnreadableInput as e:
            # A page buried in deep markup with its title and headings dropped may no longer
            # show a report's title words or structure: a reasoned error, never internal.
            assert e.kind == "not_a_report" and "deep_markup" in name, (name, e.kind)
            outcomes[e.kind] = outcomes.get(e.kind, 0) + 1
            continue
        assert isinstance(record, ReportRecord), name
        outcomes["record"] = outcomes.get("record", 0) + 1
    # Each reads within its budget of CPU time (none near it: see eval/bench_damage.py).
    assert "timeout" not in outcomes and outcomes["record"] >= 297, outcomes


def test_a_report_over_its_budget_is_a_timeout_record_and_the_batch_goes_on(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(extractor.budget, "READ_SECONDS", 0.0)
    report = render_report(CELLS, layout="tabs")
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(report, encoding="utf-8")
    record, original = extract_file(tmp_path / "a.txt")
    assert isinstance(record, ErrorRecord) and original is None
    assert record.error.kind == "timeout"
    assert "CPU time" in record.error.message
    out = tmp_path / "out.jsonl"
    assert main([str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "-o", str(out), "-q"]) == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all('"kind":"timeout"' in line.replace(" ", "") for line in lines)


def test_a_lone_blank_mark_glued_between_labels_is_no_reading_not_an_error():
    # A damaged record: a row's only "value" is a dash with no space on either side.
    text = "（一）予以公开—（二）部分公开"
    start = text.index("—")
    run = scan(text, start, start + 1)
    assert [t.value for t in run.tokens] == [None] and run.gaps == ("", "")
    assert readings(run, 7, "\t", ((6, (0, 1, 2, 3, 4, 5)),)) == ([], "1 个数值对应 7 列")


def test_pipes_among_long_runs_of_blanks_normalise_as_cells():
    # A page's nested cells leave tens of thousands of blanks around a pipe; the pipe
    # patterns once retried from every blank of the run (quadratic: about 6 s at 20,000).
    text = "标题|" + "\t" * 30000 + "甲\n" + " " * 30000 + "|乙|\n" + "\t" * 30000 + "丙\n"
    assert normalise(text).text == "标题\t甲\n乙\n" + "\t" * 30000 + "丙\n"


@pytest.mark.parametrize("between, joined", [("行政诉讼", True), ("行政诉讼情况说明", False)])
def test_table_4_in_two_parts_far_apart_is_joined_only_across_header_words(between, joined):
    # Hundreds of blank lines between the parts: the check of what stands between them
    # once tried every split of the blanks, exponential when the stretch held a sentence.
    text = render_report(CELLS, layout="tabs")
    lines = text.split("\n")
    i = max(i for i, line in enumerate(lines) if line.count("\t") == 14)
    values = lines[i].split("\t")
    lines[i] = "\t".join(values[:5]) + "\n" + between + " \n" * 300 + "\t".join(values[5:])
    record = read_text("\n".join(lines))
    read = [record.cells[k] for k in K.REVIEW_KEYS]
    if joined:
        assert read == [CELLS[k] for k in K.REVIEW_KEYS]
    else:
        assert read == [None] * 15 and all(k in record.unreadable for k in K.REVIEW_KEYS)


def test_a_loose_pattern_leaves_its_character_classes_alone():
    # `[一二]` once became `[一\s*二\s*]`, a class of blanks too: on a run of thousands of
    # blanks the label patterns then tried every split of the run (minutes per report).
    assert loose(r"(?:[一二][ \t]*[、.,])?本年[^\d]{0,4}?申请") == (
        r"(?:[一二][ \t]*[、.,])?本\s*年\s*[^\d]{0,4}?申\s*请"
    )
    found = compile_loose(r"(?:[一二][ \t]*[、.,])?本年").search("\n、本 年")
    assert found is not None and found.span() == (2, 5)
