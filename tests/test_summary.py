"""The reviewer's Markdown summary, against a golden file read and checked by hand."""

from __future__ import annotations

import io
import os
from pathlib import Path

from eval.synth import render_report
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
from extractor.review.summary import SummaryWriter, report_summary
from schemas import ErrorRecord, InputError
from tests.conftest import read_text
from tests.test_tables import GRANTED_52, tabs_row

GOLDEN = Path(__file__).parent / "golden"


def problem_report() -> str:
    """52 applications granted; the prose says 50, the 总计 row says 51, one cell is blank and
    one glued run cannot be cut."""
    prose = "2024年，共收到政府信息公开申请52件，其中予以公开50件。政府网站发布信息300条。"
    return (
        render_report(GRANTED_52, prose=prose)
        .replace(
            tabs_row("（七）总计", [52, 0, 0, 0, 0, 0, 52]),
            tabs_row("（七）总计", [51, 0, 0, 0, 0, 0, 51]),
        )
        .replace(
            tabs_row("二、上年结转政府信息公开申请数量", [0] * 7),
            "二、上年结转政府信息公开申请数量\t0\t\t0\t0\t0\t0\t0",
        )
        .replace("行政规范性文件\t0\t0\t0", "行政规范性文件\t1234")
    )


def test_report_summary_matches_the_golden_file():
    text = problem_report()
    record = read_text(text)
    rendered = report_summary(record, text)
    golden = GOLDEN / "report_summary.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_the_summary_says_both_numbers_the_quote_and_where_to_look():
    text = problem_report()
    rendered = report_summary(read_text(text), text)
    assert "正文「予以公开50件」说 50，表格 予以公开/总计 = 52" in rendered
    assert "总计/自然人(51)" in rendered
    assert "读取存疑（是我们的读取问题，不是报告的错误）" in rendered
    line = text[: text.index("予以公开50件")].count("\n") + 1
    assert f"第 {line} 行「予以公开50件」" in rendered


def named(text: str, source: str):
    return extract_document(parse_document(text.encode("utf-8"), source))


def test_the_corpus_overview_ranks_reports_by_problems():
    out = io.StringIO()
    writer = SummaryWriter(out)
    clean = named(render_report(GRANTED_52), "a/2024.txt")
    writer.add(clean)
    writer.add(named(problem_report(), "b/2024.txt"))
    writer.add(
        ErrorRecord(
            source="broken.txt", error=InputError(kind="binary", message="binary data, not text")
        )
    )
    writer.close()
    text = out.getvalue()
    assert "共 2 份报告，1 份有问题；1 个文件无法读取。" in text
    table = text[text.index("| 报告 |") :].splitlines()
    # One body and year twice: the file column tells them apart.
    assert table[0] == "| 报告 | 年度 | 文件 | 问题 | 主要规则 |"
    assert table[2].startswith("| 示例县人民政府 | 2024 | `b/2024.txt` | 5 |")
    assert table[3].startswith("| 示例县人民政府 | 2024 | `a/2024.txt` | 0 |")
    # Why a file could not be read, in Chinese like the rest.
    assert (
        "| — | | `broken.txt` | 无法读取 | 不是文本文件（二进制数据或无法识别的编码） `binary` |"
        in text
    )
    assert text.index("# 政府信息公开年报审核摘要") < text.index("## 示例县人民政府 2024 年报告")


def test_evidence_names_the_row_and_column_of_every_cell_of_a_finding():
    text = problem_report()
    summary = report_summary(read_text(text), text)
    [outcome] = [line for line in summary.splitlines() if "`outcome_sum`：总计/自然人" in line]
    where = outcome.split(" — 见 ", 1)[1].split("；")
    # Every cell of the equation (总计 and the 21 outcome rows), each by its names.
    assert len(where) == 22
    assert where[0] == "总计/自然人「51」（第 52 行）"
    assert where[2] == "部分公开/自然人「0」（第 32 行）"
    # A prose quote has no cell name, only its line.
    assert "见 第 5 行「予以公开50件」；予以公开/总计「52」（第 31 行）" in summary


def test_rules_left_open_say_whether_a_cell_was_blank_or_ambiguous():
    from tests.test_backends import AMBIGUOUS  # a glued run and a blank 总计 row

    record = read_text(AMBIGUOUS)
    assert record.ambiguous
    summary = report_summary(record, AMBIGUOUS)
    lines = [line for line in summary.splitlines() if line.startswith("因")]
    assert lines == [
        "因空白格无法核对：勾稽关系（新收+结转 = 总计+结转下年） 7 项，办理结果合计 5 项，申请人合计 1 项。",
        "因存疑格（可读作多个数）和空白格无法核对：办理结果合计 2 项。",
        "因存疑格（可读作多个数）无法核对：申请人合计 1 项。",
    ]


