"""hybrid and llm backends against a fake model: grounding, merging, disagreements, failures."""

from __future__ import annotations

import json
import re

import httpx

from eval.synth import render_report
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
from extractor.model.backends import ModelSettings
from schemas import keys as K
from tests.fake_model import FakeModel, completion, status
from tests.test_tables import zero_cells

APP = K.application_key
NO_FIGURES = {"figures": []}

# 110000011 reads as 1,10,0,0,0,0,11 or 11,0,0,0,0,0,11; with 总计 blank the reader cannot
# choose, so hybrid asks the model about table 三.
CELLS = zero_cells(
    **{
        "applications__new__natural": 1,
        "applications__new__commercial": 10,
        "applications__new__total": 11,
        "applications__granted__natural": 1,
        "applications__granted__commercial": 10,
        "applications__granted__total": 11,
    }
)
# The same table with its 总计 row filled in: every rule holds.
CLEAN = {
    **CELLS,
    **{APP("total", c): v for c, v in (("natural", 1), ("commercial", 10), ("total", 11))},
}
AMBIGUOUS = (
    render_report(CELLS)
    .replace("（一）予以公开\t1\t10\t0\t0\t0\t0\t11", "（一）予以公开\t110000011")
    .replace("（七）总计\t0\t0\t0\t0\t0\t0\t0", "（七）总计\t—\t—\t—\t—\t—\t—\t—")
)


