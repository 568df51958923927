"""The section splitter on the heading forms real reports use."""

from __future__ import annotations

import pytest

from extractor.ingest.normalise import normalise
from extractor.ingest.sections import find_sections

HEADINGS = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
]
BODY = "正文内容若干。"


def headings(text: str) -> dict[str, str]:
    text = normalise(text).text
    return {n: text[s.start : s.body].strip() for n, s in find_sections(text).items()}


def test_headings_at_line_starts():
    found = headings("\n".join(f"{h}\n{BODY}" for h in HEADINGS))
    assert found == dict(zip("一二三四五六", HEADINGS, strict=True))


def test_headings_inside_one_long_line():
    found = headings("".join(f"{h}{BODY}" for h in HEADINGS))
    assert list(found) == list("一二三四五六")
    assert found["三"] == "三、收到和处理政府信息公开申请情况"


def test_markdown_headings():
    found = headings("\n".join(f"## **{h}**\n{BODY}" for h in HEADINGS))
    assert found == dict(zip("一二三四五六", HEADINGS, strict=True))


def test_a_heading_numbered_twice():
    text = "\n".join(f"{h}\n{BODY}" for h in HEADINGS).replace("三、收到", "三、三、收到")
    assert headings(text)["三"] == "三、三、收到和处理政府信息公开申请情况"


def test_a_heading_without_its_numeral():
    text = "\n".join(f"{h}\n{BODY}" for h in HEADINGS).replace("三、收到", "收到")
    found = headings(text)
    assert found["三"] == "收到和处理政府信息公开申请情况"
    assert list(found) == list("一二三四五六")


def test_a_missing_heading_leaves_the_others_in_place():
    text = "\n".join(f"{h}\n{BODY}" for h in HEADINGS if not h.startswith("四"))
    assert list(headings(text)) == ["一", "二", "三", "五", "六"]


def test_titles_mentioned_in_prose_and_sub_headings_are_not_headings():
    intro = (
        "本年度报告包括总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，"
        "行政复议和行政诉讼情况，存在的主要问题及改进情况，其他需要报告的事项等六个方面。\n"
    )
    text = (
        intro
        + "一、总体情况\n（一）主动公开政府信息情况\n"
        + BODY
        + "\n"
        + "\n".join(f"{h}\n{BODY}" for h in HEADINGS[1:])
    )
    normal = normalise(text).text
    sections = find_sections(normal)
    assert sections["一"].start == normal.index("一、总体情况")
    assert sections["二"].start == normal.index("二、主动公开政府信息情况")


@pytest.mark.parametrize("sep", ["、", ".", "．", "，"])
def test_numeral_separators(sep):
    text = "\n".join(f"{h.replace('、', sep, 1)}\n{BODY}" for h in HEADINGS)
    assert len(headings(text)) == 6
