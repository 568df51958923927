"""PDF versions of reports, for the PDF reader's tests and benchmark.

Each example report is laid out again as a printed report would be: its title and prose as
paragraphs, and its tables drawn in the national layout from its gold labels (values that
a separate reader transcribed by hand), with labels that wrap over several lines in a narrow
column, the side heading 三、本年度办理结果 set vertically, and table 三 long enough to break
across pages. Chromium prints the HTML to PDF (`--headless --print-to-pdf`), as a browser or
an office suite would. Nothing here reads a PDF: what the reader makes of these files is
compared with the gold labels they were drawn from.

    python -m eval.pdfgen OUT_DIR [--unruled]   # write one PDF per example
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path

from schemas import keys as K

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOLD = ROOT / "eval" / "fixtures" / "seeds"

_HEADINGS = {
    "一": "总体情况",
    "二": "主动公开政府信息",
    "三": "收到和处理",
    "四": "政府信息公开行政复议",
    "五": "存在的主要问题",
    "六": "其他需要报告",
}
_MARKUP = re.compile(r"\[bookmark:[^\]]*\]|\*\*|^#+\s*")

CSS = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", sans-serif; font-size: 11pt; }
h1 { font-size: 17pt; text-align: center; }
h2 { font-size: 13pt; margin: 14pt 0 6pt; }
p { text-indent: 2em; line-height: 1.5; margin: 0 0 4pt; text-align: justify; }
table { border-collapse: collapse; width: 100%; margin: 6pt 0 10pt; font-size: 9.5pt; }
td, th { border: 0.8pt solid #000; padding: 2pt 3pt; text-align: center; font-weight: normal; }
td.label { text-align: left; width: 34%; }
td.side { writing-mode: vertical-rl; width: 1.6em; }
td.group { text-align: left; width: 4.5em; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
table.unruled td, table.unruled th { border: none; }
"""


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _td(text: str, cls: str = "", colspan: int = 1, rowspan: int = 1) -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' colspan="{colspan}"' if colspan > 1 else ""
    attrs += f' rowspan="{rowspan}"' if rowspan > 1 else ""
    return f"<td{attrs}>{html.escape(text)}</td>"