def responder(rows_for: dict[str, dict], figures: dict | None = None):
    """Answer table requests with the rows whose label is in the chunk, prose with figures."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        tool = body["tools"][0]["function"]["name"]
        user = body["messages"][-1]["content"]
        if tool == "TableReading":
            rows = [row for label, row in rows_for.items() if label in user]
            return completion(tool, {"rows": rows})
        return completion(tool, figures or NO_FIGURES)

    return answer


class Responder(FakeModel):
    def __init__(self, answer) -> None:
        super().__init__()
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content))
        return self.answer(request)


def run(text: str, fake: FakeModel, backend: str = "hybrid"):
    doc = parse_document(text.encode("utf-8"), "mem.txt")
    return extract_document(doc, backend, ModelSettings(fake.llm())), doc


def granted(values, quote="(一)予以公开 | 110000011"):
    return {"row": "granted", "quote": quote, "values": values}


def test_the_model_settles_an_ambiguous_run_with_one_of_the_readers_candidates():
    fake = Responder(responder({"予以公开": granted([1, 10, 0, 0, 0, 0, 11])}))
    record, doc = run(AMBIGUOUS, fake)
    assert record.cells[APP("granted", "natural")] == 1
    assert record.cells[APP("granted", "commercial")] == 10
    assert not record.ambiguous
    assert record.read_by[APP("granted", "natural")] == "llm"
    assert record.read_by[APP("granted", "research")] == "both"  # the model agreed
    assert record.read_by[APP("new", "natural")] == "rules"
    notes = [f for f in record.findings if f.rule == "extraction_disagreement"]
    assert [f.cells[0] for f in notes] == [APP("granted", "natural"), APP("granted", "commercial")]
    assert "不是报告的错误" in notes[0].message
    span = record.evidence[APP("granted", "commercial")]
    assert (span.snippet, span.chunk) == ("10", "三/1")
    assert doc.text.original[span.start : span.end] == "10"
    # Only table 三 was sent: the reader read 二 and 四 itself, and the prose states no figure.
    assert {c.split("/")[0] for c in record.extraction.chunks} == {"三"}


def test_a_model_value_outside_the_candidates_leaves_the_cell_ambiguous():
    fake = Responder(responder({"予以公开": granted([11, 0, 0, 0, 0, 0, 11])}))
    record, _ = run(AMBIGUOUS, fake)
    # 11 is a candidate for 自然人, so that cell is settled, and 0 for 商业企业 as well:
    assert record.cells[APP("granted", "natural")] == 11
    assert record.cells[APP("granted", "commercial")] == 0
    fake = Responder(
        responder({"予以公开": granted([110, 0, 0, 0, 0, 0, 11], quote="(一)予以公开 | 110000011")})
    )
    record, _ = run(AMBIGUOUS, fake)
    assert record.cells[APP("granted", "natural")] is None
    assert APP("granted", "natural") in record.ambiguous
    note = next(f for f in record.findings if f.rule == "extraction_disagreement")
    assert "不在程序候选" in note.message


def test_an_ungrounded_answer_is_not_used():
    invented = granted([1, 10, 0, 0, 0, 0, 11], quote="(一)予以公开 | 1 | 10 | 0 | 0 | 0 | 0 | 12")
    fake = Responder(responder({"予以公开": invented}))
    record, _ = run(AMBIGUOUS, fake)
    assert APP("granted", "natural") in record.ambiguous
    assert record.extraction.ungrounded == 7
    assert not [f for f in record.findings if f.rule == "extraction_disagreement"]


def test_the_model_fills_an_unreadable_row_and_a_grounded_disagreement_keeps_the_arithmetic():
    cells = zero_cells(
        **{
            "applications__new__natural": 52,
            "applications__new__total": 52,
            "applications__granted__natural": 52,
            "applications__granted__total": 52,
            "applications__total__natural": 52,
            "applications__total__total": 52,
        }
    )
    text = (
        render_report(cells)
        .replace("（一）予以公开\t52\t0\t0\t0\t0\t0\t52", "（一）予以公开\t520000052")
        .replace("（七）总计\t52\t0\t0\t0\t0\t0\t52", "（七）总计\t52\t0\t0\t0\t0\t0\t52\t9\t9")
    )
    fake = Responder(
        responder(
            {
                "予以公开": granted([5, 20, 0, 0, 0, 0, 52], quote="(一)予以公开 | 520000052"),
                "总计": {
                    "row": "total",
                    "quote": "(七)总计 | 52 | 0 | 0 | 0 | 0 | 0 | 52",
                    "values": [52, 0, 0, 0, 0, 0, 52],
                },
            }
        )
    )
    record, _ = run(text, fake)
    assert record.cells == cells
    assert record.read_by[APP("total", "natural")] == "llm"
    assert record.read_by[APP("granted", "total")] == "both"
    notes = {f.cells[0]: f for f in record.findings if f.rule == "extraction_disagreement"}
    assert set(notes) == {APP("granted", "natural"), APP("granted", "commercial")}
    assert "保留程序读数" in notes[APP("granted", "natural")].message
    assert (notes[APP("granted", "natural")].left, notes[APP("granted", "natural")].right) == (
        52,
        5,
    )
    assert not [
        f for f in record.findings if f.status == "failed" and f.rule != "extraction_disagreement"
    ]


def test_a_failed_call_falls_back_to_the_reader_and_says_why():
    fake = FakeModel(*[status(503)] * 4, completion("ProseFigures", NO_FIGURES))
    record, _ = run(AMBIGUOUS, fake)
    assert APP("granted", "natural") in record.ambiguous
    assert record.cells[APP("new", "total")] == 11
    assert record.extraction.errors and record.extraction.errors[0].startswith("三/1: transport")


def test_hybrid_asks_about_a_table_whose_guessed_reading_breaks_a_rule():
    # 总计 printed 0 where 予以公开 prints 11. Printed plainly, that is the report's error and
    # no misreading explains it: the model is not asked. Printed as a glued run the reader
    # had to cut, a misreading could explain it: the model reads table 三 too.
    fake = Responder(responder({}, {"figures": []}))
    record, _ = run(render_report(CELLS), fake)
    assert {c.split("/")[0] for c in record.extraction.chunks} <= {"一", "五", "六"}
    glued = render_report(CELLS).replace("（七）总计\t0\t0\t0\t0\t0\t0\t0", "（七）总计\t0000000")
    record, _ = run(glued, Responder(responder({}, {"figures": []})))
    tables = {c.split("/")[0] for c in record.extraction.chunks} - {"一", "五", "六"}
    assert tables == {"三"}


def test_hybrid_on_a_clean_report_whose_prose_numbers_are_all_decided_asks_nothing():
    prose = "2024年共收到政府信息公开申请11件，其中予以公开11件。依申请公开答复11件。政府网站发布信息300条。"
    fake = FakeModel()  # any request would fail the test
    record, _ = run(render_report(CLEAN, prose=prose), fake)
    assert fake.requests == [] and record.extraction.calls == 0
    assert record.extraction.chunks == [] and record.extraction.prompt_version is None
    assert [(c.quote, c.topic, c.read_by) for c in record.claims] == [
        ("收到政府信息公开申请11件", "received", "rules"),
        ("予以公开11件", "granted", "rules"),
        ("答复11件", "handled", "rules"),
    ]
    assert [c.verdict for c in record.contradictions] == ["consistent"] * 3
    # the years of the title and of the prose, and the website's posts
    assert record.prose.undecided == [] and record.prose.not_counted == {"date_time": 2, "posts": 1}


def prose_only(figures: dict):
    """The llm backend's model, answering the prose with `figures` and refusing the tables
    and the title (400: not retried), so that the reader's cells stand."""

    def answer(request: httpx.Request) -> httpx.Response:
        tool = json.loads(request.content)["tools"][0]["function"]["name"]
        return completion(tool, figures) if tool == "ProseFigures" else status(400)

    return Responder(answer)


