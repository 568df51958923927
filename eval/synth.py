"""Synthetic reports in the official format, rendered in the layouts scrapers produce.

Used by the tests (every layout must read back exactly) and by the evaluation generator.
Deterministic: the same cells and options give the same text. Row order, column order and
labels come from the evaluation's own description of the format (eval/national_format.py),
not from the product's `schemas.keys`, so that the reader cannot agree with the renderer
by sharing a mistake.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from eval import national_format as F

Number = int | float
Cells = dict[str, Number | None]

# The printed layout comes from the evaluation's own description of the national format
# (eval/national_format.py), never from the product's keys.
APP_GROUPS = F.APPLICATION_GROUPS
ACTIVE_HEADERS = F.ACTIVE_HEADERS
APP_HEADER = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n"
    "\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"
)
REVIEW_HEADER = (
    "行政复议\t行政诉讼\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉\n"
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计"
)

LAYOUTS = ("tabs", "lines", "paragraphs", "markdown", "html")
_CELL_SEP = {
    "tabs": "\t",
    "lines": "\n",
    "paragraphs": "\n\n",
    "markdown": " | ",
    "html": "</td><td>",
}


def value_text(key: str, value: Number | None, unit: str | None = None) -> str:
    if value is None:
        return ""
    if F.value_kind(key) == "signed" and value > 0:
        return f"+{value}"
    text = str(value)
    return text + (unit or "")


def random_cells(rng: random.Random, fmt: str = "2021", other_split: bool = True) -> Cells:
    """Cells that satisfy every arithmetic rule, with mostly small counts as real reports have."""
    cells: Cells = {}
    for key in F.active_keys(fmt):
        kind = F.value_kind(key)
        if kind == "signed":
            cells[key] = rng.randint(-300, 300)
        elif kind == "amount":
            cells[key] = (
                round(rng.uniform(0, 5000), rng.choice((0, 2, 4))) if rng.random() < 0.8 else 0
            )
            if isinstance(cells[key], float) and cells[key] == int(cells[key]):
                cells[key] = int(cells[key])
        else:
            cells[key] = rng.choice((0, 0, 1, 3, 12, 467, 23653))
    rows = F.application_rows(other_split)
    outcomes = [r for r in rows if r not in F.NOT_OUTCOMES]
    grid: dict[str, dict[str, int]] = {r: {} for r in rows}
    for c in F.APPLICANT_PARTS:
        weight = 1.0 if c == "natural" else 0.25
        for r in outcomes:
            grid[r][c] = rng.choice((0, 0, 0, 1, 2, 5)) if rng.random() < weight else 0
        total = sum(grid[r][c] for r in outcomes)
        out = rng.randint(0, 2) if total and rng.random() < 0.3 else 0
        carried_in = rng.randint(0, min(out, 2)) if out else 0
        grid["total"][c] = total
        grid["carried_out"][c] = out
        grid["carried_in"][c] = carried_in
        grid["new"][c] = total + out - carried_in
    for r in rows:
        grid[r]["total"] = sum(grid[r][c] for c in F.APPLICANT_PARTS)
        for c in F.APPLICANT_COLUMNS:
            cells[F.application_key(r, c)] = grid[r][c]
    for group in F.REVIEW_GROUPS:
        parts = [rng.choice((0, 0, 0, 1, 2)) for _ in range(4)]
        for o, v in zip(F.OUTCOMES, [*parts, sum(parts)], strict=True):
            cells[f"{group}.{o}"] = v
    return cells


def _row(label: str, values: Sequence[str], layout: str) -> str:
    if layout == "tabs":
        return "\t".join([label, *values])
    if layout == "lines":
        return "\n".join([label, *values])
    if layout == "paragraphs":
        return "\n\n".join([label, *values])
    if layout == "markdown":
        return "| " + " | ".join([label, *values]) + " |"
    if layout == "html":
        return "<tr>" + "".join(f"<td>{v}</td>" for v in [label, *values]) + "</tr>"
    raise ValueError(layout)


def _header(text: str, layout: str) -> str:
    lines = text.split("\n")
    if layout == "html":
        return "".join(_row(line.split("\t")[0], line.split("\t")[1:], layout) for line in lines)
    if layout == "markdown":
        return "\n".join(_row(line.split("\t")[0], line.split("\t")[1:], layout) for line in lines)
    return "\n".join(line.replace("\t", _CELL_SEP[layout]) for line in lines)


def _table(rows: list[str], layout: str) -> str:
    if layout == "html":
        return "<table>" + "".join(rows) + "</table>"
    joiner = "\n\n" if layout == "paragraphs" else "\n"
    return joiner.join(rows)


def render_tables(
    cells: Cells, fmt: str, layout: str, units: dict[str, str] | None = None
) -> tuple[str, str, str]:
    """Sections 二, 三 and 四 as table text in `layout`."""
    units = units or {}
    active: list[str] = []
    for row, label, cols in F.ACTIVE_TABLE[fmt]:
        if row in ACTIVE_HEADERS[fmt]:
            active.append(_header(ACTIVE_HEADERS[fmt][row], layout))
        keys = [f"active.{row}.{c}" for c in cols]
        active.append(_row(label, [value_text(k, cells[k], units.get(k)) for k in keys], layout))
    other_split = F.application_key("other.overdue_correction", "total") in cells
    apps = [_header(APP_HEADER, layout)]
    for r, label in F.application_table(other_split):
        if r in APP_GROUPS and (r != "other.overdue_correction" or other_split):
            label = APP_GROUPS[r] + _CELL_SEP[layout] + label
        keys = [F.application_key(r, c) for c in F.APPLICANT_COLUMNS]
        apps.append(_row(label, [value_text(k, cells[k]) for k in keys], layout))
    review = [_header(REVIEW_HEADER, layout)]
    values = [value_text(k, cells[k]) for k in F.REVIEW_KEYS]
    if layout == "html":
        review.append("<tr>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>")
    elif layout == "markdown":
        review.append("| " + " | ".join(values) + " |")
    else:
        review.append(_CELL_SEP[layout].join(values))
    return _table(active, layout), _table(apps, layout), _table(review, layout)


def _parts(body: str, year: int, prose: str, active: str, apps: str, review: str) -> list[str]:
    """The title and the six sections of a report, its tables given as text."""
    return [
        f"{body}{year}年政府信息公开工作年度报告",
        "一、总体情况",
        prose or f"{year}年，{body}认真贯彻落实《条例》，推进政务公开。",
        "二、主动公开政府信息情况",
        active,
        "三、收到和处理政府信息公开申请情况",
        apps,
        "四、政府信息公开行政复议、行政诉讼情况",
        review,
        "五、存在的主要问题及改进情况",
        "政策解读形式还需丰富。",
        "六、其他需要报告的事项",
        "无。",
    ]


def render_report(
    cells: Cells,
    *,
    body: str = "示例县人民政府",
    year: int = 2024,
    fmt: str = "2021",
    layout: str = "tabs",
    units: dict[str, str] | None = None,
    prose: str = "",
) -> str:
    """A whole report: title, the six sections, the tables in `layout`."""
    active, apps, review = render_tables(cells, fmt, layout, units)
    parts = _parts(body, year, prose, active, apps, review)
    if layout == "html":
        blocks = [p if p.startswith("<table>") else f"<p>{p}</p>" for p in parts]
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>年报</title></head><body>"
            + "".join(blocks)
            + "</body></html>"
        )
    return "\n\n".join(parts) + "\n"


# The layouts of scraped dumps that no template renders: a PDF's text layer, a crawler
# record with every space removed, a crawler text dump that printed repeated lines once.
# pdf: a PDF text layer with "- 3 -" page footers; pdf-bare-pages: the same with page numbers
# printed bare ("3" alone on its line), which look like a table's values.
DUMP_LAYOUTS = ("pdf", "pdf-bare-pages", "glued", "collapsed")


def _wrap(label: str, width: int) -> list[str]:
    return [label[i : i + width] for i in range(0, len(label), width)] or [""]


def _pdf_row(
    rng: random.Random, label: str, values: Sequence[str], width: int, before: float = 0.4
) -> list[str]:
    """One table row as a PDF text layer prints it: the values on one line, the label
    wrapped around them (the values between two halves of the label, after it, or on the
    line before it)."""
    numbers = " ".join(v if v else "" for v in values).strip()
    lines = _wrap(label, width)
    if len(lines) == 1:
        return [numbers, label] if rng.random() < before else [f"{label} {numbers}"]
    middle = (len(lines) - 1) // 2 + 1
    return [*lines[:middle], numbers, *lines[middle:]]


def render_dump(cells: Cells, layout: str, seed: int = 0, year: int = 2024) -> str:
    """A whole report in one of DUMP_LAYOUTS; every table cell must be filled (a dump
    that drops blank cells is a different form)."""
    rng = random.Random(seed)
    fmt = "2019" if "active.rules.made" in cells else "2021"
    if layout in ("pdf", "pdf-bare-pages"):
        return _render_pdf(cells, fmt, rng, year, bare_pages=layout == "pdf-bare-pages")
    text = render_report(cells, fmt=fmt, layout="lines", year=year)
    if layout == "glued":
        head, sep, tables = text.partition("二、主动公开政府信息情况")
        return head + sep + "".join(tables.split())
    if layout == "collapsed":
        out: list[str] = []
        for line in text.split("\n"):
            if line.strip() and out and out[-1] == line:
                continue
            if line.strip():
                out.append(line)
        return "\n".join(out) + "\n"
    raise ValueError(layout)


def _render_pdf(
    cells: Cells, fmt: str, rng: random.Random, year: int, bare_pages: bool = False
) -> str:
    width = rng.randint(9, 16)
    lines: list[str] = []
    page = [1]

    def footer() -> None:
        if rng.random() < (0.15 if bare_pages else 0.08):
            page[0] += 1
            lines.append(str(page[0]) if bare_pages else f"- {page[0]} -")

    for row, name, cols in F.ACTIVE_TABLE[fmt]:
        if row in ACTIVE_HEADERS[fmt]:
            lines.extend(ACTIVE_HEADERS[fmt][row].replace("\t", " ").split("\n"))
        keys = [f"active.{row}.{c}" for c in cols]
        lines.extend(_pdf_row(rng, name, [value_text(k, cells[k]) for k in keys], 99, 0))
        footer()
    active = "\n".join(lines)
    lines = ["（本列数据的勾稽关系为：第一项加第二项之和，", "等于第三项加第四项之和）"]
    lines += ["申请人情况", "自然人", "法人或其他组织", "总计"]
    lines += ["商业", "企业", "科研", "机构", "社会公益", "组织", "法律服务", "机构", "其他"]
    other_split = F.application_key("other.overdue_correction", "total") in cells
    # The side heading 三、本年度办理结果 comes out a character per line among the rows.
    side = list("三、本年度办理结果")
    for r, label in F.application_table(other_split):
        if r in APP_GROUPS and r != "granted" and (r != "other.overdue_correction" or other_split):
            lines.append(APP_GROUPS[r])
        if len(label) > 8 and rng.random() < 0.15:
            label = label[:-1]  # a character lost at the cell's edge
        keys = [F.application_key(r, c) for c in F.APPLICANT_COLUMNS]
        row_lines = _pdf_row(rng, label, [value_text(k, cells[k]) for k in keys], width)
        if r not in ("new", "carried_in", "total", "carried_out") and side:
            row_lines.insert(rng.randint(0, len(row_lines)), side.pop(0))
        lines.extend(row_lines)
        footer()
    lines.extend(side)
    apps = "\n".join(lines)
    header = REVIEW_HEADER.replace("\t", "\n").split("\n")
    numbers = [value_text(k, cells[k]) for k in F.REVIEW_KEYS]
    if rng.random() < 0.3:  # the 复议 part and the 诉讼 part on lines of their own
        numbers[5] = "\n" + numbers[5]
    review = "\n".join([*header, " ".join(numbers).replace(" \n", "\n")])
    parts = _parts("示例县人民政府", year, "", active, apps, review)
    parts.insert(3, "1" if bare_pages else "- 1 -")  # a page footer before section 二
    return "\n".join(parts) + "\n"
