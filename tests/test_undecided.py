"""hybrid's one multiple-choice question about the prose numbers the rules left undecided,
against a fake model: what is sent, what instructor accepts, and the claims made."""

from __future__ import annotations

import httpx

from eval.synth import render_report
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
from extractor.model.backends import ModelSettings
from schemas import keys as K
from schemas.llm import NOT_A_TABLE_QUANTITY, TOPIC_CHOICES
from tests.conftest import read_text
from tests.fake_model import FakeModel, completion, status
from tests.test_tables import zero_cells

APP = K.application_key
CELLS = zero_cells(
    **{
        "applications__new__natural": 6,
        "applications__new__total": 6,
        "applications__granted__natural": 6,
        "applications__granted__total": 6,
        "applications__total__natural": 6,
        "applications__total__total": 6,
        "active__normative_docs__issued": 3,
    }
)
# Invented prose: three numbers whose subject the rules cannot settle (文件 of the county
# government, 文件 put out by departments, 政策文件 on a platform named for 规范性文件),
# between sentences they can.
PROSE = (
    "本年度全县政务公开工作稳步推进。"
    "全年印发县政府文件12件，主动公开部门印发文件6个，经县规范性文件平台对外发布政策文件4份。"
    "全年新收政府信息公开申请6件，办公室组织业务培训2次。"
)
ITEMS = (
    "<report>\n1. 全年印发县政府文件【12】件\n2. 主动公开部门印发文件【6】个\n"
    "3. 经县规范性文件平台对外发布政策文件【4】份\n</report>"
)
TEXT = render_report(CELLS, prose=PROSE)


def run(text: str, fake: FakeModel):
    doc = parse_document(text.encode("utf-8"), "mem.txt")
    return extract_document(doc, "hybrid", ModelSettings(fake.llm())), doc


def answer(*topics: str, **tokens: int) -> httpx.Response:
    return completion(
        "NumberAnswers",
        {"answers": list(topics)},
        **tokens,
    )


def test_the_rules_leave_exactly_the_three_numbers_undecided():
    record = read_text(TEXT)
    assert [(n.value, n.unit) for n in record.prose.undecided] == [(12, "件"), (6, "个"), (4, "份")]
    assert [c.topic for c in record.claims] == ["received"]


def test_one_call_sends_only_the_undecided_numbers_and_the_choices_as_an_enum():
    fake = FakeModel(answer(*[NOT_A_TABLE_QUANTITY] * 3))
    record, _ = run(TEXT, fake)
    [request] = fake.requests
    user = request["messages"][-1]["content"]
    assert user == ITEMS
    # The sentences the rules settled, and the numbers they dismissed, are not sent.
    assert "申请" not in user and "培训" not in user
    [tool] = request["tools"]
    item = tool["function"]["parameters"]["properties"]["answers"]["items"]
    assert item["enum"] == [NOT_A_TABLE_QUANTITY, *(label for _, label, _, _ in TOPIC_CHOICES)]
    assert len(item["enum"]) == 23 and "其他" in item["enum"] and "予以公开" in item["enum"]
    assert record.extraction.calls == 1 and record.extraction.chunks == ["undecided"]
    assert record.extraction.prompt_version == "undecided@1"


def test_no_call_when_the_rules_decided_every_number():
    fake = FakeModel()  # any request would fail the test
    record, _ = run(render_report(CELLS, prose="全年新收政府信息公开申请6件，予以公开6件。"), fake)
    assert fake.requests == [] and record.extraction.calls == 0
    assert record.extraction.tokens.prompt == 0 and record.prose.undecided == []


def test_the_answers_make_claims_judged_like_any_other():
    answers = (NOT_A_TABLE_QUANTITY, "予以公开", "制发规范性文件")
    fake = FakeModel(answer(*answers, prompt_tokens=310, completion_tokens=12))
    record, doc = run(TEXT, fake)
    by_model = [c for c in record.claims if c.read_by == "llm"]
    assert [(c.quote, c.value, c.topic, c.subject, c.chunk) for c in by_model] == [
        ("主动公开部门印发文件6个", 6, "granted", "予以公开", "undecided"),
        (
            "经县规范性文件平台对外发布政策文件4份",
            4,
            "normative_docs.issued",
            "制发规范性文件",
            "undecided",
        ),
    ]
    # Grounded by construction: the quote is the number's clause in the original text.
    for c in by_model:
        assert doc.text.original[c.start : c.end] == c.quote
    verdicts = {c.quote: (c.verdict, c.table, c.read_by) for c in record.contradictions}
    assert verdicts["主动公开部门印发文件6个"] == ("consistent", 6, "llm")
    assert verdicts["经县规范性文件平台对外发布政策文件4份"] == ("contradiction", 3, "llm")
    [mismatch] = [f for f in record.findings if f.rule == "narrative_mismatch"]
    assert (mismatch.left, mismatch.right, mismatch.cells) == (
        4,
        3,
        ["active.normative_docs.issued"],
    )
    # Every number is decided now: two answers became claims, one a number not counted.
    assert record.prose.undecided == []
    assert record.prose.claims == 3 and record.prose.not_counted["model_not_table"] == 1
    assert (record.extraction.tokens.prompt, record.extraction.tokens.completion) == (310, 12)