def test_a_figure_only_the_model_found_is_judged_and_can_contradict_the_table():
    # No count word follows the number, so the patterns see no figure here.
    prose = (
        "群众关心的征地补偿问题，经审查后向申请人提供了相关信息，此类申请全年合计十三宗以上。"
        "对涉及第三方的申请，书面征求意见后依法公开，共计11。"
        "12345热线转来的诉求件办理完毕共计40。"
    )
    figures = {
        "figures": [
            {"quote": "书面征求意见后依法公开，共计11", "value": 11, "subject": "予以公开"},
            {"quote": "热线转来的诉求件办理完毕共计40", "value": 40, "subject": "办理完毕"},
            {"quote": "依法公开，共计12", "value": 12, "subject": "予以公开"},
        ]
    }
    record, _ = run(render_report(CLEAN, prose=prose), prose_only(figures), backend="llm")
    by_quote = {c.quote: c for c in record.contradictions}
    assert [(c.claim, c.read_by) for c in record.contradictions] == [
        ("granted", "llm"),
        ("办理完毕", "llm"),
    ]
    assert by_quote["书面征求意见后依法公开，共计11"].verdict == "consistent"
    # A hotline count is no table figure, whatever the model called it: not checkable.
    assert by_quote["热线转来的诉求件办理完毕共计40"].verdict == "unclear"
    assert record.extraction.ungrounded_claims == 1  # 12 is not in the text
    assert not [f for f in record.findings if f.rule == "narrative_mismatch"]

    wrong = prose.replace("共计11", "共计13")
    figures["figures"][0].update(quote="书面征求意见后依法公开，共计13", value=13)
    record, _ = run(render_report(CLEAN, prose=wrong), prose_only(figures), backend="llm")
    [mismatch] = [f for f in record.findings if f.rule == "narrative_mismatch"]
    assert (mismatch.left, mismatch.right) == (13, 11)
    assert mismatch.cells == [APP("granted", "total")]
    assert record.contradictions[0].read_by == "llm"


def test_a_failed_prose_call_is_recorded_and_the_patterns_claims_are_still_judged():
    # 县政府文件12件 is a number the rules leave undecided: hybrid asks about it, and fails.
    prose = "2024年共收到政府信息公开申请11件，其中予以公开12件。全年印发县政府文件12件。"
    fake = FakeModel(*[status(503)] * 4)
    record, _ = run(render_report(CLEAN, prose=prose), fake)
    assert record.extraction.errors and record.extraction.errors[0].startswith(
        "undecided: transport"
    )
    assert [(c.claim, c.verdict, c.read_by) for c in record.contradictions] == [
        ("received", "consistent", "rules"),
        ("granted", "contradiction", "rules"),
    ]
    assert [n.value for n in record.prose.undecided] == [12]


def test_prose_without_figures_costs_no_call():
    fake = FakeModel()  # any request would fail the test
    record, _ = run(render_report(CLEAN, prose="本年度认真贯彻落实条例，推进政务公开。"), fake)
    assert record.extraction.calls == 0 and record.cells == CLEAN


def test_llm_backend_reads_every_table_and_the_title():
    text = render_report(CELLS, body="示例县人民政府", year=2024)
    rows = {
        "规章": {"row": "rules", "quote": "规章 | 0 | 0 | 0", "values": [0, 0, 0]},
        "本年新收": {
            "row": "new",
            "quote": "一、本年新收政府信息公开申请数量 | 1 | 10 | 0 | 0 | 0 | 0 | 11",
            "values": [1, 10, 0, 0, 0, 0, 11],
        },
    }

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        tool = body["tools"][0]["function"]["name"]
        if tool == "ReportMeta":
            return completion(
                tool,
                {
                    "body": "示例县人民政府",
                    "year": 2024,
                    "quote": "示例县人民政府2024年政府信息公开工作年度报告",
                },
            )
        return responder(rows)(request)

    record, _ = run(text, Responder(answer), backend="llm")
    assert record.cells[APP("new", "commercial")] == 10
    assert record.cells["active.rules.in_force"] == 0
    assert record.cells[APP("granted", "natural")] is None
    assert record.unreadable[APP("granted", "natural")].reason == "模型未读出"
    assert {c.split("/")[0] for c in record.extraction.chunks} >= {"二", "三", "四", "head"}
    assert set(record.read_by.values()) == {"llm"}
    assert record.extraction.backend == "llm"
    assert re.fullmatch(r"(?:\w+@\d+,?)+", record.extraction.prompt_version)


def test_the_model_may_give_a_figure_written_in_chinese_numerals():
    prose = "涉及第三方的申请，经书面告知后依法公开的，共计十一宗。"
    figures = {"figures": [{"quote": "依法公开的，共计十一宗", "value": 11, "subject": "予以公开"}]}
    record, doc = run(render_report(CLEAN, prose=prose), prose_only(figures), backend="llm")
    [claim] = record.claims
    assert (claim.topic, claim.value, claim.read_by) == ("granted", 11, "llm")
    assert doc.text.original[claim.start : claim.end] == "依法公开的，共计十一宗"
    assert [c.verdict for c in record.contradictions] == ["consistent"]


def test_a_chinese_numeral_that_counts_nothing_is_not_a_figure():
    # 进一步 holds 一 but counts nothing: a model that offers it as 1 is not followed.
    prose = "政务公开工作制度化、规范化水平进一步提升。"
    figures = {"figures": [{"quote": "水平进一步提升", "value": 1, "subject": "提升"}]}
    record, _ = run(render_report(CLEAN, prose=prose), prose_only(figures), backend="llm")
    assert record.claims == []
