"""Prose figures: which phrases are claims, and how each is judged against the table."""

from __future__ import annotations

import pytest

from extractor.ingest.normalise import normalise
from extractor.prose.align import assess, check_claims, judge, narrative_sums, readings
from extractor.prose.claims import PART, find_claims, topic_of
from schemas import Ambiguity, Claim, Extraction, ReportRecord, Unreadable
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


# Each form a real report states a figure in, written afresh: (form, text, expected).
FORMS = [
    ("subject then number", "本年度共收到政府信息公开申请47件。", [("received", 47)]),
    ("number then subject", "全年共收到64件信息公开申请。", [("received", 64)]),
    (
        "subject far from its number",
        "本机关受理来自自然人、企业和社会组织的政府信息公开申请共计88件。",
        [("received", 88)],
    ),
    (
        "共计/合计 before the number",
        "合计新收依申请公开申请12件，答复合计12件。",
        [("received", 12), ("handled", 12)],
    ),
    ("carried over, number first", "另有5件结转下一年度继续办理。", [("carried_out", 5)]),
    ("carried over from last year", "从上年度结转申请3件。", [("carried_in", 3)]),
    (
        "action alone takes the sentence's object",
        "共受理申请40件，办结39件。",
        [("received", 40), ("handled", 39)],
    ),
    (
        "documents: action alone",
        "本年制发行政规范性文件6件，废止2件，现行有效58件。",
        [
            ("normative_docs.issued", 6),
            ("normative_docs.repealed", 2),
            ("normative_docs.in_force", 58),
        ],
    ),
    (
        "documents: number before them",
        "本年出台的9个行政规范性文件均按规定公开。",
        [("normative_docs.issued", 9)],
    ),
    ("规章", "本年制定规章1件。", [("rules.issued", 1)]),
    (
        "outcomes listed with percentages",
        "其中予以公开20件，占50%；部分公开8件，占20%；不予公开4件。",
        [("granted", 20), ("partial", 8), ("denied", 4)],
    ),
    (
        "outcomes joined by 、",
        "同意公开7件、部分公开2件、无法提供3件、不予处理1件、其他处理1件。",
        [
            ("granted", 7),
            ("partial", 2),
            ("unavailable", 3),
            ("not_processed", 1),
            ("other_processing", 1),
        ],
    ),
    (
        "a reason before its category",
        "因涉及第三方合法权益不予公开2件，属于国家秘密1件。",
        [("denied.third_party", 2), ("denied.state_secret", 1)],
    ),
    ("the rest of the outcomes", "不予公开等其他情形12件。", [("denied+", 12)]),
    (
        "Chinese numerals",
        "收到申请十五件，予以公开两件，无法提供一百〇二件。",
        [("received", 15), ("granted", 2), ("unavailable", 102)],
    ),
    ("起/宗 for cases", "发生行政复议一起，行政诉讼两宗。", [("review", 1), ("litigation", 2)]),
    (
        "份 and 条 for applications",
        "收到3份书面申请，全年收到政府信息公开申请9条。",
        [("received", 3), ("received", 9)],
    ),
    (
        "review outcomes",
        "行政复议维持原行为2件，复议后起诉1件，直接起诉3件。",
        [("review.upheld", 2), ("litigation.after_review", 1), ("litigation.direct", 3)],
    ),
    (
        "decisions",
        "全年作出行政许可办件1024件、行政处罚决定215件、行政强制措施9件。",
        [("licensing", 1024), ("penalty", 215), ("coercion", 9)],
    ),
    ("fees in 万元", "收取行政事业性收费共计3.5万元。", [("fees", 3.5)]),
    (
        "review outcomes after their case",
        "共办理行政复议案件2件，其中维持1件，纠正1件。",
        [("review", 2), ("review.upheld", 1), ("review.corrected", 1)],
    ),
    (
        "a lawsuit outcome is the suits' outcome, over both groups",
        "发生行政诉讼2件，其中维持2件。",
        [("litigation", 2), ("litigation.upheld", 2)],
    ),
    ("carried into a named year", "另有3件结转至2025年继续办理。", [("carried_out", 3)]),
    ("转入下年度", "已按期办结17件，1件转入下年度办理。", [("carried_out", 1)]),
    (
        "reasons with 的",
        "本机关不掌握相关政府信息的9件，没有现成信息需要另行制作的1件。",
        [("unavailable.not_held", 9), ("unavailable.needs_creation", 1)],
    ),
    ("an application count without a verb", "全年依申请公开16件。", [("applications", 16)]),
    (
        "the table's own row name",
        "上年结转2件，本年新收56件。",
        [("carried_in", 2), ("received", 56)],
    ),
    (
        "carried over, 办理 inside the subject",
        "结转至下一年度办理的申请3件。",
        [("carried_out", 3)],
    ),
    ("纠错 for a corrected review", "行政复议纠错1件。", [("review.corrected", 1)]),
    (
        "one outcome named for every review case",
        "因政府信息公开引起行政复议2件，上级政府维持本机关作出的具体行政行为。",
        [("review", 2), ("review.upheld", 2)],
    ),
    ("an outcome still pending is none", "被申请行政复议2件，尚未审结。", [("review", 2)]),
    ("an outcome denied is none", "被申请行政复议1件，复议机关未维持原行为。", [("review", 1)]),
    (
        "an outcome with its own number",
        "被申请行政复议2件，其中维持1件。",
        [("review", 2), ("review.upheld", 1)],
    ),
    ("答复 between subject and number", "依法作出不予公开答复4件。", [("denied", 4)]),
    (
        "信息不存在 for information not held",
        "同意公开8件，信息不存在2件。",
        [("granted", 8), ("unavailable.not_held", 2)],
    ),
    (
        "numbers split across lines",
        "共受理政府信息公开申请\n27\n件，办结\n26\n件。",
        [("received", 27), ("handled", 26)],
    ),
]


