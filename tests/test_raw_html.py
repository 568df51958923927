"""Raw HTML pages as crawlers store them: site menus and scripts around the report,
attributes with backslash-escaped quotes (HTML kept inside a JSON string), blank cells
written &nbsp;, one logical table split over several <table> elements, the 2019 table 二
as small tables under 第二十条 headings, an amount with its unit glued on."""

from __future__ import annotations

import random
import re

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
