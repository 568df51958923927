"""The llm and hybrid backends on the bundled examples, replaying a real model's answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.undecided import Decisions, model_answer, real_gold, seed_gold
from extractor.extract import extract_document
from extractor.ingest.files import read_document
from extractor.model.backends import ModelSettings
from extractor.model.llm import LLM, LLMConfig
from schemas import GoldReport
from tests.fake_model import FakeModel

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


# hybrid asks the model only about the prose numbers the rules leave undecided, in one call
# per report. Recorded on the examples and the real reports that have such numbers and whose
# tables the reader reads alone (hebei-gongxinting-2023 has two as well, but hybrid would
# also ask about its table 二: a long table call). What the recorded model decided, in the
# order of the numbers (None: not a table quantity), how many of its answers the gold
# agrees with, and the tokens of the call (prompt, completion). Recording another adds a
# line here.
HYBRID_DECIDED = {
    "001_f216bc686eab11d1": ([None], 1, (830, 6)),
    "002_00e19431bcd07e12": ([None], 1, (828, 6)),
    "putian-chengguanju-2020": ([None], 0, (833, 6)),
    "sanming-2025": ([None, None], 1, (850, 9)),
}
REAL = ROOT / "eval" / "fixtures" / "real"


def hybrid_case(name: str):
    """The document, its gold prose figures and its gold cells."""
    if (ROOT / "examples" / f"{name}.txt").exists():
        gold, doc = gold_and_doc(ROOT / "eval" / "fixtures" / "seeds" / f"{name}.json")
        return doc, seed_gold(name), gold.cells
    doc = read_document(REAL / f"{name}.txt", f"{name}.txt")
    cells = json.loads((REAL / "gold" / f"{name}.json").read_text(encoding="utf-8"))["cells"]
    return doc, real_gold(name), cells


@pytest.mark.parametrize("name", list(HYBRID_DECIDED))
def test_hybrid_asks_the_model_only_about_the_undecided_prose_numbers(name, recorded_llm):
    doc, gold_figures, gold_cells = hybrid_case(name)
    undecided = extract_document(doc).prose.undecided
    record = extract_document(doc, "hybrid", ModelSettings(recorded_llm))
    x = record.extraction
    assert (x.backend, x.errors, x.chunks, x.calls) == ("hybrid", [], ["undecided"], 1)
    assert x.prompt_version == "undecided@1"
    # The reader read every table: no table was asked about, and its cells are the gold's.
    assert set(record.read_by.values()) == {"rules"}
    assert {k: v for k, v in record.cells.items() if k in gold_cells} == {
        k: v for k, v in gold_cells.items() if k in record.cells
    }
    assert_grounded(record, doc.text.original)
    # The model's own decisions, and how many the gold agrees with.
    answers, right, tokens = HYBRID_DECIDED[name]
    assert [model_answer(n, record) for n in undecided] == [(True, a) for a in answers]
    decisions = Decisions()
    decisions.add(name, undecided, record, gold_figures, doc.text.original)
    assert (decisions.asked, decisions.settled, decisions.right) == (
        len(answers),
        len(answers),
        right,
    )
    assert (x.tokens.prompt, x.tokens.completion) == tokens
    # Every number is decided now; a model claim is on its number's clause.
    assert record.prose.undecided == []
    for c in record.claims:
        if c.read_by == "llm":
            assert c.chunk == "undecided" and any(
                (n.clause.start, n.clause.end) == (c.start, c.end) for n in undecided
            )


def test_the_model_answers_emptied_fail_the_recorded_hybrid_figures(monkeypatch):
    """The mutation of the audit: every answer of the recorded model about the undecided
    numbers replaced by none. The decisions the hybrid test asserts no longer hold for any
    recorded report, and the numbers stay undecided."""
    import extractor.model.assisted as assisted
    from schemas.llm import NumberAnswers
    from tests.conftest import CASSETTES, recorded_model, recorder

    ask = assisted._ask

    def emptied(llm, model, *args, **kwargs):
        answer = ask(llm, model, *args, **kwargs)
        return None if model is NumberAnswers else answer

    monkeypatch.setattr(assisted, "_ask", emptied)
    test = "test_hybrid_asks_the_model_only_about_the_undecided_prose_numbers"
    for name, (answers, _, _) in HYBRID_DECIDED.items():
        cassette = CASSETTES / "test_recorded" / f"{test}[{name}].yaml"
        config = LLMConfig(
            model=recorded_model(cassette), base_url="http://127.0.0.1:8765/v1", api_key="replay"
        )
        doc, _, _ = hybrid_case(name)
        undecided = extract_document(doc).prose.undecided
        with recorder("none").use_cassette(str(cassette)):
            record = extract_document(doc, "hybrid", ModelSettings(LLM(config)))
        decided = [model_answer(n, record) for n in undecided]
        assert decided != [(True, a) for a in answers]
        assert len(record.prose.undecided) == len(undecided)


NONE_UNDECIDED = [p for p in GOLD if p.stem not in HYBRID_DECIDED]


@pytest.mark.parametrize("path", NONE_UNDECIDED, ids=[p.stem for p in NONE_UNDECIDED])
def test_hybrid_on_an_example_whose_prose_numbers_the_rules_all_decided_asks_nothing(path):
    gold, doc = gold_and_doc(path)
    fake = FakeModel()  # any request would fail the test
    record = extract_document(doc, "hybrid", ModelSettings(fake.llm()))
    assert fake.requests == [] and record.extraction.calls == 0
    assert record.cells == gold.cells and record.prose.undecided == []
    labels = {" ".join(x["quote"].split()) for x in LABELLED[path.stem]}
    found = {" ".join(c.quote.split()) for c in record.claims}
    assert all(any(q in f or f in q for f in found) for q in labels), sorted(labels)


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