def active_table(cells: dict, fmt: str) -> str:
    """Table 二 in the layout of `fmt`: one item of 第二十条 after another."""
    if fmt == "2021":
        groups = [
            (
                "（一）",
                ("本年制发件数", "本年废止件数", "现行有效件数"),
                ("rules", "normative_docs"),
            ),
            ("（五）", ("本年处理决定数量",), ("licensing",)),
            ("（六）", ("本年处理决定数量",), ("penalty", "coercion")),
            ("（八）", ("本年收费金额（单位：万元）",), ("fees",)),
        ]
    else:
        three = ("上一年项目数量", "本年增/减", "处理决定数量")
        groups = [
            (
                "（一）",
                ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
                ("rules", "normative_docs"),
            ),
            ("（五）", three, ("licensing", "other_services")),
            ("（六）", three, ("penalty", "coercion")),
            ("（八）", ("上一年项目数量", "本年增/减"), ("fees",)),
            ("（九）", ("采购项目数量", "采购总金额"), ("procurement",)),
        ]
    cols = dict(K.ACTIVE_ROWS[fmt])
    rows = []
    for item, heads, names in groups:
        rows.append("<tr>" + _td(f"第二十条第{item}项", colspan=4) + "</tr>")
        span = 3 // len(heads) if 3 % len(heads) == 0 else 1
        head = [_td("信息内容")] + [_td(h, colspan=span) for h in heads]
        if len(heads) == 2:
            head[-1] = _td(heads[-1], colspan=2)
        rows.append("<tr>" + "".join(head) + "</tr>")
        for name in names:
            values = []
            for c in cols[name]:
                key = f"active.{name}.{c}"
                v = _cell(cells.get(key))
                if v and key in K.UNIT_KEYS and cells.get("__units__", {}).get(key):
                    v += cells["__units__"][key]
                values.append(v)
            tds = [_td(K.active_row_name(name, fmt))]
            if len(values) == 3:
                tds += [_td(v) for v in values]
            elif len(values) == 2:
                tds += [_td(values[0]), _td(values[1], colspan=2)]
            else:
                tds.append(_td(values[0], colspan=3))
            rows.append("<tr>" + "".join(tds) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"


_GROUPS = {
    "denied": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}


def applications_table(cells: dict, split: bool) -> str:
    """Table 三 as the national format draws it: side heading, grouped sub-rows."""
    columns = K.APPLICANT_COLUMNS
    head = (
        "<thead><tr>"
        + _td(
            "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
            colspan=3,
            rowspan=3,
        )
        + _td("申请人情况", colspan=7)
        + "</tr><tr>"
        + _td("自然人", rowspan=2)
        + _td("法人或其他组织", colspan=5)
        + _td("总计", rowspan=2)
        + "</tr><tr>"
        + "".join(_td(h) for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"))
        + "</tr></thead>"
    )
    rows = K.application_rows(split)
    outcomes = K.outcome_rows(split)
    body = []
    for row in rows:
        label = K.PRINTED_ROW_LABELS[row]
        values = "".join(_td(_cell(cells.get(K.application_key(row, c)))) for c in columns)
        tds = ""
        if row in ("new", "carried_in", "carried_out"):
            tds = _td(label, "label", colspan=3)
        else:
            if row == outcomes[0]:
                tds += _td("三、本年度办理结果", "side", rowspan=len(outcomes) + 1)
            group = row.split(".")[0]
            if "." in row and (group != "other" or split):
                members = [r for r in rows if r.startswith(group + ".")]
                if row == members[0]:
                    tds += _td(_GROUPS[group], "group", rowspan=len(members))
                tds += _td(label, "label")
            else:
                tds += _td(label, "label", colspan=2)
        body.append(f"<tr>{tds}{values}</tr>")
    return "<table>" + head + "<tbody>" + "".join(body) + "</tbody></table>"


def review_table(cells: dict) -> str:
    """Table 四: two header rows over fifteen values."""
    outcomes = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    head = (
        "<tr>"
        + _td("行政复议", colspan=5)
        + _td("行政诉讼", colspan=10)
        + "</tr><tr>"
        + "".join(_td(o, rowspan=2) for o in outcomes)
        + _td("未经复议直接起诉", colspan=5)
        + _td("复议后起诉", colspan=5)
        + "</tr><tr>"
        + "".join(_td(o) for o in outcomes * 2)
        + "</tr>"
    )
    values = "".join(_td(_cell(cells.get(k))) for k in K.REVIEW_KEYS)
    return f"<table>{head}<tr>{values}</tr></table>"


def _sections(text: str) -> tuple[list[str], dict[str, tuple[str, list[str]]]]:
    """The title lines and, per section numeral, its heading and prose lines."""
    lines = [_MARKUP.sub("", line).strip() for line in text.splitlines()]
    title: list[str] = []
    sections: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in lines:
        m = re.search(r"([一二三四五六])、(" + "|".join(_HEADINGS.values()) + ")", line)
        if (
            m
            and m.start() < 4
            and _HEADINGS[m.group(1)] == m.group(2)
            and m.group(1) not in sections
        ):
            current = m.group(1)
            sections[current] = (line[m.start() :], [])
        elif current is None:
            if line:
                title.append(line)
        elif line:
            sections[current][1].append(line)
    return title, sections


def report_html(text: str, gold: dict, ruled: bool = True) -> str:
    """The report `text` laid out for print, its tables drawn from `gold`."""
    cells = dict(gold["cells"])
    cells["__units__"] = gold.get("units", {})
    split = any(".overdue_" in k for k in cells)
    title, sections = _sections(text)
    # A title wrapped over lines in the source is one heading in print; the lines of
    # introduction after it are prose.
    heading = [t for t in title if "报告" in t or "年" in t][:2]
    rest = [t for t in title if t not in heading]
    parts = [f"<h1>{html.escape(''.join(heading))}</h1>"]
    parts += [f"<p>{html.escape(p)}</p>" for p in rest]
    tables = {
        "二": active_table(cells, gold["format"]),
        "三": applications_table(cells, split),
        "四": review_table(cells),
    }
    for numeral in "一二三四五六":
        if numeral not in sections and numeral not in tables:
            continue
        head, prose = sections.get(numeral, (f"{numeral}、{_HEADINGS[numeral]}", []))
        parts.append(f"<h2>{html.escape(head)}</h2>")
        if numeral in tables:
            table = tables[numeral]
            parts.append(table if ruled else table.replace("<table>", '<table class="unruled">'))
        else:
            parts += [f"<p>{html.escape(p)}</p>" for p in prose]
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>'
        + CSS
        + "</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdfs(pages: dict[str, str], out: Path) -> dict[str, Path]:
    """Print each named HTML page to OUT/name.pdf with headless Chromium."""
    browser = chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (scripts/install-browser)")
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, page in pages.items():
            src = Path(tmp) / f"{name}.html"
            src.write_text(page, encoding="utf-8")
            pdf = out / f"{name}.pdf"
            subprocess.run(
                [
                    browser,
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-pdf-header-footer",
                    f"--user-data-dir={tmp}/profile",
                    f"--print-to-pdf={pdf}",
                    src.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )
            written[name] = pdf
    return written


def example_pages(ruled: bool = True, names: Iterable[str] | None = None) -> dict[str, str]:
    """HTML for print of each example report, by name."""
    pages = {}
    for gold_path in sorted(GOLD.glob("*.json")):
        name = gold_path.stem
        if names is not None and name not in names:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
        pages[name] = report_html(text, gold, ruled)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--unruled", action="store_true", help="tables without ruling lines")
    args = parser.parse_args()
    for name, path in print_pdfs(example_pages(not args.unruled), args.out).items():
        print(name, path)


if __name__ == "__main__":
    main()
