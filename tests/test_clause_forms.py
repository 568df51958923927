"""The forms of prose statements the clause reader must follow, whatever the words between.

Every sentence here is invented, in a form reports use; none is copied from a report."""

from __future__ import annotations

import pytest

from extractor.ingest.normalise import normalise
from extractor.prose.align import narrative_sums, readings
from extractor.prose.claims import find_claims
from schemas import Extraction, ReportRecord
from tests.test_tables import zero_cells


def claims(text: str) -> list[tuple[str, int | float]]:
    norm = normalise(text).text
    return [(c.topic, c.value) for c in find_claims(norm)]


# Form 1: the number before its subject or its predicate.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("经清理，7件规范性文件予以废止或宣布失效。", [("normative_docs.repealed", 7)]),
        ("另有23件顺延至下一年度答复。", [("carried_out", 23)]),
        ("另有5件申请转入下年度继续办理。", [("carried_out", 5)]),
        ("结转至2032年办理9件。", [("carried_out", 9)]),
        ("16件申请已按期答复完毕。", [("handled?", 16)]),
        ("3件申请决定予以公开，2件部分公开。", [("granted", 3), ("partial", 2)]),
    ],
)
def test_the_number_before_its_subject_or_predicate(text, expected):
    assert claims(text) == expected


# Form 2: a subject carried from the head clause (其中, 分别, 均), ended by a new subject.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "发生行政诉讼19件，其中结果维持8件、结果纠正1件、其他结果3件、尚未审结7件。",
            [
                ("litigation", 19),
                ("litigation.upheld", 8),
                ("litigation.corrected", 1),
                ("litigation.other", 3),
                ("litigation.pending", 7),
            ],
        ),
        (
            "收到行政复议申请6件，其中维持4件，其他结果2件。",
            [("review", 6), ("review.upheld", 4), ("review.other", 2)],
        ),
        (
            "行政复议4件、行政诉讼2件，分别维持3件和1件。",
            [("review", 4), ("litigation", 2)],
        ),
        (
            "行政诉讼5件，其中维持2件；行政复议3件，其中纠正1件。",
            [
                ("litigation", 5),
                ("litigation.upheld", 2),
                ("review", 3),
                ("review.corrected", 1),
            ],
        ),
    ],
)
def test_a_subject_carried_from_the_head_clause(text, expected):
    assert claims(text) == expected


# Form 3: applicant breakdowns, the new applications' columns unless the clause says otherwise.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "本年新收申请61件，涉及自然人50件、商业企业6件、科研机构1件、法律服务机构4件。",
            [
                ("received", 61),
                ("received@natural", 50),
                ("received@commercial", 6),
                ("received@research", 1),
                ("received@legal", 4),
            ],
        ),
        (
            "其中自然人提出申请35件，法人或其他组织提出申请7件。",
            [("received@natural", 35), ("received@org", 7)],
        ),
        ("社会公益组织申请2件。", [("received@nonprofit", 2)]),
    ],
)
def test_applicant_breakdowns(text, expected):
    assert claims(text) == expected


def test_an_applicant_column_reads_that_column_of_the_new_applications_first():
    record = ReportRecord(
        source="x",
        body=None,
        year=2030,
        format="2021",
        cells=zero_cells("2021"),
        extraction=Extraction(backend="rules"),
    )
    assert readings("received@commercial", record)[0] == ("applications.new.commercial",)
    assert readings("received@org", record)[0] == tuple(
        f"applications.new.{c}" for c in ("commercial", "research", "nonprofit", "legal", "other_org")
    )


# Form 4: the combined categories of the 2019 table.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年新公开行政法规、规章和规范性文件11条。", [("rules+normative_docs.issued", 11)]),
        ("公开行政许可审批件48件。", [("licensing", 48)]),
    ],
)
def test_combined_categories(text, expected):
    assert claims(text) == expected


def test_a_combined_category_reads_both_rows():
    record = ReportRecord(
        source="x",
        body=None,
        year=2020,
        format="2019",
        cells=zero_cells("2019"),
        extraction=Extraction(backend="rules"),
    )
    got = readings("rules+normative_docs.issued", record)
    assert ("active.rules.published", "active.normative_docs.published") in got
    assert ("active.rules.made", "active.normative_docs.made") in got


# Form 5: a total with its parts in brackets that do not add up.
def test_a_bracketed_list_whose_parts_miss_the_total():
    text = normalise(
        "全年共公开政府信息900条（其中组织机构类信息40条，政策文件类信息300条，其他信息500条）。"
    ).text
    got = list(narrative_sums(text, 0, len(text)))
    assert [(total, parts, running) for _, _, total, parts, running in got] == [
        (900, [40, 300, 500], 840)
    ]


