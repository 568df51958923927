"""The real corpus fixtures, its prose variants, and the scorer that grades records on it."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from eval.real import LAYOUTS, REAL, Figure, RealCase, load, strip_provenance, variants
from eval.scoring import score_prose, score_tables
from schemas import Ambiguity, Claim, Contradiction, Extraction, Finding, ReportRecord, Span
from schemas import keys as K


@pytest.fixture(scope="module")
def corpus():
    return load()


def test_every_report_has_its_gold_and_a_known_layout(corpus):
    reports = sorted(p.stem for p in REAL.glob("*.txt"))
    assert reports == sorted(p.stem for p in (REAL / "gold").glob("*.json"))
    assert [c.name for c in corpus] == reports
    assert len(corpus) == 11
    for case in corpus:
        assert case.layout in LAYOUTS
        raw = (REAL / f"{case.name}.txt").read_bytes()
        assert raw.startswith(b"# source: ")
        assert not case.data.startswith(b"#")
        # only the provenance line and the empty line after it are cut off
        assert raw.endswith(case.data)
        assert len(raw) - len(case.data) == raw.index(b"\n") + 2


def test_gold_holds_every_canonical_cell_of_its_format(corpus):
    for case in corpus:
        gold = case.gold
        split = K.application_key("other.overdue_correction", "total") in gold["cells"]
        assert set(gold["cells"]) == set(K.all_keys(gold["format"], split)), case.name
        assert set(gold.get("ambiguous") or {}) <= set(gold["cells"])


def test_every_labelled_quote_is_found_in_its_report(corpus):
    for case in corpus:
        for figure in case.figures:
            quote = case.gold["narrative"][figure.index]["quote"]
            assert case.text[figure.start : figure.end] == quote


def test_strip_provenance():
    assert strip_provenance(b"# source: x\n\nreport\n") == b"report\n"
    assert strip_provenance(b"# source: x\n\r\nreport") == b"report"
    with pytest.raises(ValueError):
        strip_provenance(b"report")
    with pytest.raises(ValueError):
        strip_provenance(b"# source: x\nreport")


def test_the_variant_generator_uses_no_product_code():
    tree = ast.parse((Path(__file__).parent.parent / "eval" / "real.py").read_text("utf-8"))
    imported = [
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in (n.names if isinstance(n, ast.Import) else [n])
    ]
    assert not [m for m in imported if m and m.split(".")[0] in ("extractor", "schemas")]


def test_each_variant_changes_one_number_to_one_its_cells_do_not_give(corpus):
    made = variants(corpus)
    assert made == variants(corpus)  # deterministic
    assert len(made) >= 50
    originals = {c.name: c for c in corpus}
    for v in made:
        original = originals[v.report]
        changed = v.changed
        assert changed is not None and changed.verdict == "contradiction"
        before = original.figures[changed.index]
        old, new = original.text, v.text
        # the texts differ in one run of digits: the changed figure's number
        head = 0
        while head < min(len(old), len(new)) and old[head] == new[head]:
            head += 1
        tail = 0
        while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
            tail += 1
        assert re.fullmatch(r"[\d.]*", old[head : len(old) - tail])
        assert re.fullmatch(r"[\d.]*", new[head : len(new) - tail])
        assert before.start <= head < before.end
        parts = [original.gold["cells"][k] for k in changed.cells]
        readings = {sum(parts), *parts}
        # the label it was made from holds, and the new number fits none of its readings
        assert before.stated == sum(parts) or all(p == before.stated for p in parts)
        assert all(abs(changed.stated - v) > 1e-6 for v in readings)
        assert str(changed.stated) in new[changed.start : changed.end]


# --- the scorer, on records and labels written here -----------------------------------------

TEXT = "全年收到申请12件，办结12件。结转下年度3件。网站发布信息300条。"


def record(**fields) -> ReportRecord:
    base = dict(source="x.txt", body="示例市", year=2024, format="2021")
    base.update(fields)
    return ReportRecord(extraction=Extraction(backend="rules"), **base)


def gold(**fields) -> dict:
    base = dict(
        body="示例市人民政府",
        year=2024,
        format="2021",
        cells={"applications.new.total": 12, "applications.carried_out.total": 3},
        ambiguous={},
        report_errors=[],
        narrative=[],
    )
    base.update(fields)
    return base


def test_cells_right_ambiguous_accepted_and_misreads_listed():
    g = gold(
        cells={"a.x": 12, "a.y": 3, "a.z": None, "a.w": 7, "a.v": 5},
        ambiguous={"a.w": "glued run", "a.v": "glued run"},
    )
    r = record(
        cells={"a.x": 12, "a.y": 4, "a.z": None, "a.w": None},
        ambiguous={"a.v": Ambiguity(reason="glued", candidates=[5, 50])},
    )
    score = score_tables(r, g)
    assert (score.right, score.cells) == (4, 5)
    assert score.misread == ["a.y: read 4, printed 3"]
    # a cell the labels settled is wrong when the tool leaves it ambiguous
    score = score_tables(
        record(cells={"a.x": None}, ambiguous={"a.x": Ambiguity(reason="r", candidates=[12, 1])}), g
    )
    assert score.misread[0] == "a.x: read ambiguous [12, 1], printed 12"
    assert "a.z: read absent, printed None" in score.misread


def test_meta_compares_bodies_without_renaming_them():
    assert score_tables(record(body="示例市"), gold()).meta == {
        "body": True,
        "year": True,
        "format": True,
    }
    wrong = score_tables(record(body="示例", year=2023, format="2019"), gold())
    assert wrong.meta == {"body": False, "year": False, "format": False}
    assert wrong.meta_wrong[1] == "year: read 2023, printed 2024"


def failed(rule: str, cells: list[str]) -> Finding:
    return Finding(rule=rule, severity="error", status="failed", cells=cells, message=rule)


def test_false_findings_are_those_the_labels_do_not_list():
    r = record(
        findings=[
            failed("row_missing", ["applications.partial.total"]),
            failed("table_missing", ["review.total"]),
            failed("column_sum", ["applications.new.total"]),
            failed("balance", ["applications.new.natural"]),
            failed("format_outdated", ["applications.other.total.natural"]),
            Finding(
                rule="outcome_sum",
                severity="error",
                status="not_checkable",
                cells=["applications.total.natural"],
                message="",
            ),
        ]
    )
    g = gold(report_errors=[{"rule": "balance", "cells": ["applications.new.natural"]}])
    score = score_tables(r, g)
    assert {k: len(v) for k, v in score.false_findings.items()} == {
        "row_missing": 1,
        "table_missing": 1,
        "arithmetic": 1,
    }
    assert (score.errors_found, score.errors) == (1, 1)
    missed = score_tables(record(), g)
    assert (missed.errors_found, missed.errors_missed) == (
        0,
        ["balance ['applications.new.natural']"],
    )


def case(figures: list[Figure], text: str = TEXT) -> RealCase:
    return RealCase("x", "x", "html-text", text.encode("utf-8"), gold(), figures)


def figure(i: int, quote: str, stated, cells, verdict="consistent", text: str = TEXT) -> Figure:
    start = text.index(quote)
    return Figure(i, start, start + len(quote), stated, tuple(cells), verdict)


def said(quote: str, value, cells, verdict, text: str = TEXT) -> Contradiction:
    start = text.index(quote)
    return Contradiction(
        claim="t",
        cells=list(cells),
        stated=value,
        table=None,
        quote=quote,
        start=start,
        end=start + len(quote),
        verdict=verdict,
    )


def test_figures_found_one_record_figure_per_label_and_contradictions_matched():
    figures = [
        figure(0, "全年收到申请12件", 12, ["applications.new.total"]),
        figure(1, "办结12件", 12, ["applications.total.total"]),
        figure(2, "结转下年度3件", 3, ["applications.carried_out.total"], "contradiction"),
    ]
    r = record(
        cells={"applications.new.total": 12, "applications.carried_out.total": 4},
        contradictions=[
            said("全年收到申请12件", 12, ["applications.new.total"], "consistent"),
            said("结转下年度3件", 3, ["applications.carried_out.total"], "contradiction"),
            said("网站发布信息300条", 300, ["active.licensing.decisions"], "contradiction"),
        ],
    )
    score = score_prose(r, case(figures))
    assert (score.found, score.figures) == (2, 3)
    assert (score.verdicts_right, score.verdicts) == (2, 2)
    assert (score.tp, score.fp, score.fn) == (1, 1, 0)
    assert score.misses[0] == "figure not found: 「办结12件」 12 (applications.total.total)"
    # the same number elsewhere is not the labelled figure
    moved = record(contradictions=[said("办结12件", 12, ["applications.new.total"], "consistent")])
    assert score_prose(moved, case(figures[:1])).found == 0


def test_a_contradiction_on_a_doubtful_cell_is_counted():
    r = record(
        cells={"applications.carried_out.total": None},
        ambiguous={"applications.carried_out.total": Ambiguity(reason="r", candidates=[3, 4])},
        contradictions=[
            said("结转下年度3件", 3, ["applications.carried_out.total"], "contradiction")
        ],
    )
    score = score_prose(
        r, case([figure(0, "结转下年度3件", 3, ["applications.carried_out.total"])])
    )
    assert (score.on_doubtful_cells, score.fp) == (1, 1)


def test_a_failed_prose_sum_is_a_contradiction_and_an_unscored_sum_is_neither():
    text = "共收到申请10件，其中予以公开6件、部分公开5件。"
    total = figure(0, text[:-1], 10, [], "consistent", text)
    finding = Finding(
        rule="narrative_sum",
        severity="warning",
        status="failed",
        cells=[],
        left=10,
        right=11,
        message="",
        evidence=[Span(start=0, end=len(text) - 1, snippet=text[:-1])],
    )
    r = record(findings=[finding])
    assert score_prose(r, case([total], text)).fp == 1
    labelled = Figure(0, total.start, total.end, 10, (), "contradiction")
    assert score_prose(r, case([labelled], text)).tp == 1
    ignored = Figure(0, total.start, total.end, 10, (), "consistent", ignore=True)
    score = score_prose(r, case([ignored], text))
    assert (score.tp, score.fp, score.fn) == (0, 0, 0)


def test_claims_the_record_did_not_judge_still_count_as_found():
    r = record(
        claims=[
            Claim(
                quote="办结12件",
                value=12,
                topic=None,
                subject="办结",
                start=TEXT.index("办结12件"),
                end=TEXT.index("办结12件") + 5,
                read_by="rules",
            )
        ]
    )
    score = score_prose(r, case([figure(0, "办结12件", 12, ["applications.total.total"])]))
    assert (score.found, score.verdicts) == (1, 0)


def test_gold_files_are_valid_json_with_the_layout_after_the_format():
    for path in (REAL / "gold").glob("*.json"):
        keys = list(json.loads(path.read_text("utf-8")))
        assert keys.index("layout") == keys.index("format") + 1


# The corpus as shipped, provenance line kept, reads exactly as the report alone: the line
# before a raw page's markup must not turn it into plain text.
SHARED = Path("/work/shared/corpus")
AS_SHIPPED = sorted(REAL.glob("*.txt")) + (sorted(SHARED.glob("*.txt")) if SHARED.is_dir() else [])


@pytest.mark.parametrize("path", AS_SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_corpus_file_as_shipped_reads_as_its_report_alone(path):
    from extractor.extract import extract_document
    from extractor.ingest.files import parse_document

    raw = path.read_bytes()
    shipped = extract_document(parse_document(raw, path.name, ".txt"))
    alone = extract_document(parse_document(strip_provenance(raw), path.name, ".txt"))

    def outcome(r):
        return (
            r.body,
            r.year,
            r.format,
            r.cells,
            r.ambiguous,
            sorted((f.rule, f.severity, f.status, tuple(f.cells)) for f in r.findings),
            [(c.claim, c.stated, c.verdict) for c in r.contradictions],
        )

    assert outcome(shipped) == outcome(alone)
    gold = json.loads((REAL / "gold" / f"{path.stem}.json").read_text("utf-8"))
    assert (shipped.body is not None, shipped.year) == (True, gold["year"])
    assert not [f for f in shipped.findings if f.severity == "error" and f.status == "failed"]
