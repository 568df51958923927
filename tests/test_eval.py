"""The evaluation set and its thresholds: CI fails when the figures regress."""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter

import pytest

from eval import real_eval
from eval.evaluate import THRESHOLDS, check, evaluate, main
from eval.generate import generate, oracle_failures, sum_breaks
from tests.test_tables import zero_cells


@pytest.fixture(scope="module")
def cases():
    return generate()


@pytest.fixture(scope="module")
def metrics(cases):
    return {"rules": evaluate(cases, "rules").metrics()}


def thresholds(name: str) -> dict:
    """One set's thresholds: `rules` for the synthetic set, `real` for the real corpus."""
    return {name: json.loads(THRESHOLDS.read_text(encoding="utf-8"))[name]}


def synthetic_thresholds() -> dict:
    return thresholds("rules")


def digest(cases) -> str:
    return hashlib.sha256("".join(c.model_dump_json() for c in cases).encode()).hexdigest()


def test_the_set_is_deterministic_large_enough_and_mostly_clean(cases):
    assert digest(cases) == digest(generate())
    assert digest(cases) != digest(generate(seed=7))
    assert len(cases) >= 300
    assert sum(c.clean for c in cases) >= 0.4 * len(cases)
    kinds = Counter(c.kind for c in cases)
    assert set(kinds) == {
        "clean",
        "prose_changed",
        "table_changed",
        "both_changed",
        "layout_noise",
        "hard_negative",
    }
    assert all(c.contradictions for c in cases if c.kind == "prose_changed")
    assert not any(
        c.contradictions
        for c in cases
        if c.kind in ("both_changed", "layout_noise", "hard_negative")
    )
    assert len({c.id for c in cases}) == len(cases)


def test_the_rules_path_meets_its_thresholds(metrics):
    assert check(metrics, synthetic_thresholds()) == []
    assert metrics["rules"]["contradiction_precision"] >= 0.95
    assert metrics["rules"]["contradiction_recall"] >= 0.95
    assert metrics["rules"]["false_alarm_rate"] <= 0.01


def test_a_worse_result_fails_the_check(metrics):
    worse = {"rules": dict(metrics["rules"], contradiction_recall=0.9, false_alarm_rate=0.05)}
    assert check(worse, synthetic_thresholds()) == [
        "rules: contradiction_recall 0.9 < 0.95",
        "rules: false_alarm_rate 0.05 > 0.01",
    ]
    assert check({}, synthetic_thresholds()) == ["rules: not evaluated"]


def test_a_broken_detector_is_caught_end_to_end(cases, monkeypatch):
    import extractor.prose.align as align

    monkeypatch.setattr(align, "judge", lambda topic, stated, record: ("consistent", (), stated))
    broken = {"rules": evaluate(cases, "rules").metrics()}
    problems = check(broken, synthetic_thresholds())
    assert "rules: contradiction_recall 0.0 < 0.95" in problems


def _replace_everywhere(monkeypatch, original, replacement) -> None:
    """Swap a function in every loaded module that holds it, as an edit of its source would."""
    for module in list(sys.modules.values()):
        for name, value in list(getattr(module, "__dict__", {}).items()):
            if value is original:
                monkeypatch.setattr(module, name, replacement)


def test_a_judge_that_forgives_off_by_one_fails_the_evaluation(cases, monkeypatch):
    import extractor.prose.align as align

    judge = align.judge

    def forgiving(topic, stated, record):
        verdict, cells, table = judge(topic, stated, record)
        if verdict == "contradiction" and table is not None and abs(table - stated) == 1:
            return "consistent", cells, table
        return verdict, cells, table

    _replace_everywhere(monkeypatch, judge, forgiving)
    sabotaged = generate()
    # The labels are the generator's own: the broken judge does not move them.
    assert digest(sabotaged) == digest(cases)
    metrics = evaluate(sabotaged, "rules").metrics()
    assert metrics["contradiction_recall"] < 0.8
    problems = check({"rules": metrics}, synthetic_thresholds())
    assert [p.split(" ")[1] for p in problems] == ["contradiction_recall"]


def test_the_eval_command_prints_markdown_and_json(tmp_path, capsys):
    out = tmp_path / "m.json"
    assert main(["--sets", "synthetic", "--json", str(out), "--check"]) == 0
    printed = capsys.readouterr().out
    assert "| contradiction_f1 |" in printed
    assert "Real corpus" not in printed
    assert json.loads(out.read_text())["rules"]["cases"] >= 300


@pytest.fixture(scope="module")
def real_run():
    return real_eval.run()


def test_the_eval_command_reports_the_real_corpus_apart(tmp_path, capsys):
    out, records = tmp_path / "m.json", tmp_path / "records.jsonl"
    main(["--sets", "real", "--json", str(out), "--records", str(records)])
    printed = capsys.readouterr().out
    assert "## Synthetic set" not in printed
    for heading in ("## Real corpus: 11 reports", "### Per report", "### Per layout"):
        assert heading in printed
    assert "| sanming-2025 | crawler-text-cells |" in printed
    assert "| crawler-csv-glued | 4 |" in printed
    figures = json.loads(out.read_text())
    assert "rules" not in figures
    assert figures["real"]["reports"] == 11
    assert figures["real"]["cells"] == 2188  # every gold cell of the corpus
    assert figures["real"]["contradictions_labelled"] >= 50  # the variants' changed figures
    assert set(figures["real_per_layout"]) == {
        "crawler-csv-cr-cells",
        "crawler-csv-glued",
        "crawler-text-cells",
        "crawler-text-collapsed",
        "html-raw",
    }
    assert len(figures["real_per_report"]) == 11
    assert len(records.read_text().splitlines()) == 11