@pytest.mark.parametrize(("form", "text", "expected"), FORMS, ids=[f[0] for f in FORMS])
def test_each_phrasing_form_states_its_figures(form, text, expected):
    assert claims(text) == expected


# Counts that are not about the tables, each in the phrasing reports use for it.
HARD_NEGATIVES = [
    ("website posts", "通过门户网站主动公开政府信息1520条，其中政策文件86条。"),
    ("new-media posts", "政务微博发布信息326条，微信公众号推送信息1200条。"),
    ("hotline tickets", "受理12345热线工单530件，办结率98%。"),
    ("hotline tickets, no number word", "热线平台受理群众诉求65件，均已办结。"),
    ("suggestions and proposals", "办理人大代表建议和政协提案31件。"),
    ("mailbox letters", "答复局长信箱来信44件。"),
    ("meetings", "召开政务公开工作会议3次，组织行政复议业务培训2次。"),
    ("people", "参加培训人员120人次，接待来访群众35人。"),
    ("percentages", "依申请公开按期答复率100%，予以公开占比40%。"),
    ("dates", "2024年3月15日，本机关于15个工作日内答复。"),
    ("phone numbers", "咨询电话：0591-87654321，传真0591-87654322。"),
    ("article numbers", "依据《条例》第十四条、第三十六条作出答复。"),
    ("document numbers", "按照〔2021〕30号文件要求，印发通知〔2023〕5号。"),
    ("approximations", "全年更新各类规范性文件20余件，约30件申请涉及征收。"),
    ("services", "全年办理政务服务事项8800件。"),
    ("a power list", "梳理权责事项96项，其中行政许可12项、行政处罚70项。"),
    ("drafting for another body", "牵头起草市政府规章1件、市政府规范性文件2件。"),
    ("slogans", "推进一件事一次办，实行一次性告知。"),
    ("posts about decisions", "公开行政许可和行政处罚等行政权力运行类信息47条。"),
    ("applications for a licence", "受理行政许可申请2350件。"),
    ("withdrawn applications", "其中申请人撤回申请2件。"),
    ("other bodies' share of a region", "市级各部门共受理申请120件，各县区受理申请80件。"),
]


@pytest.mark.parametrize(("kind", "text"), HARD_NEGATIVES, ids=[k for k, _ in HARD_NEGATIVES])
def test_counts_of_other_things_are_not_claims(kind, text):
    assert claims(text) == []


def test_a_heading_is_not_the_subject_of_the_next_sentence():
    assert claims("（三）不予公开情况\n全年收到申请5件。") == [("received", 5)]


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