def test_read_by_names_rules_for_every_cell_the_rules_backend_read():
    record = read_text(problem_report())
    decided = {k for k in record.cells if k not in record.ambiguous and k not in record.unreadable}
    assert set(record.read_by) == decided and len(decided) > 190
    assert set(record.read_by.values()) == {"rules"}


def test_a_figure_about_a_cell_we_could_not_read_shows_as_a_reading_doubt():
    prose = "全年作出行政处罚决定7件。"
    text = render_report(GRANTED_52, prose=prose).replace("行政处罚\t0", "行政处罚\t—")
    rendered = report_summary(read_text(text), text)
    doubts = rendered[rendered.index("### 读取存疑") :]
    line = text[: text.index("行政处罚决定7件")].count("\n") + 1
    assert (
        "- 正文「行政处罚决定7件」说 7：无法与表格核对（行政处罚/处理决定数 空白），"
        f"试过的读法 行政处罚/处理决定数 = 空白 — 见 第 {line} 行「行政处罚决定7件」"
    ) in doubts
    assert "### 正文与表格" not in rendered  # not an error of the report
    assert "读取存疑 1 处" in rendered


def test_a_report_with_rules_left_unchecked_is_not_said_to_hold():
    from extractor.review.pages import report_page

    clean_text = render_report(GRANTED_52)
    clean = read_text(clean_text)
    assert not [f for f in clean.findings if f.status in ("failed", "not_checkable")]
    said = "表格勾稽关系成立，正文数字与表格一致：勾稽关系 42 项成立、0 项不成立、0 项无法核对"
    assert said in report_summary(clean, clean_text)
    assert said in report_page(clean, clean_text, "p")
    # One blank cell leaves a balance and a column sum open: no failure, and not "all held".
    text = clean_text.replace(
        tabs_row("二、上年结转政府信息公开申请数量", [0] * 7),
        "二、上年结转政府信息公开申请数量\t0\t\t0\t0\t0\t0\t0",
    )
    record = read_text(text)
    assert not [f for f in record.findings if f.status == "failed"]
    for rendered in (report_summary(record, text), report_page(record, text, "p")):
        assert "表格勾稽关系成立" not in rendered
        assert "勾稽关系 40 项成立、0 项不成立、2 项无法核对" in rendered


def test_pdf_evidence_is_cited_by_page_and_an_unknown_report_by_its_file_name():
    from extractor.review.pages import report_page
    from schemas import Extraction, Finding, ReportRecord, Span

    quote = Span(start=40, end=47, snippet="予以公开50件", page=1, bbox=[90.0, 200.0, 180.0, 212.0])
    cell = Span(start=900, end=902, snippet="52", page=3, bbox=[400.0, 310.0, 412.0, 322.0])
    record = ReportRecord(
        source="scans/unnamed-0042.pdf",
        body=None,
        year=None,
        format="2021",
        cells={"applications.granted.total": 52},
        evidence={"applications.granted.total": cell},
        findings=[
            Finding(
                rule="narrative_mismatch",
                severity="error",
                status="failed",
                cells=["applications.granted.total"],
                left=50,
                right=52,
                message="正文说 50，表格 52",
                evidence=[quote, cell],
            )
        ],
        extraction=Extraction(backend="rules", encoding="pdf"),
    )
    original = "\n" * 60 + "x" * 1000
    summary = report_summary(record, original)
    assert summary.startswith("## unnamed-0042.pdf\n")
    assert "????" not in summary
    assert "见 PDF 第 1 页「予以公开50件」；予以公开/总计「52」（PDF 第 3 页）" in summary
    assert "行）" not in summary  # no line of the extracted text
    page = report_page(record, original, "p")
    assert "<title>unnamed-0042.pdf</title>" in page


def test_a_report_whose_only_doubts_are_ambiguous_cells_is_not_said_to_hold():
    path = Path(__file__).parent.parent / "examples" / "findings"
    [glued] = path.glob("001_changed_table_normative_docs_glued_3741.txt")
    # Without the prose figures that decide the cut (tests/test_settle.py), the run stays
    # ambiguous.
    text = glued.read_text(encoding="utf-8")
    text = text.replace("发布行政规范性文件 3 件", "发布行政规范性文件").replace(
        "现行有效41个行政规范性文件", "现行有效行政规范性文件"
    )
    record = read_text(text)
    assert record.ambiguous and not [f for f in record.findings if f.status == "failed"]
    rendered = report_summary(record, text)
    assert "表格勾稽关系成立" not in rendered
    assert "但部分无法核对" in rendered and "3 格有多种读法、0 格未能读取" in rendered
