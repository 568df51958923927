"""Static HTML review pages: one per report, an index of the corpus, findings.csv.

Pages work offline from the file system (no CDN, no fetch): styles and scripts are inline,
and the cross-report carry chain, known only when the batch ends, is loaded from carry.js
with a plain script tag. Chinese renders with the system's CJK font.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import json
import os
import re
import urllib.parse
from collections import Counter
from html import escape
from pathlib import Path

from extractor.ingest.files import GENERATOR
from extractor.prose.align import candidates_text, readings_text
from extractor.review.corpus import Carry, carry_chain
from extractor.review.summary import (
    READING,
    RULE_NAMES,
    checks_text,
    doubt_text,
    no_problem_text,
    report_title,
)
from extractor.tables.rules import ARITHMETIC_RULES, validate
from schemas import Contradiction, ErrorRecord, Finding, ReportRecord
from schemas import keys as K

FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", sans-serif'
STYLE = (
    """
body { font-family: %s; margin: 0; color: #222; background: #fafafa; }
header { padding: 12px 20px; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: #666; font-size: 13px; }
main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(420px, 1.3fr); gap: 16px; padding: 16px 20px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px 14px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 4px 0 8px; }
ul.findings { list-style: none; padding: 0; margin: 0; }
.finding { padding: 6px 8px; margin: 4px 0; border-left: 4px solid #c00; background: #fff5f5; cursor: pointer; font-size: 13px; }
.finding.warning { border-color: #d80; background: #fffaf0; }
.finding.info { border-color: #999; background: #f6f6f6; }
.finding.doubt { border-color: #36c; background: #f3f7ff; }
.finding code { font-size: 12px; color: #555; }
table.cells { border-collapse: collapse; font-size: 12px; margin-bottom: 10px; }
table.cells th, table.cells td { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
table.cells th { background: #f0f0f0; text-align: left; font-weight: normal; }
table.cells td { cursor: pointer; }
td.bad { background: #ffecec; }
td.culprit { background: #ff9f9f; font-weight: bold; outline: 2px solid #c00; }
td.doubt { background: #dde8ff; }
td.null { color: #aaa; }
pre#text { white-space: pre-wrap; word-break: break-all; font-family: inherit; font-size: 13px; line-height: 1.6; max-height: 80vh; overflow: auto; }
mark { background: #fff3a8; border-radius: 2px; }
mark.bad { background: #ffd9d9; }
mark.culprit { background: #ff9f9f; outline: 1px solid #c00; }
mark.claim { background: #c8f0c8; }
mark.claim.bad { background: #ffb3b3; outline: 1px solid #c00; }
mark.claim.doubt { background: #dde8ff; outline: 1px dashed #36c; }
mark.undecided { background: #f3e6ff; outline: 1px dotted #939; }
mark.flash { outline: 3px solid #06c; }
.pager { margin: 8px 0; font-size: 13px; }
table.index { border-collapse: collapse; font-size: 13px; width: 100%%; background: #fff; }
table.index th, table.index td { border: 1px solid #ddd; padding: 4px 8px; }
table.index th { cursor: pointer; background: #f0f0f0; position: sticky; top: 0; }
.controls { padding: 12px 20px; }
.controls input, .controls select { font: inherit; padding: 3px 6px; margin-right: 8px; }
"""
    % FONT
)

PAGE_SCRIPT = """
function flash(el) {
  el.scrollIntoView({block: 'center'});
  el.classList.add('flash');
  setTimeout(function () { el.classList.remove('flash'); }, 1500);
}
function go(target) {
  var parts = target.split(':');
  var sel = parts[0] === 'claim' ? 'mark[data-claim="' + parts[1] + '"]'
    : parts[0] === 'number' ? 'mark[data-number="' + parts[1] + '"]'
    : 'mark[data-cell="' + parts.slice(1).join(':') + '"]';
  var el = document.querySelector(sel);
  if (el) { flash(el); }
  return el;
}
document.addEventListener('click', function (e) {
  var t = e.target.closest('[data-target]');
  if (t) { go(t.getAttribute('data-target')); }
});
var carry = (window.CARRY || {})[document.body.getAttribute('data-report')] || [];
if (carry.length) {
  var list = document.getElementById('carry');
  list.parentNode.hidden = false;
  carry.forEach(function (f) {
    var li = document.createElement('li');
    li.className = 'finding ' + f.severity;
    li.textContent = f.message;
    list.appendChild(li);
  });
}
"""

INDEX_SCRIPT = """
var rows = DATA.rows, rules = DATA.rules, names = DATA.names, page = 0, size = 100, key = 'problems', dir = -1;
var body = document.getElementById('rows'), q = document.getElementById('q'), rule = document.getElementById('rule');
rules.forEach(function (r) { var o = document.createElement('option'); o.value = r; o.textContent = names[r] || r; rule.appendChild(o); });
function filtered() {
  var text = q.value.trim(), only = rule.value;
  return rows.filter(function (r) {
    return (!text || (r.body + ' ' + r.source + ' ' + r.year).indexOf(text) >= 0) && (!only || r.rules[only]);
  }).sort(function (a, b) {
    var x = key === 'rule' ? 0 : a[key], y = key === 'rule' ? 0 : b[key];
    return (x > y ? 1 : x < y ? -1 : 0) * dir || (a.source > b.source ? 1 : -1);
  });
}
function cell(text, href) {
  var td = document.createElement('td');
  if (href) { var a = document.createElement('a'); a.href = href; a.textContent = text; td.appendChild(a); }
  else { td.textContent = text; }
  return td;
}
function draw() {
  var list = filtered(), pages = Math.max(1, Math.ceil(list.length / size));
  page = Math.min(page, pages - 1);
  body.textContent = '';
  list.slice(page * size, page * size + size).forEach(function (r) {
    var tr = document.createElement('tr');
    tr.appendChild(cell(r.body || r.source.split(/[\\\\/]/).pop(), r.page));
    tr.appendChild(cell(r.year || ''));
    tr.appendChild(cell(r.format || ''));
    tr.appendChild(cell(r.problems));
    tr.appendChild(cell(r.doubts));
    tr.appendChild(cell(Object.keys(r.rules).map(function (k) { return (names[k] || k) + ' ' + r.rules[k]; }).join('，')));
    tr.appendChild(cell(r.source));
    body.appendChild(tr);
  });
  document.getElementById('count').textContent = list.length + ' 份报告 · 第 ' + (page + 1) + '/' + pages + ' 页';
}
document.querySelectorAll('th[data-key]').forEach(function (th) {
  th.addEventListener('click', function () {
    var k = th.getAttribute('data-key');
    dir = key === k ? -dir : (k === 'problems' || k === 'doubts' ? -1 : 1); key = k; draw();
  });
});
q.addEventListener('input', function () { page = 0; draw(); });
rule.addEventListener('change', function () { page = 0; draw(); });
document.getElementById('prev').addEventListener('click', function () { page = Math.max(0, page - 1); draw(); });
document.getElementById('next').addEventListener('click', function () { page += 1; draw(); });
draw();
"""


def slug(source: str) -> str:
    """A file name for a report's page: readable, and unique by a hash of its path."""
    stem = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", Path(source).stem)[:60]
    return f"{stem}-{hashlib.sha1(source.encode('utf-8')).hexdigest()[:8]}"


def pdf_href(source: str, folder: Path | None) -> str:
    """The address of a PDF report relative to the folder of its review page, so that the
    pages and the reports can be moved or copied together."""
    base = folder.resolve() if folder is not None else Path.cwd()
    relative = os.path.relpath(Path(source).resolve(), base)
    return urllib.parse.quote(Path(relative).as_posix())


def _pdf_link(record: ReportRecord, page: int | None = None, href: str = "") -> str:
    """A link to a PDF report (at `page`), for a reviewer to check the text it was read as."""
    if record.extraction.encoding != "pdf":
        return ""
    uri = href or pdf_href(record.source, None)
    if page is None:
        return f'<a class="pdf" href="{escape(uri)}">PDF</a>'
    return f'<a class="pdf" href="{escape(uri)}#page={page}">PDF 第 {page} 页</a>'


def suspects(record: ReportRecord) -> set[str]:
    """The cells of the failing equations that most likely hold the error: those whose one
    correction (by a failing equation's difference) leaves the fewest equations failing, when
    that is fewer than now. A column total that the other rules confirm is not among them,
    the cell where a failing row and a failing column cross is."""
    failing = [f for f in record.findings if f.status == "failed" and f.rule in ARITHMETIC_RULES]
    if not failing:
        return set()

    def failures(cells: dict) -> int:
        trial = record.model_copy(update={"cells": cells})
        return sum(
            1 for f in validate(trial) if f.status == "failed" and f.rule in ARITHMETIC_RULES
        )

    now = failures(record.cells)
    best: dict[str, int] = {}
    for f in failing:
        if f.left is None or f.right is None:
            continue
        diff = f.left - f.right
        for key in f.cells:
            value = record.cells.get(key)
            if value is None or isinstance(value, bool):
                continue
            for fixed in (value + diff, value - diff):
                if fixed < 0:
                    continue
                n = failures({**record.cells, key: fixed})
                best[key] = min(best.get(key, now), n)
    fewest = min(best.values(), default=now)
    return {k for k, n in best.items() if n == fewest} if fewest < now else set()


_VERDICT_NAMES = {
    "consistent": "与表格一致",
    "contradiction": "与表格不一致",
    "unclear": "无法核对",
}


def _judged(record: ReportRecord) -> dict[int, Contradiction]:
    """Each claim's judgement, by the claim's index."""
    by_span = {(c.start, c.end, c.stated): c for c in record.contradictions}
    return {
        i: by_span[(claim.start, claim.end, claim.value)]
        for i, claim in enumerate(record.claims)
        if (claim.start, claim.end, claim.value) in by_span
    }


def _claim_title(record: ReportRecord, c: Contradiction) -> str:
    """What hovering a prose figure shows: the verdict and every reading tried."""
    tried = readings_text(record, c.readings)
    doubt = f"（{c.doubt}）" if c.doubt else ""
    return f"{c.stated}：{_VERDICT_NAMES[c.verdict]}{doubt}" + (f"；{tried}" if tried else "")


def _marks(
    original: str,
    record: ReportRecord,
    bad_cells: set[str],
    bad_claims: set[int],
    culprits: frozenset[str] = frozenset(),
) -> str:
    """The original text with every read cell and every claim wrapped in a <mark>."""
    spans: list[tuple[int, int, str]] = []
    for key, span in record.evidence.items():
        cls = "culprit" if key in culprits else "bad" if key in bad_cells else ""
        where = f' title="PDF 第 {span.page} 页"' if span.page else ""
        spans.append(
            (span.start, span.end, f'<mark data-cell="{escape(key)}" class="{cls}"{where}>')
        )
    judged = _judged(record)
    for i, claim in enumerate(record.claims):
        c = judged.get(i)
        doubt = c is not None and c.verdict == "unclear" and c.doubt
        cls = "claim bad" if i in bad_claims else "claim doubt" if doubt else "claim"
        title = f' title="{escape(_claim_title(record, c))}"' if c is not None else ""
        spans.append((claim.start, claim.end, f'<mark data-claim="{i}" class="{cls}"{title}>'))
    for i, n in enumerate(record.prose.undecided):
        spans.append((n.start, n.end, f'<mark data-number="{i}" class="undecided" title="未能判断">'))
    bounds = sorted({0, len(original), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = []
    for a, b in itertools.pairwise(bounds):
        covering = [tag for s, e, tag in spans if s <= a and b <= e]
        text = escape(original[a:b])
        out.append("".join(covering) + text + "</mark>" * len(covering))
    return "".join(out)


def _target(f: Finding, record: ReportRecord) -> str:
    """What clicking the finding shows: its first piece of evidence, a claim or a cell."""
    for e in f.evidence:
        for i, claim in enumerate(record.claims):
            if (claim.start, claim.end) == (e.start, e.end):
                return f"claim:{i}"
        for key in f.cells:
            span = record.evidence.get(key)
            if span is not None and (span.start, span.end) == (e.start, e.end):
                return f"cell:{key}"
    return next((f"cell:{k}" for k in f.cells if k in record.evidence), "")


def _finding_item(f: Finding, record: ReportRecord, css: str, href: str = "") -> str:
    target = _target(f, record)
    attr = f' data-target="{escape(target)}"' if target else ""
    quotes = "；".join(f"「{escape(' '.join(e.snippet.split())[:40])}」" for e in f.evidence[:3])
    pages = sorted({e.page for e in f.evidence if e.page})
    links = " ".join(_pdf_link(record, p, href) for p in pages[:3])
    return (
        f'<li class="finding {css}" data-rule="{escape(f.rule)}" data-status="{f.status}"{attr}><code>{escape(f.rule)}</code> {escape(RULE_NAMES.get(f.rule, ""))} '
        f"{escape(f.message)}{'<br>见 ' + quotes if quotes else ''}{' · ' + links if links else ''}</li>"
    )


def _cell(record: ReportRecord, key: str, bad: set[str], culprits: frozenset[str]) -> str:
    if key not in record.cells:
        return "<td></td>"
    value = record.cells[key]
    css = (
        "culprit"
        if key in culprits
        else "bad"
        if key in bad
        else "doubt"
        if key in record.ambiguous or key in record.unreadable
        else ""
    )
    css = css or ("null" if value is None else "")
    shown = "?" if key in record.ambiguous else "" if value is None else value
    target = f' data-target="cell:{escape(key)}"' if key in record.evidence else ""
    return f'<td class="{css}" data-key="{escape(key)}"{target} title="{escape(K.label(key))}">{shown}</td>'


def _tables(record: ReportRecord, bad: set[str], culprits: frozenset[str]) -> str:
    parts = ["<h2>二、主动公开</h2><table class='cells'>"]
    fmt = record.format if record.format in ("2021", "2019") else "2021"
    for row, cols in K.ACTIVE_ROWS[fmt]:
        keys = [f"active.{row}.{c}" for c in cols]
        names = "、".join(K.ACTIVE_NAMES[c] for c in cols)
        parts.append(
            f"<tr><th>{K.active_row_name(row, fmt)}（{names}）</th>{''.join(_cell(record, k, bad, culprits) for k in keys)}</tr>"
        )
    parts.append("</table><h2>三、依申请公开</h2><table class='cells'><tr><th></th>")
    parts += [f"<th>{K.COLUMN_LABELS[c]}</th>" for c in K.APPLICANT_COLUMNS]
    parts.append("</tr>")
    split = K.application_key("other.overdue_correction", "total") in record.cells
    for row in K.application_rows(split):
        keys = [K.application_key(row, c) for c in K.APPLICANT_COLUMNS]
        parts.append(
            f"<tr><th>{K.ROW_LABELS[row]}</th>{''.join(_cell(record, k, bad, culprits) for k in keys)}</tr>"
        )
    parts.append("</table><h2>四、行政复议、行政诉讼</h2><table class='cells'><tr><th></th>")
    parts += [f"<th>{o}</th>" for o in ("维持", "纠正", "其他", "未结", "总计")]
    parts.append("</tr>")
    for group, name in (
        ("review", "行政复议"),
        ("litigation.direct", "直接起诉"),
        ("litigation.after_review", "复议后起诉"),
    ):
        keys = [f"{group}.{o}" for o in K.OUTCOMES]
        parts.append(
            f"<tr><th>{name}</th>{''.join(_cell(record, k, bad, culprits) for k in keys)}</tr>"
        )
    parts.append("</table>")
    return "".join(parts)


def report_page(
    record: ReportRecord, original: str, page_slug: str, folder: Path | None = None
) -> str:
    """The review page of one report, to be written in `folder` (which PDF links are
    relative to; the current directory when None)."""
    href = pdf_href(record.source, folder) if record.extraction.encoding == "pdf" else ""
    failed = [f for f in record.findings if f.status == "failed"]
    bad = {k for f in failed if f.rule not in READING for k in f.cells}
    culprits = frozenset(suspects(record))
    bad_claims = {
        i
        for i, claim in enumerate(record.claims)
        for c in record.contradictions
        if c.verdict == "contradiction" and c.start == claim.start and c.end == claim.end
    }
    groups = [
        (
            "表格问题",
            [f for f in failed if f.rule not in ("narrative_mismatch", "narrative_sum", *READING)],
            "",
        ),
        (
            "正文与表格",
            [f for f in failed if f.rule in ("narrative_mismatch", "narrative_sum")],
            "",
        ),
        (
            "读取存疑（不是报告的错误）",
            [f for f in record.findings if f.rule in READING],
            "doubt",
        ),
        (
            "无法核对",
            [f for f in record.findings if f.status == "not_checkable" and f.rule not in READING],
            "info",
        ),
    ]
    sections = []
    for title, items, css in groups:
        if items:
            lis = "".join(_finding_item(f, record, css or f.severity, href) for f in items)
            sections.append(
                f"<section><h2>{title}（{len(items)}）</h2><ul class='findings'>{lis}</ul></section>"
            )
    judged = _judged(record)
    doubts = [(i, c) for i, c in judged.items() if c.verdict == "unclear" and c.doubt]
    if doubts:
        lis = "".join(
            f'<li class="finding doubt" data-target="claim:{i}">{escape(doubt_text(record, c))}</li>'
            for i, c in doubts
        )
        sections.append(
            f"<section><h2>正文数字无法核对（读取存疑，不是报告的错误）（{len(doubts)}）</h2>"
            f"<ul class='findings'>{lis}</ul></section>"
        )
    if record.prose.undecided:
        lis = "".join(
            f'<li class="finding doubt" data-target="number:{i}">「{escape(" ".join(n.clause.snippet.split()))}」中的 {n.value}{escape(n.unit)}</li>'
            for i, n in enumerate(record.prose.undecided)
        )
        sections.append(
            f"<section><h2>正文中未能判断的数字（{len(record.prose.undecided)}/{record.prose.numbers}，请人工查看）</h2>"
            f"<ul class='findings'>{lis}</ul></section>"
        )
    if record.ambiguous or record.unreadable:
        lis = "".join(
            f'<li class="finding doubt" data-target="cell:{escape(k)}"><code>{escape(k)}</code> 可读作 {candidates_text(a.candidates)}：{escape(a.reason)}</li>'
            for k, a in record.ambiguous.items()
        ) + "".join(
            f'<li class="finding doubt"><code>{escape(k)}</code> 未读取：{escape(u.reason)}</li>'
            for k, u in list(record.unreadable.items())[:40]
        )
        sections.append(f"<section><h2>未能确定的格</h2><ul class='findings'>{lis}</ul></section>")
    sections.append(
        "<section hidden><h2>跨年度结转 carry_chain</h2><ul class='findings' id='carry'></ul></section>"
    )
    if not failed:
        sections.insert(
            0, f"<section><h2>未发现问题</h2>{escape(no_problem_text(record))}</section>"
        )
    else:
        sections.insert(0, f"<section><h2>核对结果</h2>{escape(checks_text(record))}</section>")
    title = report_title(record)
    pdf = record.extraction.encoding == "pdf"
    read = sum(v is not None for v in record.cells.values())
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="generator" content="{GENERATOR}"><title>{escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>
<body data-report="{page_slug}">
<header><h1>{escape(title)}</h1>
<div class="meta">{escape(record.source)} · 格式 {record.format or "未知"} · 读取 {read}/{len(record.cells)} 格 ·
问题 {len([f for f in failed if f.rule not in READING])} 处 · 方式 {record.extraction.backend} · {_pdf_link(record, None, href) + " · " if pdf else ""}<a href="../index.html">全部报告</a></div></header>
<main><div>{"".join(sections)}<section>{_tables(record, bad, culprits)}</section></div>
<section><h2>{"PDF 提取文本（表格按线框重排，每行一格一列；" if pdf else "原文（"}高亮：读取的格、正文数字）</h2><pre id="text">{_marks(original, record, bad, bad_claims, culprits)}</pre></section></main>
<script src="../carry.js"></script><script>{PAGE_SCRIPT}</script></body></html>
"""


def embedded_json(value: object) -> str:
    """JSON safe inside a <script> element: no `<`, `>` or `&` that could end the element or
    open a comment (`</script>`, `<!--<script>` in a file name), no line separators."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


PAGE_SIZE = 100


def _index_row(row: dict) -> str:
    """One row of the index as HTML, as the script draws it, for a browser without scripts."""
    body = escape(row["body"] or Path(row["source"]).name)
    name = f'<a href="{escape(row["page"])}">{body}</a>' if row["page"] else body
    rules = "，".join(f"{RULE_NAMES.get(r, r)} {n}" for r, n in row["rules"].items())
    cells = (row["year"] or "", row["format"] or "", row["problems"], row["doubts"], rules)
    return (
        f"<tr><td>{name}</td>"
        + "".join(f"<td>{escape(str(c))}</td>" for c in cells)
        + f"<td>{escape(row['source'])}</td></tr>"
    )


def index_page(rows: list[dict], rules: list[str]) -> str:
    names = {r: RULE_NAMES.get(r, r) for r in rules}
    data = embedded_json({"rows": rows, "rules": rules, "names": names})
    first = sorted(rows, key=lambda r: (-r["problems"], r["source"]))[:PAGE_SIZE]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="generator" content="{GENERATOR}"><title>政府信息公开年报审核</title><style>{STYLE}</style></head>
<body><header><h1>政府信息公开年报审核</h1><div class="meta">{len(rows)} 份报告 · <a href="findings.csv">findings.csv</a></div></header>
<div class="controls"><input id="q" placeholder="机关、年度或文件名"><select id="rule"><option value="">全部规则</option></select>
<span id="count">{len(rows)} 份报告 · 第 1/{pages} 页</span> <button id="prev">上一页</button><button id="next">下一页</button></div>
<div class="controls"><table class="index"><thead><tr><th data-key="body">机关</th><th data-key="year">年度</th>
<th data-key="format">格式</th><th data-key="problems">问题</th><th data-key="doubts">存疑</th><th data-key="rule">规则</th>
<th data-key="source">文件</th></tr></thead><tbody id="rows">{"".join(_index_row(r) for r in first)}</tbody></table></div>
<noscript><p class="controls">规则：{escape("、".join(names.values()) or "—")}（排序、筛选与翻页需要 JavaScript；findings.csv 列出全部问题）</p></noscript>
<script>var DATA = {data};</script><script>{INDEX_SCRIPT}</script></body></html>
"""


FINDINGS_COLUMNS = (
    "source",
    "body",
    "year",
    "rule",
    "severity",
    "status",
    "cells",
    "left",
    "right",
    "message",
)


class HtmlWriter:
    """Writes each report's page as it comes; the index, carry.js and findings.csv at the end.
    Only a row of counts and the carry-chain cells of each report stay in memory."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / "reports").mkdir(parents=True, exist_ok=True)
        self.rows: list[dict] = []
        self.carries: list[Carry] = []
        self.csv_file = open(folder / "findings.csv", "w", encoding="utf-8-sig", newline="")
        self.csv = csv.DictWriter(self.csv_file, FINDINGS_COLUMNS)
        self.csv.writeheader()

    def add(self, record: ReportRecord | ErrorRecord, original: str | None) -> None:
        if isinstance(record, ErrorRecord) or original is None:
            source = record.source
            error = record.error.message if isinstance(record, ErrorRecord) else "原文无法重读"
            self.rows.append(
                {
                    "source": source,
                    "body": "",
                    "year": None,
                    "format": "",
                    "problems": 0,
                    "doubts": 0,
                    "rules": {"unreadable": 1},
                    "page": "",
                    "error": error,
                }
            )
            return
        page = slug(record.source)
        (self.folder / "reports" / f"{page}.html").write_text(
            report_page(record, original, page, self.folder / "reports"), encoding="utf-8"
        )
        failed = [f for f in record.findings if f.status == "failed"]
        counts = Counter(f.rule for f in failed)
        self.rows.append(
            {
                "source": record.source,
                "body": record.body or "",
                "year": record.year,
                "format": record.format or "",
                "problems": sum(n for r, n in counts.items() if r not in READING),
                "doubts": len(record.ambiguous)
                + len(record.unreadable)
                + sum(1 for f in record.findings if f.rule in READING),
                "rules": dict(counts),
                "page": f"reports/{page}.html",
            }
        )
        for f in failed:
            self._csv(record.source, record.body, record.year, f)
        self.carries.append(Carry.of(record.source, record.body, record.year, record.cells))

    def _csv(self, source: str, body: str | None, year: int | None, f: Finding) -> None:
        self.csv.writerow(
            {
                "source": source,
                "body": body or "",
                "year": year or "",
                "rule": f.rule,
                "severity": f.severity,
                "status": f.status,
                "cells": " ".join(f.cells),
                "left": f.left,
                "right": f.right,
                "message": f.message,
            }
        )

    def close(self) -> None:
        chains = carry_chain(self.carries)
        by_source = {row["source"]: row for row in self.rows}
        carry_js: dict[str, list[dict]] = {}
        for source, findings in chains.items():
            row = by_source[source]
            carry_js[row["page"].removeprefix("reports/").removesuffix(".html")] = [
                {"severity": f.severity, "message": f.message} for f in findings
            ]
            broken = [f for f in findings if f.status == "failed"]
            if broken:
                row["rules"]["carry_chain"] = len(broken)
                row["problems"] += len(broken)
                for f in broken:
                    self._csv(source, row["body"], row["year"], f)
        (self.folder / "carry.js").write_text(
            "window.CARRY = " + json.dumps(carry_js, ensure_ascii=False) + ";\n", encoding="utf-8"
        )
        rules = sorted({r for row in self.rows for r in row["rules"]})
        (self.folder / "index.html").write_text(index_page(self.rows, rules), encoding="utf-8")
        self.csv_file.close()
