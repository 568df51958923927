"""Every number of the prose gets a decision: a claim, not counted (with its class), or
undecided. The sentences are invented, in the forms reports use."""

import pytest

from extractor.prose.claims import find_claims
from extractor.prose.numbers import decide, numerals


def _decisions(text: str) -> list[tuple[str, str | None]]:
    found = [(f.start, f.end, f.value, f.topic) for f in find_claims(text)]
    return [
        (text[d.numeral.start : d.numeral.end], d.reason or d.decision)
        for d in decide(text, [(0, len(text))], found)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本年度共受理政府信息公开申请27件。", [("27", "claim")]),
        ("2030年1月1日至2030年12月31日。", [("2030", "date_time"), ("1", "date_time"),
                                          ("1", "date_time"), ("2030", "date_time"),
                                          ("12", "date_time"), ("31", "date_time")]),
        ("均在15个工作日内答复。", [("15", "date_time")]),
        ("咨询电话：0000-7654321。", [("0000", "identifier"), ("7654321", "identifier")]),
        ("依照《某某办法》（某政〔2031〕7号）执行。", [("2031", "identifier"), ("7", "identifier")]),
        ("按期答复率为98.5%。", [("98.5", "share")]),
        ("收到申请30件，较上年增加5件。", [("30", "claim"), ("5", "change")]),
        ("第三十二条规定", []),  # an article number in Chinese is a word, not a count
        ("组织业务培训3场，参训人员120人次。", [("3", "meetings"), ("120", "people")]),
        ("门户网站发布动态信息356条。", [("356", "posts")]),
        ("受理12345热线工单88件。", [("12345", "hotline"), ("88", "hotline")]),
        ("全区各部门共受理申请300件。", [("300", "other_bodies")]),
        ("牵头起草市政府规章2件。", [("2", "not_ours")]),
        ("政务服务事项办件4100件。", [("4100", "other_things")]),
        ("采购办公设备花费3.2万元。", [("3.2", "money")]),
        ('<td width="46">予以公开</td>', [("46", "identifier")]),
    ],
)
def test_each_number_is_decided_by_what_it_counts(text, expected):
    assert _decisions(text) == expected


def test_a_count_of_the_tables_kind_without_a_settled_subject_is_undecided():
    # 文件 alone is neither 规章 nor 规范性文件: which row, the rules cannot say
    assert _decisions("主动公开部门文件15件。") == [("15", "undecided")]


def test_a_bare_number_after_the_tables_words_is_undecided_and_elsewhere_no_count():
    assert _decisions("历年累计依申请公开数为0。") == [("0", "undecided")]
    assert _decisions("分为5大类。") == [("5", "no_count")]


def test_chinese_numerals_count_only_before_a_measure_word():
    text = "一是进一步统一口径；收到申请十二件，办结两件，实行一次办结。"
    got = [(text[n.start : n.end], n.value, n.unit) for n in numerals(text, 0, len(text))]
    assert got == [("十二", 12, "件"), ("两", 2, "件")]


def test_a_year_inside_a_claim_phrase_is_not_the_claim():
    text = "结转至2031年继续办理4件。"
    assert _decisions(text) == [("2031", "date_time"), ("4", "claim")]


def test_few_numbers_of_the_examples_and_the_corpus_stay_undecided():
    from pathlib import Path

    from extractor.extract import extract_path

    root = Path(__file__).resolve().parent.parent
    paths = sorted((root / "examples").glob("*.txt"))
    paths += sorted((root / "eval" / "fixtures" / "real").glob("*.txt"))
    numbers = undecided = 0
    for path in paths:
        record = extract_path(path)
        numbers += record.prose.numbers
        undecided += len(record.prose.undecided)
        assert record.prose.numbers == record.prose.claims + len(record.prose.undecided) + sum(
            record.prose.not_counted.values()
        )
    assert len(paths) == 16 and numbers > 500
    assert undecided / numbers <= 0.05
