"""Body and year: from the title, or wherever the head or the signature of a report says them."""

from __future__ import annotations

import pytest

from extractor.ingest.metadata import title

BODY = "示例市交通运输局"
REST = "\n一、总体情况\n2024年，本局推进政务公开。\n二、主动公开政府信息情况\n"
SIGNED = "\n六、其他需要报告的事项\n无。\n示例市交通运输局\n2025年1月20日\n"


@pytest.mark.parametrize(
    "head",
    [
        "示例市交通运输局2024年政府信息公开工作年度报告",
        "示例市交通运输局关于2024年度政府信息公开工作年度报告",
        "2024年度示例市交通运输局政府信息公开工作年度报告",
        "示例市交通运输局二〇二四年政府信息公开工作年度报告",
        "标题：2024年政府信息公开工作年度报告\n发布机构：示例市交通运输局\n发布日期：2025-01-20",
        "索引号：113503000123\n发文机关：示例市交通运输局\n2024年政府信息公开工作年度报告",
        "示例市交通运输局\n2024年政府信息公开工作年度报告",
    ],
)
def test_the_body_is_read_wherever_the_head_prints_it(head):
    assert title(head + REST) == (BODY, 2024)


def test_a_title_without_the_body_takes_it_from_the_signature():
    assert title("2024年政府信息公开工作年度报告" + REST + SIGNED) == (BODY, 2024)


def test_no_body_is_invented_where_none_is_printed():
    assert title("2024年政府信息公开工作年度报告" + REST) == (None, 2024)