def test_a_table_quantity_the_clause_does_not_name_is_not_used():
    # 县政府文件 names no 规范性文件: that choice is dropped, the other answers stand.
    fake = FakeModel(answer("制发规范性文件", "予以公开", NOT_A_TABLE_QUANTITY))
    record, _ = run(TEXT, fake)
    assert len(fake.requests) == 1
    assert [(c.value, c.topic) for c in record.claims if c.read_by == "llm"] == [(6, "granted")]
    assert [n.value for n in record.prose.undecided] == [12]
    assert record.extraction.ungrounded_claims == 1 and record.extraction.errors == []
    assert record.prose.not_counted["model_not_table"] == 1


def test_an_answer_outside_the_enum_is_sent_back_and_corrected():
    fake = FakeModel(
        answer("政策文件", NOT_A_TABLE_QUANTITY, NOT_A_TABLE_QUANTITY),
        answer(NOT_A_TABLE_QUANTITY, NOT_A_TABLE_QUANTITY, "现行有效规范性文件"),
    )
    record, _ = run(TEXT, fake)
    assert len(fake.requests) == 2
    reask = str(fake.requests[1]["messages"][2:])
    assert "政策文件" in reask and "literal_error" in reask
    assert record.extraction.calls == 1 and record.extraction.attempts == 2
    assert [(c.value, c.topic) for c in record.claims if c.read_by == "llm"] == [
        (4, "normative_docs.in_force")
    ]
    assert record.prose.not_counted["model_not_table"] == 2


def test_an_answer_with_more_or_fewer_choices_than_items_is_sent_back():
    fake = FakeModel(
        answer("予以公开"),
        answer("其他", "予以公开", "其他", "其他"),
        answer("其他", "予以公开", "其他"),
    )
    record, _ = run(TEXT, fake)
    assert len(fake.requests) == 3
    assert "give exactly 3 answers, one per item; got 1" in str(fake.requests[1]["messages"][2:])
    assert "give exactly 3 answers, one per item; got 4" in str(fake.requests[2]["messages"][2:])
    assert [(c.value, c.topic) for c in record.claims if c.read_by == "llm"] == [(6, "granted")]


def test_an_answer_never_valid_leaves_the_numbers_undecided_and_says_why():
    wrong = answer("规范性文件数量", "申请", "其他")
    fake = FakeModel(wrong, wrong, wrong)
    record, _ = run(TEXT, fake)
    assert len(fake.requests) == 3  # the first answer and two re-asks
    [error] = record.extraction.errors
    assert error.startswith("undecided: invalid: no valid answer after 3 attempts")
    assert [n.value for n in record.prose.undecided] == [12, 6, 4]
    assert [c.read_by for c in record.claims] == ["rules"]


def test_a_failed_call_is_recorded_and_the_report_goes_on():
    record, _ = run(TEXT, FakeModel(*[status(503)] * 4))
    assert record.extraction.errors[0].startswith("undecided: transport")
    assert [n.value for n in record.prose.undecided] == [12, 6, 4]
    assert record.cells == CELLS


def test_the_evaluation_scores_the_answers_against_the_gold_figures():
    from eval.undecided import Decisions, GoldFigure

    undecided = read_text(TEXT).prose.undecided
    answers = (NOT_A_TABLE_QUANTITY, "予以公开", "制发规范性文件")
    record, doc = run(TEXT, FakeModel(answer(*answers, prompt_tokens=300, completion_tokens=9)))
    # Invented labels: the 6 states 予以公开 (its quote printed with a space), the 12 and the
    # 4 state nothing the tables count.
    gold = [
        GoldFigure("主动公开部门 印发文件6个", 6, topic="granted"),
        GoldFigure("县政府文件12件", 12, cells=()),
    ]
    scored = Decisions()
    scored.add("mem", undecided, record, gold, doc.text.original)
    assert (scored.asked, scored.settled, scored.as_claims, scored.right) == (3, 3, 2, 2)
    assert scored.wrong == [
        "mem: 「经县规范性文件平台对外发布政策文件4份」 4: normative_docs.issued, gold no labelled figure"
    ]
    assert (scored.call_reports, scored.call_prompt, scored.call_completion) == (1, 300, 9)
    assert "3 asked in 1 of 1 reports; 3 settled (2 as table quantities, 1 as not), 2 rightly" in (
        scored.line()
    )