def test_an_ambiguous_cell_is_tried_with_every_candidate():
    r = record(**{"active__normative_docs__issued": None})
    r.ambiguous["active.normative_docs.issued"] = Ambiguity(reason="粘连", candidates=[1, 11])
    verdict, cells, table, tried, doubt = assess("normative_docs.issued", 11, r)
    assert (verdict, cells, table, doubt) == (
        "consistent",
        ("active.normative_docs.issued",),
        11,
        None,
    )
    assert tried[0].candidates == {"active.normative_docs.issued": [1, 11]}
    assert tried[0].result == "fits"
    # No candidate fits: whichever reading is right, the prose disagrees with it.
    verdict, _, table, tried, _ = assess("normative_docs.issued", 3, r)
    assert (verdict, table, tried[0].result) == ("contradiction", None, "differs")


def test_a_claim_on_an_unreadable_cell_is_a_reading_doubt_never_a_contradiction():
    r = record(applications__granted__total=None)
    r.unreadable[APP("granted")] = Unreadable(reason="行标签后没有数字")
    verdict, cells, table, tried, doubt = assess("granted", 99, r)
    assert (verdict, cells, table) == ("unclear", (APP("granted"),), None)
    assert tried[0].result == "not_checkable"
    assert doubt == "予以公开/总计 未能读取"


def test_a_reading_open_only_by_our_doubt_keeps_a_figure_from_being_a_contradiction():
    # 收到 may mean new + carried over; with 上年结转 unreadable that reading cannot be excluded.
    r = record(
        applications__new__total=10,
        applications__carried_in__total=None,
        applications__total__total=10,
    )
    r.unreadable[APP("carried_in")] = Unreadable(reason="行标签后没有数字")
    verdict, _, _, tried, doubt = assess("received", 12, r)
    assert verdict == "unclear"
    assert [t.result for t in tried] == ["differs", "not_checkable", "differs"]
    assert doubt == "上年结转/总计 未能读取"
    assert judge("received", 10, r)[0] == "consistent"


def test_a_blank_the_report_printed_beside_printed_cells_does_not_save_a_figure():
    # 上年结转 printed blank: for 12 to be new + carried over the report would have left
    # blank the 2 it needs, and every reading it prints says 10. The blank reading is shown.
    r = record(
        applications__new__total=10,
        applications__carried_in__total=None,
        applications__total__total=10,
    )
    verdict, cells, table, tried, doubt = assess("received", 12, r)
    assert (verdict, cells, table, doubt) == ("contradiction", (APP("new"),), 10, None)
    assert [t.result for t in tried] == ["differs", "not_checkable", "differs"]
    assert tried[1].values == [10, None]
    assert judge("received", 10, r)[0] == "consistent"
    # A figure about the blank cell alone is still not checkable.
    assert judge("carried_in", 2, r)[0] == "unclear"
    # A reading every one of whose cells is blank leaves the figure open.
    r2 = record(applications__new__total=10, applications__total__total=None)
    r2.cells[APP("carried_in")] = None
    assert assess("handled", 12, r2)[0] == "unclear"


def test_every_reading_tried_is_reported_with_the_contradiction():
    r = record(
        applications__new__total=10,
        applications__carried_in__total=2,
        applications__total__total=11,
        applications__carried_out__total=1,
    )
    r.claims = [
        Claim(
            quote="收到申请13件",
            value=13,
            topic="received",
            subject="收到申请",
            start=0,
            end=7,
            read_by="rules",
        )
    ]
    [c], [finding] = check_claims(r)
    assert c.verdict == "contradiction" and c.read_by == "rules"
    assert [t.cells for t in c.readings] == [
        [APP("new")],
        [APP("new"), APP("carried_in")],
        [APP("total")],
    ]
    assert [t.values for t in c.readings] == [[10], [10, 2], [11]]
    assert finding.message == (
        "正文「收到申请13件」说 13，表格 本年新收/总计 = 10"
        "（另试 本年新收/总计 + 上年结转/总计 = 10 + 2 = 12；总计/总计 = 11）"
    )