def test_a_bracketed_list_whose_parts_add_up_is_no_finding():
    text = normalise("全年共公开政府信息880条（其中机构类信息80条，其他信息800条）。").text
    assert list(narrative_sums(text, 0, len(text))) == []


# Form 6: the subject must be in the number's own clause; other things are never claims.
@pytest.mark.parametrize(
    "text",
    [
        "下发《档案管理办法》等规章制度，全年共发布信息58条。",
        "制定规范性文件管理制度，累计发布动态156条。",
        "举办政务公开培训4期，参训240人次。",
        "召开新闻发布会6场。",
        "办理12345热线工单310件。",
        "受理群众来信12件。",
        "行政复议工作培训2次。",
        "网站访问量达30万次。",
    ],
)
def test_hard_negatives(text):
    assert claims(text) == []


# Outcome words as reports vary them: a negation is never the positive outcome.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("不同意公开3件，同意公开8件。", [("denied", 3), ("granted", 8)]),
        ("部分同意公开2件。", [("partial", 2)]),
        ("属于非本机关掌握的信息4件。", [("unavailable.not_held", 4)]),
        ("不属于本机关掌握范围的申请5件。", [("unavailable.not_held", 5)]),
        ("申请人逾期不补正2件。", [("other.overdue_correction", 2)]),
        ("申请人逾期未缴纳费用1件。", [("other.overdue_fee", 1)]),
        ("政府集中采购项目12个。", [("procurement.items", 12)]),
    ],
)
def test_outcome_words_and_their_negations(text, expected):
    assert claims(text) == expected


# A difference from another year is not a count of this year's table.
@pytest.mark.parametrize(
    "text",
    [
        "较上年增加5件。",
        "比去年同期减少12件。",
        "同比下降3件。",
    ],
)
def test_a_change_from_another_year_is_no_claim(text):
    assert claims(text) == []


# Who decided, named instead of the case: 复议机关, 法院; 驳回 is the suit's upheld outcome.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("复议机关决定维持原答复3件。", [("review.upheld", 3)]),
        ("法院判决驳回原告诉讼请求2件。", [("litigation.upheld", 2)]),
        ("经复议，撤销原答复1件。", [("review.corrected", 1)]),
    ],
)
def test_the_deciding_body_names_the_case(text, expected):
    assert claims(text) == expected


# The applicant, then what it submitted; the application's paper and a 2019 column.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("申请人中，公民提出27件，企业提出3件。", [("received@natural", 27), ("received@commercial", 3)]),
        ("全年共接收信息公开申请书14份。", [("received", 14)]),
        ("依申请公开办件量9件。", [("applications", 9)]),
        ("对外公开规范性文件总数71件。", [("normative_docs.in_force", 71)]),
    ],
)
def test_applicants_papers_and_totals(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an outcome with its object named after the verb
        ("行政复议案件中，维持原具体行政行为4件，确认违法1件。", [("review.upheld", 4), ("review.corrected", 1)]),
        # carried into this year is carried in
        ("2031年结转至本年度的申请有6件。", [("carried_in", 6)]),
        # 部 counts rules
        ("本年度制定政府规章2部。", [("rules.issued", 2)]),
        # valid or invalid applications are a part of the whole
        ("有效申请30件，无效申请4件。", [("applications?", 30), ("applications?", 4)]),
        # the number before its object and the decision made on it
        ("对5件申请作出不予公开决定，对1件申请作出无法提供的答复。", [("denied", 5), ("unavailable", 1)]),
    ],
)
def test_objects_decisions_and_measure_words(text, expected):
    assert claims(text) == expected


def test_a_department_count_is_not_a_count_of_rules():
    assert claims("联合三部门印发规章。") == []


@pytest.mark.parametrize(
    "text",
    [
        "修订完善规章制度5项，印发8件。",
        "本年度新制定规章制度3项，废止2项。",
    ],
)
def test_internal_rules_and_regulations_are_not_the_rules_row(text):
    # 规章制度: a body's own rules and regulations, not the 规章 of table 二
    assert claims(text) == []


# One outcome for every application counted, said with 均/全部 and no number of its own.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年度收到政府信息公开申请3件，均予以公开。", [("granted", 3), ("received", 3)]),
        # timeliness is no outcome: 全部按期答复 may cover what was carried in too
        ("共受理申请5件，全部按期答复。", [("received", 5)]),
        ("收到申请2件，均不予公开。", [("denied", 2), ("received", 2)]),
        # a count of some of the applications says nothing of the others
        ("网上申请3件，均予以公开。", [("applications?", 3)]),
        # another number in the sentence: the outcome is not said of them all
        ("收到申请4件，均已办结，其中予以公开3件。", [("received", 4), ("granted", 3)]),
    ],
)
def test_one_outcome_for_every_application_counted(text, expected):
    assert claims(text) == expected
