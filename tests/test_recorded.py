"""The llm and hybrid backends on the bundled examples, replaying a real model's answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extractor.extract import extract_document
from extractor.ingest.files import read_document
from extractor.model.backends import ModelSettings
from extractor.model.llm import LLM, LLMConfig
from schemas import GoldReport

ROOT = Path(__file__).resolve().parent.parent
GOLD = sorted((ROOT / "eval" / "fixtures" / "seeds").glob("*.json"))


# The examples' prose figures about the tables, labelled by hand.
LABELLED = json.loads((ROOT / "eval" / "fixtures" / "seed_claims.json").read_text(encoding="utf-8"))


def gold_and_doc(path: Path):
    gold = GoldReport.model_validate_json(path.read_text(encoding="utf-8"))
    return gold, read_document(ROOT / gold.source, gold.source)


def assert_grounded(record, original: str) -> None:
    """Every value the record reports points at its digits in the original text."""
    for key, value in record.cells.items():
        if value is None:
            assert key in record.unreadable or key in record.ambiguous or key not in record.evidence
            continue
        span = record.evidence[key]
        assert original[span.start : span.end] == span.snippet
        digits = str(abs(value)).removesuffix(".0")
        assert digits.split(".")[0] in span.snippet.replace(",", ""), (key, value, span)
    for claim in record.claims:
        assert original[claim.start : claim.end] == claim.quote


# What the recorded model's prose answers did, per example: figures it found that the
# patterns found too (read_by "both"), figures only it reported (each about nothing the
# tables count: no topic), and figures it quoted from text that is not in the report
# (dropped as ungrounded). Only the model's answers produce these: empty answers give
# (0, 0, 0) everywhere.
HYBRID_RECORDED_DID = {
    "000_36d00f834dab91d3": (1, 1, 16),
    "001_f216bc686eab11d1": (9, 7, 15),
    "002_00e19431bcd07e12": (0, 0, 5),
    "003_3bfaa367c900be67": (0, 0, 7),
    "004_60513614211ed1ea": (4, 1, 0),
}


def model_did(record) -> tuple[int, int, int]:
    """(figures found with the patterns, figures the model alone reported, ungrounded)."""
    both = sum(1 for c in record.claims if c.read_by == "both")
    alone = [c for c in record.claims if c.read_by == "llm"]
    assert all(c.topic is None for c in alone)  # none of them names a table cell
    return both, len(alone), record.extraction.ungrounded_claims


@pytest.mark.parametrize("path", GOLD, ids=[p.stem for p in GOLD])
def test_hybrid_reproduces_every_gold_cell_and_asks_only_about_the_prose(path, recorded_llm):
    gold, doc = gold_and_doc(path)
    record = extract_document(doc, "hybrid", ModelSettings(recorded_llm))
    assert record.cells == gold.cells
    assert record.extraction.backend == "hybrid"
    assert record.extraction.errors == []
    # The reader read every table, so the model was asked about prose alone.
    assert all(c.split("/")[0] in ("一", "五", "六", "all") for c in record.extraction.chunks)
    assert record.extraction.calls == len(record.extraction.chunks)
    assert set(record.read_by.values()) == {"rules"}
    assert not [f for f in record.findings if f.rule == "extraction_disagreement"]
    assert_grounded(record, doc.text.original)
    # The model's own figures: grounded above; none makes a contradiction the examples do
    # not have; every hand-labelled figure is found, and the model's figures on a labelled
    # phrase carry the labelled number.
    assert not [c for c in record.contradictions if c.verdict == "contradiction"]
    labels = {" ".join(x["quote"].split()): x["value"] for x in LABELLED[path.stem]}
    found = {" ".join(c.quote.split()): c for c in record.claims}
    assert all(any(q in f or f in q for f in found) for q in labels), sorted(labels)
    for quote, claim in found.items():
        if claim.read_by in ("llm", "both") and quote in labels:
            assert claim.value == labels[quote], quote
    assert model_did(record) == HYBRID_RECORDED_DID[path.stem]


def test_prose_answers_emptied_fail_the_recorded_hybrid_figures(monkeypatch):
    """The mutation of the audit: every prose answer of the recording replaced by an empty
    list of figures. The figures the hybrid test asserts no longer hold for any example."""
    import extractor.model.assisted as assisted
    from schemas.llm import ProseFigures
    from tests.conftest import CASSETTES, recorded_model, recorder

    ask = assisted._ask

    def empty_prose(llm, model, *args, **kwargs):
        answer = ask(llm, model, *args, **kwargs)
        return ProseFigures(figures=[]) if model is ProseFigures and answer is not None else answer

    monkeypatch.setattr(assisted, "_ask", empty_prose)
    name = "test_hybrid_reproduces_every_gold_cell_and_asks_only_about_the_prose"
    for path in GOLD:
        cassette = CASSETTES / "test_recorded" / f"{name}[{path.stem}].yaml"
        config = LLMConfig(
            model=recorded_model(cassette), base_url="http://127.0.0.1:8765/v1", api_key="replay"
        )
        gold, doc = gold_and_doc(path)
        with recorder("none").use_cassette(str(cassette)):
            record = extract_document(doc, "hybrid", ModelSettings(LLM(config)))
        assert record.cells == gold.cells  # the tables are the reader's either way
        assert model_did(record) == (0, 0, 0) != HYBRID_RECORDED_DID[path.stem]


# The llm backend (the model reads every table: 25 calls and ~24 minutes a report with the
# local model on two idle cores, re-asks included) is recorded for one example; hybrid for
# all five. What the recorded model did, per example: how many cells it read (every one
# right), and which calls failed for good. Recording another adds a line here.
LLM_RECORDED_DID = {
    # Table 二 read (10 cells); its four answers for table 三's rows gave 8 values for 7
    # columns after every re-ask, so the reader's cells stand there; its quoted title was
    # not in the text.
    "000_36d00f834dab91d3": (10, ["三/1", "三/2", "三/3", "三/4", "head/1"]),
}
LLM_RECORDED = [p for p in GOLD if p.stem in LLM_RECORDED_DID]


@pytest.mark.parametrize("path", LLM_RECORDED, ids=[p.stem for p in LLM_RECORDED])
def test_llm_backend_reads_the_tables_and_reports_what_it_could_not_ground(path, recorded_llm):
    gold, doc = gold_and_doc(path)
    record = extract_document(doc, "llm", ModelSettings(recorded_llm))
    x = record.extraction
    assert x.backend == "llm"
    # A call may fail for good (the local model's context is 8k tokens, and re-asks grow the
    # conversation): it is recorded with its chunk and kind, and the report goes on.
    for error in x.errors:
        assert re.match(
            r"^(?:二|三|四|head|一|五|六)/\d+: (?:transport|invalid|truncated|ungrounded)[: ]",
            error,
        ), error
    assert {c.split("/")[0] for c in x.chunks} >= {"二", "三", "四", "head"}
    assert x.calls == len(x.chunks) and x.attempts >= x.calls
    assert x.tokens.prompt > 0 and x.tokens.completion > 0
    assert set(x.prompt_version.split(",")) >= {"metadata@2", "table_cells@1"}
    assert set(record.cells) == set(gold.cells)
    # Where a call about a table failed for good, the reader's cells stand for that table.
    failed_tables = {e.split("/")[0] for e in x.errors} & {"二", "三", "四"}
    table_of = {"active": "二", "applications": "三"}
    for key, who in record.read_by.items():
        assert who == ("rules" if table_of.get(key.split(".")[0], "四") in failed_tables else "llm")
    assert (record.body, record.year) == (gold.body, gold.year)
    assert_grounded(record, doc.text.original)
    # A cell the model did not ground is null and says why: nothing is filled in silently.
    for key, value in record.cells.items():
        if value is None and gold.cells[key] is not None and key not in record.ambiguous:
            assert record.unreadable[key].reason
    read = [k for k, v in record.cells.items() if v is not None]
    right = [k for k in read if record.cells[k] == gold.cells[k]]
    # Grounding lets through only numbers printed in the quoted row, so what is read is
    # nearly always right; how much is read depends on the model (see eval/llm_seeds.py).
    assert len(right) >= 0.95 * len(read)
    # With table chunks at half the budget no conversation overflowed the 8k context (no
    # transport error); what the model read, it read right.
    assert not [e for e in x.errors if ": transport:" in e]
    by_model = [k for k, who in record.read_by.items() if who == "llm"]
    cells_read, failed = LLM_RECORDED_DID[path.stem]
    assert len(by_model) == cells_read and all(record.cells[k] == gold.cells[k] for k in by_model)
    assert [e.split(":")[0] for e in x.errors] == failed