def test_the_rest_of_the_outcomes_and_a_reason_with_its_category():
    r = record(
        applications__granted__total=5,
        **{
            "applications__denied.third_party__total": 2,
            "applications__denied.process__total": 1,
            "applications__unavailable.not_held__total": 4,
            "applications__other.other__total": 1,
        },
    )
    assert judge("denied+", 8, r)[0] == "consistent"  # 2 + 1 + 4 + 1
    assert judge("denied+", 3, r)[0] == "consistent"  # 不予公开 alone
    assert judge("denied+", 9, r)[0] == "contradiction"
    assert judge("denied.third_party", 2, r)[0] == "consistent"
    assert judge("denied.third_party", 3, r)[0] == "consistent"  # the whole category
    assert judge("denied.third_party", 4, r)[0] == "contradiction"
    assert judge("applications", 0, r)[0] == "consistent"


def test_narrative_sums_in_a_parenthesis_or_after_a_colon():
    bad = normalise("共受理申请30件（予以公开13件、部分公开2件、不予公开20件）。").text
    [(_, _, total, parts, running)] = narrative_sums(bad, 0, len(bad))
    assert (total, parts, running) == (30, [13, 2, 20], 35)
    good = normalise("共受理申请30件（予以公开13件、部分公开2件、不予公开15件），另有2件。").text
    assert list(narrative_sums(good, 0, len(good))) == []
    colon = normalise("合计办理41件：予以公开30件，无法提供12件。").text
    assert [t[2:] for t in narrative_sums(colon, 0, len(colon))] == [(41, [30, 12], 42)]
    aside = normalise("共受理申请30件（含上年结转2件）。").text
    assert list(narrative_sums(aside, 0, len(aside))) == []


def test_a_part_of_the_applications_can_agree_with_the_table_but_not_contradict_it():
    assert claims("共答复申请52件，其中按期答复50件；网上申请11件，信函申请2件。") == [
        ("handled", 52),
        ("handled?", 50),
        ("applications?", 11),
        ("applications?", 2),
    ]
    r = record(applications__new__total=52, applications__total__total=52)
    assert judge("handled?", 50, r)[0] == "unclear"
    assert judge("handled?", 52, r)[0] == "consistent"


def test_a_count_of_one_kind_of_applicant_is_read_in_its_column():
    assert claims("收到自然人提出的申请13件，法人申请2件。") == [
        ("received@natural", 13),
        ("received@org", 2),  # an applicant's count is of the new applications first
    ]
    r = record(
        applications__new__natural=13,
        applications__new__legal=2,
        applications__new__total=15,
        applications__total__natural=13,
        applications__total__legal=2,
        applications__total__total=15,
    )
    assert judge("received@natural", 13, r)[:2] == (
        "consistent",
        (APP("new").replace("total", "natural"),),
    )
    assert judge("applications@org", 2, r)[0] == "consistent"
    assert judge("received@natural", 15, r)[0] == "consistent"  # all may be natural persons
    assert judge("received@natural", 14, r)[0] == "contradiction"


def test_documents_counted_without_an_action_can_agree_but_not_contradict():
    assert claims("主动公开政府信息2345条，其中规范性文件12件。") == [("normative_docs", 12)]
    r = record(active__normative_docs__issued=12, active__normative_docs__in_force=40)
    assert judge("normative_docs", 40, r)[0] == "consistent"
    assert judge("normative_docs", 13, r)[0] == "unclear"
    assert judge("normative_docs.issued", 13, r)[0] == "contradiction"


def test_a_blank_beside_printed_cells_neither_hides_a_figure_below_nor_above():
    # 本年新收 1, 上年结转 printed blank: "受理" may mean new or new + carried over. 0 is
    # below both whatever the blank holds (counts are never negative).
    cells = zero_cells(
        **{
            "applications__new__natural": 1,
            "applications__new__total": 1,
            "applications__total__natural": 1,
            "applications__total__total": 1,
            "applications__granted__natural": 1,
            "applications__granted__total": 1,
        }
    )
    for c in ("natural", "commercial", "research", "nonprofit", "legal", "other_org", "total"):
        cells[f"applications.carried_in.{c}"] = None
    record = ReportRecord(
        source="x",
        body=None,
        year=2024,
        format="2021",
        cells=cells,
        extraction=Extraction(backend="rules"),
    )
    assert assess("received", 0, record)[0] == "contradiction"
    # 3 could be 1 + 2 only if the blank hid a 2: every printed reading says 1.
    verdict, _, _, tried, doubt = assess("received", 3, record)
    assert verdict == "contradiction" and doubt is None
    assert [t.result for t in tried] == ["differs", "not_checkable", "differs"]
    # 受理2件 of which the reading by channel is a part: never more than the printed whole.
    assert assess("received" + PART, 1, record)[0] == "consistent"
    assert assess("received" + PART, 3, record)[0] == "contradiction"


