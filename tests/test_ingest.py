"""Decoding, normalisation and the offset map back to the original text."""

from __future__ import annotations

import io

import pytest

from eval.synth import render_report
from extractor.errors import UnreadableInput
from extractor.ingest.files import decode, parse_document
from extractor.ingest.normalise import normalise
from tests.conftest import read_text
from tests.test_tables import GRANTED_52

CHINESE = "抚远市2024年政府信息公开工作年度报告\n一、总体情况\n全年共处理依申请公开事项6件。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (CHINESE.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + CHINESE.encode("utf-8"), "utf-8-sig"),
        (CHINESE.encode("gbk"), "gb18030"),
        (CHINESE.encode("gb18030"), "gb18030"),
        (b"\xff\xfe" + CHINESE.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + CHINESE.encode("utf-16-be"), "utf-16"),
    ],
)
def test_decodes_the_encodings_government_sites_serve(data, encoding):
    text, used = decode(data)
    assert text == CHINESE
    assert used == encoding


def test_a_gb18030_only_character_survives():
    text = CHINESE + "𠀀"  # outside GBK, inside GB18030
    assert decode(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"", "empty"),
        (b"  \r\n\t \n", "empty"),
        (bytes(range(256)) * 40, "binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200) + b"IHDR" * 50, "binary"),
    ],
)
def test_empty_and_binary_inputs_are_refused_with_a_reason(data, kind):
    with pytest.raises(UnreadableInput) as e:
        decode(data)
    assert e.value.kind == kind


def test_a_text_that_is_not_a_report_is_refused():
    with pytest.raises(UnreadableInput) as e:
        read_text("今天天气很好，我们去公园散步，看到了许多花。\n明天可能下雨。\n" * 5)
    assert e.value.kind == "not_a_report"


def test_normalised_offsets_map_back_to_the_original():
    original = "行政许可\u3000２３,６５３件，&nbsp;见第\u00a03页\r\n- 3 -\r\n规章\t0"
    text = normalise(original)
    assert text.text == "行政许可 23653件,&nbsp;见第 3页\n规章\t0"
    i = text.text.index("23653")
    s, e, snippet = text.snippet(i, i + 5)
    assert snippet == "２３,６５３" and original[s:e] == snippet
    j = text.text.index("规章")
    assert text.snippet(j, j + 2)[2] == "规章"


def test_html_cells_become_tabs_and_entities_are_decoded():
    html = (
        "<html><head><style>td{color:red}</style><script>var x='<td>9</td>';</script></head><body>"
        "<p>一、总体情况</p><table><tr><td><p>规章</p></td><td>&nbsp;0</td><td>1</td>"
        "<td>2</td></tr></table><p>A&amp;B</p></body></html>"
    )
    text = normalise(html, html_input=True)
    assert "\t 规章 \t 0\t1\t2\n" in text.text  # a <p> inside a cell stays in the cell
    assert "A&B" in text.text
    assert "var x" not in text.text and "color" not in text.text
    i = text.text.index("1\t2")
    s, _e, snippet = text.snippet(i, i + 1)
    assert snippet == "1" and html[s - 4 : s] == "<td>"


def test_markdown_artefacts_are_removed():
    text = normalise(
        "## **三、收到和处理政府信息公开申请情况**\n| 规章 | 0 | 1 |\n|---|---|---|\n| 行政强制 | 3 | 4 |"
    )
    assert text.text == "三、收到和处理政府信息公开申请情况\n规章\t0\t1\n行政强制\t3\t4"


def test_website_junk_lines_are_dropped_but_prose_is_kept():
    text = normalise(
        "网站导航\n扫一扫在手机打开当前页\n总访问量达545256次。\nhi!我是智能问答机器人小鹤\n"
    )
    assert text.text == "总访问量达545256次。\n"


@pytest.mark.parametrize("layout", ["tabs", "html"])
def test_gbk_html_and_text_reports_read_alike(layout):
    text = render_report(GRANTED_52, layout=layout)
    suffix = ".html" if layout == "html" else ".txt"
    record = read_text(text, suffix, encoding="gbk")
    assert record.cells == GRANTED_52
    assert record.extraction.encoding == "gb18030"


def test_docx_paragraphs_and_tables_are_read():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("示例县人民政府2024年政府信息公开工作年度报告")
    document.add_paragraph("二、主动公开政府信息情况")
    table = document.add_table(rows=2, cols=4)
    for i, v in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        table.rows[0].cells[i].text = v
    for i, v in enumerate(["规章", "1", "2", "3"]):
        table.rows[1].cells[i].text = v
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = parse_document(buffer.getvalue(), "mem.docx", ".docx")
    assert doc.encoding == "docx"
    assert "规章\t1\t2\t3" in doc.text.text


def test_a_broken_docx_is_refused():
    with pytest.raises(UnreadableInput) as e:
        parse_document(b"PK\x03\x04word/" + bytes(100), "x.docx", ".docx")
    assert e.value.kind == "docx"


def test_a_notice_with_a_year_and_numbers_is_not_a_report():
    notice = (
        "关于做好2017年度会议纪要归档的通知\n各部门：\n请于2017年5月10日前报送纪要12份、"
        "目录3份。\n示例县机关事务中心\n2017年4月20日\n"
    )
    with pytest.raises(UnreadableInput) as e:
        read_text(notice)
    assert e.value.kind == "not_a_report"
    # The title words alone make a report, even one whose tables are lost.
    titled = read_text("示例县机关事务中心2017年政府信息公开工作年度报告\n" + notice)
    assert (titled.format, titled.year) == ("pre2019", 2017)
