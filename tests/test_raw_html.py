"""Raw HTML pages as crawlers store them: site menus and scripts around the report,
attributes with backslash-escaped quotes (HTML kept inside a JSON string), blank cells
written &nbsp;, one logical table split over several <table> elements, the 2019 table 二
as small tables under 第二十条 headings, an amount with its unit glued on."""

from __future__ import annotations

import random
import re

import pytest

from eval.synth import random_cells, render_report
from tests.conftest import read_text

SITE = (
    '<div class=\\"nav\\"><a href=\\"/\\">首页</a><a>政务公开</a><a>2019年度报告</a></div>'
    '<script>var year = "2024"; var n = 12345;</script>'
    "<ul><li>网站地图</li><li>无障碍</li></ul>"
)


def _scraped(page: str) -> str:
    page = page.replace("<body>", "<body>" + SITE)
    page = page.replace("<td>", '<td nowrap=\\"nowrap\\" style=\\"width:8%\\">')
    page = page.replace('<td nowrap=\\"nowrap\\" style=\\"width:8%\\"></td>', "<td>&nbsp;</td>")
    # Table 三 continued in a second <table>; table 二 as one small table per 第二十条 item.
    page = re.sub(
        r"(<tr><td[^>]*>（四）无法提供)", r"</table><p>&nbsp;</p><table>\1", page, count=1
    )
    page = re.sub(
        r"<tr><td[^>]*>(第二十条第（[一二三四五六七八九]）项)</td></tr>",
        r"</table><p>\1</p><table>",
        page,
    )
    return page + '<div class=\\"footer\\">版权所有 示例县人民政府 ICP备12345678号</div>'


def test_a_raw_html_page_reads_every_cell():
    for seed in range(8):
        rng = random.Random(seed)
        fmt = "2019" if seed % 2 else "2021"
        cells = random_cells(rng, fmt, fmt == "2021")
        # Some cells printed blank (&nbsp;).
        blank = [k for k in cells if k.startswith("applications.not_processed")][:7]
        for k in blank:
            cells[k] = None
        units = {"active.procurement.amount": "元"} if fmt == "2019" else {}
        page = render_report(
            cells, fmt=fmt, layout="html", units=units, year=2020 if fmt == "2019" else 2024
        )
        text = _scraped(page)
        assert "&nbsp;" in text and '\\"nowrap\\"' in text and text.count("<table>") >= 3
        record = read_text(text, ".txt")
        assert record.format == fmt
        assert record.cells == cells, seed
        assert record.units == units
        assert not record.ambiguous and not record.unreadable
        assert (record.body, record.year) == ("示例县人民政府", 2020 if fmt == "2019" else 2024)


# --- a page that does not start with its markup --------------------------------------------

PROSE = "本年度共收到政府信息公开申请{new}件，予以公开{granted}件。"


def _page(seed: int) -> tuple[str, dict]:
    """A raw page whose cells carry digit attributes (width, height, colspan) and whose prose
    states two figures about the table."""
    cells = random_cells(random.Random(seed), "2021", True)
    prose = PROSE.format(
        new=cells["applications.new.total"], granted=cells["applications.granted.total"]
    )
    page = render_report(cells, layout="html", prose=prose)
    page = page.replace("<td>", '<td width="164" height="38" colspan="1" style="width:91.3pt">')
    page = page.replace("<p>", '<p style="line-height:28px;margin-left:32px">')
    return page, cells


def _outcome(record):
    return (
        record.body,
        record.year,
        record.format,
        record.cells,
        sorted((f.rule, f.status, tuple(f.cells)) for f in record.findings),
        [(c.claim, c.stated, c.verdict) for c in record.contradictions],
    )


PREFIXES = {
    "provenance line": "# source: an invented crawler, page 4711 of 9000 (kept unmodified)\n\n",
    "BOM and blank lines": "\ufeff\n\n\n",
    "HTTP header block": "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 40961\r\nX-Cache-Hits: 3\r\n\r\n",
    "a log line and a comment": "2025-01-14 10:30:00 fetched 200 in 312 ms\n<!-- saved 5 copies -->\n",
}


@pytest.mark.parametrize("name", sorted(PREFIXES))
def test_a_page_with_lines_before_its_markup_reads_as_the_page(name):
    for seed in range(3):
        page, cells = _page(seed)
        clean = read_text(page, ".html")
        assert clean.cells == cells and clean.year == 2024
        assert not [f for f in clean.findings if f.severity == "error"]
        assert {c.verdict for c in clean.contradictions} == {"consistent"}
        prefixed = read_text(PREFIXES[name] + page, ".txt")
        assert _outcome(prefixed) == _outcome(clean), (name, seed)


def test_a_page_saved_as_its_content_fragment_is_html():
    page, cells = _page(4)
    fragment = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    record = read_text("\n\n" + fragment, ".txt")
    assert record.cells == cells
    assert (record.body, record.year) == ("示例县人民政府", 2024)


