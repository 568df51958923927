"""Prose figures: which phrases are claims, and how each is judged against the table."""

from __future__ import annotations

import pytest

from extractor.align import judge, narrative_sums, readings
from extractor.claims import find_claims, topic_of
from extractor.normalise import normalise
from schemas import Extraction, ReportRecord
from tests.test_tables import zero_cells

APP = "applications.{}.total".format


def claims(text: str) -> list[tuple[str, int | float]]:
    norm = normalise(text).text
    return [(c.topic, c.value) for c in find_claims(norm)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2023年，共受理依申请公开政府信息30件，其中予以公开13件，部分公开1件。",
            [("received", 30), ("granted", 13), ("partial", 1)],
        ),
        ("全年共处理依申请公开事项6件。", [("handled", 6)]),
        ("予以公开及部分公开5件", [("granted_partial", 5)]),
        ("因本机关不掌握相关政府信息等原因无法提供3件", [("unavailable.not_held", 3)]),
        ("无法提供3件,因不掌握相关政府信息。", [("unavailable", 3)]),
        ("转下年办理2件", [("carried_out", 2)]),
        (
            "行政复议结果纠正1件,行政诉讼未经复议直接起诉1件。",
            [("review.corrected", 1), ("litigation.direct", 1)],
        ),
        ("发布行政规范性文件 3 件", [("normative_docs.issued", 3)]),
        ("现行有效41个行政规范性文件", [("normative_docs.in_force", 41)]),
        ("予以公开 １３ 件", [("granted", 13)]),
        ("收取行政事业性收费29.5万元", [("fees", 29.5)]),
    ],
)
def test_claims_in_the_phrasings_reports_use(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "政府门户网站公开各类信息 7366 条，政务新媒体发布信息 7720 条。",
        "受理并办结市民提出的12345热线事项13件，热线办结工单量达到6,368条。",
        "依申请公开政府信息受理率达100%。",
        "全年办理服务事项 64062 件。",
        "电话:0468-3357648，2024年1月22日。",
        "对于涉及国家秘密、商业秘密的内容，严格按规定不予公开。",
        "本年度，我市未收取信息处理费。",
    ],
)
def test_figures_that_are_not_about_the_tables_are_not_claims(text):
    assert claims(text) == []


def test_negative_statements_are_zero_claims():
    assert claims("未发生因有关政府信息公开而引发的行政复议案和行政诉讼案。") == [
        ("litigation", 0),
        ("review", 0),
    ]
    assert claims("本年度未发生政府信息公开行政复议案件。") == [("review", 0)]
    assert claims("未出台规范性文件。") == [("normative_docs.issued", 0)]
    assert claims("行政复议案件均获维持。") == [("review.all_upheld", 0)]
    assert claims("无法提供的申请已告知申请人。") == []


def record(**cells) -> ReportRecord:
    values = zero_cells()
    values.update({k.replace("__", "."): v for k, v in cells.items()})
    return ReportRecord(
        source="t",
        body=None,
        year=2024,
        format="2021",
        cells=values,
        extraction=Extraction(backend="rules"),
    )


def test_received_may_mean_new_new_plus_carried_or_handled():
    r = record(
        applications__new__total=10,
        applications__carried_in__total=2,
        applications__total__total=11,
        applications__carried_out__total=1,
    )
    assert judge("received", 10, r)[:2] == ("consistent", (APP("new"),))
    assert judge("received", 12, r)[0] == "consistent"
    assert judge("received", 11, r)[0] == "consistent"
    verdict, cells, table = judge("received", 13, r)
    assert (verdict, cells, table) == ("contradiction", (APP("new"),), 10)


def test_a_category_claim_sums_its_rows_and_not_held_may_mean_either():
    r = record(
        **{
            "applications__unavailable.not_held__total": 2,
            "applications__unavailable.unclear__total": 1,
        }
    )
    assert judge("unavailable", 3, r)[0] == "consistent"
    assert judge("unavailable.not_held", 2, r)[0] == "consistent"
    assert judge("unavailable.not_held", 3, r)[0] == "consistent"
    assert judge("unavailable.not_held", 4, r)[0] == "contradiction"


def test_blank_cells_make_a_claim_unclear_not_a_contradiction():
    r = record(applications__granted__total=None)
    assert judge("granted", 5, r) == ("unclear", (APP("granted"),), None)
    assert judge(None, 5, r) == ("unclear", (), None)
    assert judge("fees", 5, record()) == ("contradiction", ("active.fees.amount",), 0)


def test_2019_layout_readings():
    r = record()
    r.format = "2019"
    assert readings("normative_docs.issued", r) == [
        ("active.normative_docs.made",),
        ("active.normative_docs.published",),
    ]
    assert readings("normative_docs.in_force", r) == [("active.normative_docs.total_public",)]


def test_a_models_subject_names_a_topic():
    assert topic_of("予以公开") == "granted"
    assert topic_of("因不掌握无法提供") == "unavailable.not_held"
    assert topic_of("行政复议纠正") == "review.corrected"
    assert topic_of("政务新媒体") is None


def test_narrative_sums_flag_parts_that_exceed_their_total():
    text = normalise(
        "全年通过门户网站共计发布 795 条,其中概况类信息 87 条,政务动态类信息 265 条,目录 443 条,公众号 58 条。"
    ).text
    assert list(narrative_sums(text, 0, len(text))) == []
    bad = normalise("共计发布795条，其中概况类信息87条、政务动态类信息365条、目录443条。").text
    [(_, _, total, parts, running)] = narrative_sums(bad, 0, len(bad))
    assert (total, parts, running) == (795, [87, 365, 443], 895)
