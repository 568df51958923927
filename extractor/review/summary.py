"""Discrepancy summaries a reviewer reads: one Markdown section per report, and the corpus.

A summary separates what is wrong in the report (arithmetic that breaks, prose that
contradicts the tables) from what is uncertain in our reading (ambiguous or unreadable cells,
reader and model disagreeing), and says where to look: the line in the original and the text
there.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import TextIO

from extractor.ingest.files import SUMMARY_MARK
from extractor.prose.align import candidates_text, readings_text
from extractor.tables.rules import tally
from schemas import Contradiction, ErrorRecord, Finding, ReportRecord, Span
from schemas import keys as K

RULE_NAMES = {
    "balance": "勾稽关系（新收+结转 = 总计+结转下年）",
    "outcome_sum": "办理结果合计",
    "column_sum": "申请人合计",
    "review_sum": "行政复议合计",
    "litigation_direct_sum": "直接起诉合计",
    "litigation_after_review_sum": "复议后起诉合计",
    "value_domain": "数值范围",
    "format_outdated": "格式过时",
    "table_missing": "表格缺失",
    "row_missing": "行缺失",
    "narrative_mismatch": "正文与表格不一致",
    "narrative_sum": "正文合计不符",
    "extraction_disagreement": "读取分歧",
    "reading_doubt": "读取存疑",
    "reading_chosen": "按违反规则最少的读法读取",
    "carry_chain": "跨年度结转",
    "prompt_injection": "针对模型的指令",
    "pre2019_layout": "2019年以前的统计表格式",
    "unreadable": "无法读取",
}


# Findings about our reading, not about the report: a reviewer reads them apart.
READING = frozenset({"extraction_disagreement", "reading_doubt", "reading_chosen"})

# Why an input could not be read, by error kind, in the reviewer's language.
INPUT_ERRORS = {
    "empty": "空文件",
    "binary": "不是文本文件（二进制数据或无法识别的编码）",
    "encoding": "编码错误",
    "missing": "文件不存在",
    "io": "无法读取文件",
    "docx": "不是可读的 .docx 文件",
    "unsupported_format": "不支持的文件类型",
    "not_a_report": "不是政府信息公开工作年度报告",
    "multiple_reports": "一个文件中有多份报告，请拆分",
    "corrupt": "PDF 文件已损坏或不完整",
    "encrypted": "PDF 已加密，需要密码",
    "no_text_layer": "扫描件 PDF，没有文字层（需要 OCR）",
    "too_large": "PDF 超出大小限制",
    "timeout": "读取超时（远超任何报告所需，已跳过）",
    "internal": "程序内部错误（请报告此问题）",
}


def input_error(e: ErrorRecord) -> str:
    """Why an input could not be read, in Chinese, with the error kind for the record."""
    reason = INPUT_ERRORS.get(e.error.kind)
    return (
        f"{reason} `{e.error.kind}`" if reason else f"无法读取 `{e.error.kind}`：{e.error.message}"
    )


def _where(span: Span, original: str | None, key: str | None = None, pdf: bool = False) -> str:
    """Where to look: the cell's row and column names (when the span is a cell's), the text,
    and the line in the original; in a PDF, the page it is printed on (the lines of the text
    extracted from a PDF are ours, not the reviewer's)."""
    snippet = " ".join(span.snippet.split())
    snippet = snippet if len(snippet) <= 40 else snippet[:37] + "…"
    name = K.label(key) if key else ""
    if span.page is not None:
        return (
            f"{name}「{snippet}」（PDF 第 {span.page} 页）"
            if name
            else f"PDF 第 {span.page} 页「{snippet}」"
        )
    if pdf:
        return f"{name}「{snippet}」" if name else f"「{snippet}」"
    if original is not None:
        line = original.count("\n", 0, span.start) + 1
        return f"{name}「{snippet}」（第 {line} 行）" if name else f"第 {line} 行「{snippet}」"
    return (
        f"{name}「{snippet}」（第 {span.start} 字）" if name else f"第 {span.start} 字「{snippet}」"
    )


def _finding_line(f: Finding, original: str | None, record: ReportRecord | None = None) -> str:
    cell_of = {}
    if record is not None:
        cell_of = {
            (s.start, s.end): k for k in f.cells if (s := record.evidence.get(k)) is not None
        }
    pdf = record is not None and record.extraction.encoding == "pdf"
    where = "；".join(_where(e, original, cell_of.get((e.start, e.end)), pdf) for e in f.evidence)
    return f"- **{RULE_NAMES.get(f.rule, f.rule)}** `{f.rule}`：{f.message}" + (
        f" — 见 {where}" if where else ""
    )


def _unchecked_cause(f: Finding, record: ReportRecord) -> str:
    """Why a rule could not be checked: the kinds of cell that left it open."""
    nulls = [k for k in f.cells if record.cells.get(k) is None]
    kinds = [
        name
        for name, hit in (
            ("存疑格（可读作多个数）", any(k in record.ambiguous for k in nulls)),
            ("未能读取的格", any(k in record.unreadable for k in nulls)),
            (
                "空白格",
                any(k not in record.ambiguous and k not in record.unreadable for k in nulls),
            ),
        )
        if hit
    ]
    return f"因{'和'.join(kinds) or '空白格'}无法核对"


def reading_doubts(record: ReportRecord) -> list[Contradiction]:
    """Prose figures that could not be checked because of a doubt in our reading of the
    table (an ambiguous, unreadable or blank cell): doubts of ours, not errors of the report."""
    return [c for c in record.contradictions if c.verdict == "unclear" and c.doubt]


def doubt_text(record: ReportRecord, c: Contradiction) -> str:
    """正文「…」说 N：无法与表格核对（…），试过的读法 …"""
    tried = readings_text(record, c.readings)
    return f"正文「{' '.join(c.quote.split())}」说 {c.stated}：无法与表格核对（{c.doubt}）" + (
        f"，试过的读法 {tried}" if tried else ""
    )


def checks_text(record: ReportRecord) -> str:
    """What was checked, in numbers: how many equations held, failed and could not be
    checked, and how many prose figures agree, contradict and could not be checked."""
    t = tally(record)
    verdicts = Counter(c.verdict for c in record.contradictions)
    doubtful = ""
    if record.ambiguous or record.unreadable:
        doubtful = f"；{len(record.ambiguous)} 格有多种读法、{len(record.unreadable)} 格未能读取"
    return (
        f"勾稽关系 {t['held']} 项成立、{t['failed']} 项不成立、{t['not_checkable']} 项无法核对；"
        f"正文数字 {verdicts['consistent']} 处与表格一致、{verdicts['contradiction']} 处矛盾、"
        f"{verdicts['unclear']} 处无法核对{doubtful}。"
    )


def no_problem_text(record: ReportRecord) -> str:
    """The sentence for a report with no finding: that all held only when nothing was left
    unchecked."""
    t = tally(record)
    unclear = sum(1 for c in record.contradictions if c.verdict == "unclear")
    if t["not_checkable"] or unclear or record.ambiguous or record.unreadable:
        return "未发现不成立的规则或与表格矛盾的正文数字，但部分无法核对：" + checks_text(record)
    return "表格勾稽关系成立，正文数字与表格一致：" + checks_text(record)


def report_title(record: ReportRecord) -> str:
    """A report's name for a reviewer: body and year, or the file's name when they are not
    known (never a year of question marks)."""
    if record.body and record.year:
        return f"{record.body} {record.year} 年报告"
    name = Path(record.source).name or record.source
    if record.body or record.year:
        return f"{record.body or name} {record.year or ''} 年报告".replace("  ", " ")
    return name


def report_summary(record: ReportRecord, original: str | None = None) -> str:
    """The Markdown summary of one report; `original` (the decoded input) adds line numbers."""
    failed = [f for f in record.findings if f.status == "failed" and f.rule not in READING]
    table = [f for f in failed if f.rule not in ("narrative_mismatch", "narrative_sum")]
    prose = [f for f in failed if f.rule in ("narrative_mismatch", "narrative_sum")]
    unchecked = [
        f for f in record.findings if f.status == "not_checkable" and f.rule not in READING
    ]
    doubts = [f for f in record.findings if f.rule in READING]
    prose_doubts = reading_doubts(record)
    uncertain = len(record.ambiguous) + len(record.unreadable) + len(doubts) + len(prose_doubts)
    title = report_title(record)
    pdf = record.extraction.encoding == "pdf"
    read = sum(v is not None for v in record.cells.values())
    lines = [
        f"## {title}",
        "",
        f"`{record.source}` · 格式 {record.format or '未知'} · 读取 {read}/{len(record.cells)} 格 · "
        f"报告问题 {len(failed)} 处 · 读取存疑 {uncertain} 处"
        f" · 方式 {record.extraction.backend}",
        "",
    ]
    lines += [no_problem_text(record) if not failed else "核对：" + checks_text(record), ""]
    if table:
        lines += ["### 表格问题", "", *(_finding_line(f, original, record) for f in table), ""]
    if prose:
        lines += ["### 正文与表格", "", *(_finding_line(f, original, record) for f in prose), ""]
    consistent = [c for c in record.contradictions if c.verdict == "consistent"]
    if consistent:
        lines += [f"正文中另有 {len(consistent)} 处数字与表格一致。", ""]
    if record.ambiguous or record.unreadable or doubts or prose_doubts:
        lines += ["### 读取存疑（是我们的读取问题，不是报告的错误）", ""]
        for key, amb in record.ambiguous.items():
            where = (
                f" — 见 {_where(record.evidence[key], original, key, pdf)}"
                if key in record.evidence
                else ""
            )
            lines.append(
                f"- {K.label(key)} `{key}`：可读作 {candidates_text(amb.candidates)}（{amb.reason}）{where}"
            )
        reasons = Counter(u.reason for u in record.unreadable.values())
        for reason, n in reasons.items():
            keys = [k for k, u in record.unreadable.items() if u.reason == reason]
            shown = "、".join(K.label(k) for k in keys[:3]) + ("等" if len(keys) > 3 else "")
            lines.append(f"- 未能读取 {n} 格（{shown}）：{reason}")
        lines += [_finding_line(f, original, record) for f in doubts]
        for c in prose_doubts:
            where = _where(Span(start=c.start, end=c.end, snippet=c.quote), original, pdf=pdf)
            lines.append(f"- {doubt_text(record, c)} — 见 {where}")
        lines.append("")
    lines += _undecided_lines(record, original)
    by_cause: dict[str, Counter[str]] = {}
    for f in unchecked:
        by_cause.setdefault(_unchecked_cause(f, record), Counter())[f.rule] += 1
    for cause, rules in by_cause.items():
        listed = "，".join(f"{RULE_NAMES.get(r, r)} {n} 项" for r, n in rules.items())
        lines += [f"{cause}：{listed}。", ""]
    return "\n".join(lines)


def _undecided_lines(record: ReportRecord, original: str | None) -> list[str]:
    """The prose numbers the rules could not place: what the tool did not understand."""
    undecided = record.prose.undecided
    if not undecided:
        return []
    lines = [
        f"### 正文中未能判断的数字（{len(undecided)}/{record.prose.numbers}，请人工查看）",
        "",
    ]
    for n in undecided:
        where = (
            f"第 {original.count(chr(10), 0, n.start) + 1} 行"
            if original is not None
            else f"第 {n.start} 字"
        )
        lines.append(f"- 「{' '.join(n.clause.snippet.split())}」中的 {n.value}{n.unit}（{where}）")
    return [*lines, ""]


class SummaryWriter:
    """Writes the corpus overview and then one section per report, keeping only counts in
    memory while the batch runs (the sections wait in a temporary file)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.sections = tempfile.TemporaryFile("w+", encoding="utf-8")
        self.rows: list[tuple[int, str, str, int | None, Counter[str]]] = []
        self.errors: list[ErrorRecord] = []

    def add(self, record: ReportRecord | ErrorRecord, original: str | None = None) -> None:
        if isinstance(record, ErrorRecord):
            self.errors.append(record)
            return
        counts = Counter(f.rule for f in record.findings if f.status == "failed")
        problems = sum(n for rule, n in counts.items() if rule != "extraction_disagreement")
        self.rows.append(
            (problems, record.source, record.body or record.source, record.year, counts)
        )
        self.sections.write(report_summary(record, original) + "\n")

    def close(self) -> None:
        by_rule: Counter[str] = Counter()
        for *_, counts in self.rows:
            by_rule.update(counts)
        rows = sorted(self.rows, key=lambda row: (-row[0], row[1]))
        lines = [
            SUMMARY_MARK,
            "",
            "# 政府信息公开年报审核摘要",
            "",
            f"共 {len(rows)} 份报告，{sum(1 for row in rows if row[0])} 份有问题；{len(self.errors)} 个文件无法读取。",
            "",
        ]
        if by_rule:
            lines += ["| 规则 | 次数 | 报告数 |", "|---|---|---|"]
            for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
                hit = sum(1 for *_, c in rows if c.get(rule))
                lines.append(f"| {RULE_NAMES.get(rule, rule)} `{rule}` | {n} | {hit} |")
            lines.append("")
        lines += ["| 报告 | 年度 | 文件 | 问题 | 主要规则 |", "|---|---|---|---|---|"]
        for problems, source, name, year, counts in rows:
            top = "，".join(f"{rule} {n}" for rule, n in counts.most_common(3)) or "—"
            lines.append(f"| {name} | {year or ''} | `{source}` | {problems} | {top} |")
        for e in self.errors:
            lines.append(f"| — | | `{e.source}` | 无法读取 | {input_error(e)} |")
        self.out.write("\n".join(lines) + "\n\n")
        self.sections.seek(0)
        for chunk in iter(lambda: self.sections.read(1 << 16), ""):
            self.out.write(chunk)
        self.sections.close()