def test_no_value_is_taken_from_inside_a_tag_on_the_text_path():
    # Markdown is never sniffed as HTML: tags left among its lines are taken out, and the
    # digits of their attributes are not cells.
    cells = random_cells(random.Random(11), "2021", True)
    text = render_report(cells, layout="tabs")
    tagged = re.sub(
        r"\t(\d+)",
        lambda m: f'\t<span style="font-size:16px;width:164px">{m.group(1)}</span>',
        text,
    )
    tagged = tagged.replace("\n\n", '<br clear="all" width="300">\n\n')
    assert tagged.count("164px") > 100
    plain = read_text(text, ".md")
    record = read_text(tagged, ".md")
    assert record.cells == plain.cells == cells
    assert not [f for f in record.findings if f.severity == "error"]


# --- a page stored as a JavaScript or JSON string -----------------------------------------


def _js_string(page: str) -> str:
    """`page` as the body of a JavaScript string: quotes, slashes and line ends escaped, and
    every character past ASCII as \\uXXXX, as some crawlers store it."""
    escaped = page.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")
    escaped = escaped.replace("</p>", "</p>\n").replace("\n", "\\n")
    return "".join(c if ord(c) < 128 else f"\\u{ord(c):04x}" for c in escaped)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda s: f'let content = "{s}";\n',
        lambda s: '{"id": 90817, "hits": 3321, "content": "' + s + '", "pages": 2}',
        lambda s: f"// saved by an invented crawler\nwindow.__page = {{html: \"{s}\"}};\n",
    ],
    ids=["let", "json", "object"],
)
def test_a_page_stored_as_a_string_literal_reads_as_the_page(wrap):
    page, cells = _page(5)
    page = page.replace('<p style="line-height:28px;margin-left:32px">', '<p style="x">')
    stored = wrap(_js_string(page))
    assert "\\u" in stored and '\\"' in stored and "<\\/td>" in stored
    clean = read_text(page, ".html")
    record = read_text(stored, ".txt")
    assert _outcome(record) == _outcome(clean)
    assert record.cells == cells
    # Evidence points at the escaped original: the snippet of a cell is its digits.
    key = "applications.new.total"
    assert record.evidence[key].snippet == str(cells[key])


def test_a_text_dump_with_a_stray_tag_on_some_lines_keeps_its_lines():
    # One cell per line, as crawler text dumps print tables, with <br> left on a few lines:
    # its line breaks are its structure, so it is not read as HTML (which ignores them).
    cells = random_cells(random.Random(12), "2021", True)
    text = render_report(cells, layout="tabs").replace("\t", "\n")
    lines = text.split("\n")
    for i in range(0, len(lines), 20):
        lines[i] += "<br/>"
    stray = "\n".join(lines)
    assert stray.count("<br/>") >= 8
    assert read_text(stray, ".txt").cells == read_text(text, ".txt").cells == cells


def test_a_quoted_attribute_holding_a_closing_bracket_is_still_inside_its_tag():
    page, cells = _page(6)
    page = page.replace("<td ", '<td title="if a>17 then 3>2" data-x=\'9>8\' ', 40)
    page = page.replace('<p style="line-height:28px;margin-left:32px">', '<p title="3 > 1">', 5)
    assert page.count("a>17") == 40
    record = read_text(page, ".html")
    assert record.cells == cells
    assert not [f for f in record.findings if f.severity == "error"]
    assert all("17" not in c.quote for c in record.claims)


def test_a_page_whose_script_holds_the_content_as_a_string_reads_as_the_page():
    # The page a crawler saved is a frame: the report sits in a script's string literal,
    # escaped, and other scripts hold code with numbers of their own.
    page, cells = _page(7)
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    frame = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>年报</title>"
        "<script>var siteid = 28; var pageSize = 15;</script></head><body>"
        "<div id='content'></div><script type='text/javascript'>\n"
        f'  var content = "{_js_string(body)}";\n'
        "  document.getElementById('content').innerHTML = content;\n</script>"
        "<script>var hits = 3321;</script></body></html>"
    )
    assert "<\\/td>" in frame
    clean = read_text(page, ".html")
    record = read_text(frame, ".html")
    assert record.cells == cells
    assert _outcome(record) == _outcome(clean)
    key = "applications.new.total"
    assert record.evidence[key].snippet == str(cells[key])


def test_scripts_without_page_markup_are_still_dropped():
    page, cells = _page(8)
    noisy = page.replace(
        "</body>", "<script>var rows = '<div class=\"x\">12<\\/div>'; var n = 4411;</script></body>"
    )
    record = read_text(noisy, ".html")
    assert record.cells == cells
    assert "4411" not in read_text(noisy, ".html").model_dump_json()