def test_the_real_corpus_meets_the_acceptance_floors(real_run):
    """The tables' floors on the real corpus (issue 9's acceptance), and the prose figures'
    floor as measured when the real corpus came in (`real_prose`; issue 10's acceptance,
    `real_prose_target`, is not met yet). The message lists every miss."""
    measured = real_eval.totals(real_run)[0].metrics()
    problems = check({"real": measured}, thresholds("real"))
    problems += check({"real_prose": measured}, thresholds("real_prose"))
    if problems:
        pytest.fail(
            "\n".join(["below the floor:", *problems, "what misses:", *real_eval.misses(real_run)]),
            pytrace=False,
        )


def test_a_worse_real_result_fails_the_check():
    fine = {
        "reports_failed": 0,
        "cell_accuracy": 1.0,
        "meta_accuracy": 1.0,
        "false_row_missing": 0,
        "false_table_missing": 0,
        "false_arithmetic": 0,
        "report_error_recall": 1.0,
        "figures_found": 1.0,
        "contradiction_precision": 1.0,
        "contradiction_recall": 1.0,
        "contradictions_on_doubtful_cells": 0,
        "undecided_share": 0.01,
    }
    assert check({"real": fine}, thresholds("real")) == []
    worse = dict(fine, cell_accuracy=0.994, false_row_missing=1, contradictions_on_doubtful_cells=1)
    assert check({"real": worse}, thresholds("real")) == [
        "real: cell_accuracy 0.994 < 0.995",
        "real: false_row_missing 1 > 0",
        "real: contradictions_on_doubtful_cells 1 > 0",
    ]


def test_the_oracle_and_the_sum_rule():
    cells = zero_cells()
    assert oracle_failures(cells, "2021", 2024) == []
    cells["applications.granted.natural"] = 2
    failed = {(f.rule, f.cells[0]) for f in oracle_failures(cells, "2021", 2024)}
    assert failed == {
        ("outcome_sum", "applications.total.natural"),
        ("column_sum", "applications.granted.total"),
    }
    assert sum_breaks(30, [13, 1, 5, 1, 1, 7, 2]) is False
    assert sum_breaks(30, [13, 1, 5, 1, 1, 8, 2]) is True
    assert sum_breaks(30, [13, 1]) is False  # a partial list is not a contradiction
    assert sum_breaks(795, [87, 265, 443, 58]) is False  # the parts make it up, then go on


def test_the_hybrid_path_is_scored_from_its_cassette(cases, capsys):
    from eval.evaluate import evaluate_with_model

    tally = evaluate_with_model(cases, "hybrid")
    metrics = tally.metrics()
    assert metrics["cases"] == 49  # the cases made from the bundled examples
    # Every request is in the cassette (a missing one fails at once). The local model's
    # answers about one case's tables were invalid three times over: recorded so, reported
    # as that case's failed calls, and the reader's cells stand.
    assert metrics["cases_with_failed_calls"] == 1
    assert len(tally.misses) == 2 and tally.misses[1].startswith("001-table_changed-2: ")
    assert "invalid: no valid answer after 3 attempts" in tally.misses[1]
    # hybrid asks the model only about the prose numbers the rules leave undecided; here it
    # called 26 of them not a table quantity, rightly, and the other two 制发规章, which
    # their clauses do not name (dropped: they stay undecided). So no claim is the model's.
    assert metrics["model_claims"] == 0
    out = capsys.readouterr().out
    assert "28 asked in 27 of 49 reports; 26 settled (0 as table quantities, 26 as not), 26 " in out
    assert metrics["cell_accuracy"] == 1.0
    # The model's figures add no false alarm; the one contradiction missed is the rules
    # path's too (a changed figure that equals the category's total, which it may mean).
    assert metrics["false_alarm_rate"] == 0.0
    assert metrics["contradiction_precision"] == 1.0
    assert metrics["contradiction_recall"] == 0.9524
    assert tally.misses[0].startswith("001-prose_changed-4: ")


def test_the_real_variants_catch_a_judge_that_forgives_off_by_one(real_run, monkeypatch):
    import extractor.prose.align as align

    judge = align.judge

    def forgiving(topic, stated, record):
        verdict, cells, table = judge(topic, stated, record)
        if verdict == "contradiction" and table is not None and abs(abs(table - stated) - 1) < 1e-6:
            return "consistent", cells, table
        return verdict, cells, table

    honest = real_eval.totals(real_run)[0]
    caught_by_one = [r for r in real_run.variants if r.prose.tp and _changed_by_one(r.case.note)]
    assert caught_by_one, "the variants include figures changed by one that the judge catches"
    _replace_everywhere(monkeypatch, judge, forgiving)
    broken = real_eval.totals(real_eval.run())[0]
    # the labels do not move (they come from the gold cells); the hits fall
    assert broken.vtp + broken.vfn == honest.vtp + honest.vfn
    assert broken.vtp < honest.vtp


def _changed_by_one(note: str) -> bool:
    """A variant's note ends with "<old> → <new>"."""
    old, _, new = note.rsplit(" ", 3)[-3:]
    return abs(abs(float(new) - float(old)) - 1) < 1e-6