def test_litigation_may_mean_both_kinds_of_suit_or_the_direct_ones_alone():
    cells = zero_cells(**{"litigation__direct__total": 7, "litigation__direct__upheld": 7})
    cells["litigation.after_review.total"] = 1
    cells["litigation.after_review.pending"] = 1
    record = ReportRecord(
        source="x", body=None, year=2024, format="2021", cells=cells,
        extraction=Extraction(backend="rules"),
    )  # fmt: skip
    assert assess("litigation", 8, record)[0] == "consistent"
    assert assess("litigation", 7, record)[0] == "consistent"
    assert assess("litigation", 9, record)[0] == "contradiction"


def test_a_count_of_some_applications_contradicts_only_when_it_exceeds_the_whole():
    # 以信函形式提出的申请N件: any part of the 2 received, never more than all of them.
    cells = zero_cells(**{"applications__new__natural": 2, "applications__new__total": 2})
    for row in ("granted", "total"):
        cells[f"applications.{row}.natural"] = 2
        cells[f"applications.{row}.total"] = 2
    record = ReportRecord(
        source="x", body=None, year=2024, format="2021", cells=cells,
        extraction=Extraction(backend="rules"),
    )  # fmt: skip
    part = "received" + PART
    assert assess(part, 1, record)[0] == "unclear"
    assert assess(part, 2, record)[0] == "consistent"
    assert assess(part, 12, record)[0] == "contradiction"


@pytest.mark.parametrize(
    "text, values",
    [
        ("收到申请12件", [12]),
        ("金额3.5万元", [3.5]),
        ("收到十二件", [12]),
        ("编号.5件", []),  # a fraction with its integer part cut off is no count
        ("三12件", [12]),
        ("2023年12件，", [12]),
        ("共12 件", [12]),
    ],
)
def test_a_number_starts_at_its_first_digit_or_numeral(text, values):
    from extractor.prose.claims import _candidates

    assert [c.value for c in _candidates(text, 0, len(text))] == values


def _shares(prose: str, **cells) -> list[tuple[str, float, str]]:
    from eval.synth import render_report
    from tests.conftest import read_text

    values = zero_cells(**cells)
    text = render_report(values, prose=prose)
    record = read_text(text)
    return [(c.claim, c.stated, c.verdict) for c in record.contradictions if c.claim.endswith("%")]


# 3 applications handled (2 granted, 1 partial), 3 received.
_THREE = {
    "applications__new__natural": 3,
    "applications__new__total": 3,
    "applications__granted__natural": 2,
    "applications__granted__total": 2,
    "applications__partial__natural": 1,
    "applications__partial__total": 1,
    "applications__total__natural": 3,
    "applications__total__total": 3,
}


@pytest.mark.parametrize(
    "prose, expected",
    [
        ("予以公开2件，占66.7%。", [("granted%", 66.7, "consistent")]),
        ("予以公开2件，占66.6%。", [("granted%", 66.6, "consistent")]),  # cut, not rounded
        ("予以公开2件（67%）。", [("granted%", 67.0, "consistent")]),
        ("予以公开2件，占办结总数的66.67%。", [("granted%", 66.67, "consistent")]),
        ("部分公开1件，占比33.3%。", [("partial%", 33.3, "consistent")]),
        ("予以公开2件，占60%。", [("granted%", 60.0, "contradiction")]),
        ("部分公开1件（50%）。", [("partial%", 50.0, "contradiction")]),
    ],
)
def test_a_share_stated_with_a_count_is_checked_against_the_count(prose, expected):
    assert _shares(prose, **_THREE) == expected


def test_a_share_is_not_checked_when_its_count_is_wrong_or_apart_from_it():
    # The count's own contradiction is the finding; a rate on its own is not a count's share.
    assert _shares("予以公开5件，占60%。", **_THREE) == []
    assert _shares("予以公开2件，按期答复率100%。", **_THREE) == []
