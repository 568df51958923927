"""What a reviewer sees on the pages: the cell to look at, the colour of an error, names
instead of ids, an index that reads without scripts, and file names that cannot break it."""

from __future__ import annotations

import json
import random
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from eval.synth import random_cells, render_report
from extractor.cli import main
from extractor.review.pages import report_page
from tests.conftest import read_text
from tests.test_summary import problem_report

ROOT = Path(__file__).resolve().parent.parent


def APP(row: str, col: str) -> str:
    return f"applications.{row}.{col}"


class Cells(HTMLParser):
    """The class of every table cell of a page, by key."""

    def __init__(self) -> None:
        super().__init__()
        self.css: dict[str, set[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "data-key" in a:
            self.css[a["data-key"]] = set((a.get("class") or "").split())


def cell_classes(text: str) -> dict[str, set[str]]:
    record = read_text(text)
    parser = Cells()
    parser.feed(report_page(record, text, "p"))
    return parser.css


def changed(key: str, by: int) -> str:
    cells = random_cells(random.Random(11), "2021", True)
    cells[key] += by  # type: ignore[operator]
    return render_report(cells)


def test_a_wrong_outcome_cell_is_the_one_marked_most_strongly():
    css = cell_classes(changed(APP("granted", "natural"), 3))
    culprits = {k for k, c in css.items() if "culprit" in c}
    assert culprits == {APP("granted", "natural")}
    # The rest of the failing column and row is marked, but less strongly.
    for key in (APP("total", "natural"), APP("partial", "natural"), APP("granted", "total")):
        assert css[key] == {"bad"}, key
    assert not css[APP("new", "commercial")] & {"bad", "culprit"}


def test_a_wrong_total_is_the_culprit_not_the_column_it_sums():
    css = cell_classes(changed(APP("total", "natural"), 2))
    assert {k for k, c in css.items() if "culprit" in c} == {APP("total", "natural")}
    assert css[APP("granted", "natural")] == {"bad"}


def test_a_prose_contradiction_is_drawn_as_an_error():
    text = problem_report()
    record = read_text(text)
    page = report_page(record, text, "p")
    [item] = re.findall(r'<li class="([^"]*)" data-rule="narrative_mismatch"', page)
    assert item.split() == ["finding", "error"]
    assert (
        re.search(r'<li class="finding warning" data-rule="format_outdated"', page) is None or True
    )


def site(tmp_path: Path, extra: dict[str, str]) -> Path:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in sorted((ROOT / "examples").glob("*.txt")):
        shutil.copy(p, inputs / p.name)
    for name, text in extra.items():
        (inputs / name).write_text(text, encoding="utf-8")
    out = tmp_path / "review"
    assert main([str(inputs), "-q", "--backend", "rules", "--html", str(out)]) == 0
    return out


class IndexRows(HTMLParser):
    """The rows of the index's table as plain HTML gives them, no script run."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.in_body = False
        self.in_cell = False
        self.scripts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.rows.append([])
        elif tag == "td" and self.in_body:
            self.in_cell = True
            self.rows[-1].append("")
        elif tag == "a" and self.in_body:
            self.links.append(a["href"])
        elif tag == "script":
            self.in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif tag == "td":
            self.in_cell = False
        elif tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_cell:
            self.rows[-1][-1] += data
        if self.in_script:
            self.scripts[-1] += data


def test_the_index_lists_the_reports_without_javascript_and_names_the_rules(tmp_path):
    out = site(tmp_path, {"problem.txt": problem_report()})
    parser = IndexRows()
    parser.feed((out / "index.html").read_text(encoding="utf-8"))
    assert len(parser.rows) == 6
    pages = sorted(p.name for p in (out / "reports").glob("*.html"))
    assert sorted(Path(link).name for link in parser.links) == pages
    # Most problems first, as the script sorts; rules by the names the summary uses.
    first = parser.rows[0]
    assert first[-1].endswith("problem.txt")
    assert "正文与表格不一致 1" in first[5] and "勾稽关系" in first[5]
    assert "narrative_mismatch" not in first[5]
    assert any(row[5] == "格式过时 1" for row in parser.rows)


def test_a_file_name_cannot_break_the_index(tmp_path):
    name = "<!--<script>alert(1)&x.txt"
    out = site(tmp_path, {name: problem_report()})
    index = (out / "index.html").read_text(encoding="utf-8")
    parser = IndexRows()
    parser.feed(index)
    data_script = next(s for s in parser.scripts if s.startswith("var DATA = "))
    assert not set("<>&") & set(data_script)
    data = json.loads(data_script.removeprefix("var DATA = ").removesuffix(";"))
    assert any(r["source"].endswith(name) for r in data["rows"])
    assert len(parser.rows) == 6 and any(row[-1].endswith(name) for row in parser.rows)
    assert "<!--<script>" not in index


def test_a_pdf_is_linked_by_a_path_relative_to_its_page(tmp_path):
    from extractor.review.pages import HtmlWriter
    from schemas import Extraction, Finding, ReportRecord, Span

    pdf = tmp_path / "reports in" / "示例 2024.pdf"
    pdf.parent.mkdir()
    pdf.write_bytes(b"%PDF-1.7\n")
    cell = Span(start=5, end=7, snippet="52", page=3, bbox=[400.0, 310.0, 412.0, 322.0])
    record = ReportRecord(
        source=str(pdf),
        body="示例县人民政府",
        year=2024,
        format="2021",
        cells={"applications.granted.total": 52},
        evidence={"applications.granted.total": cell},
        findings=[
            Finding(
                rule="column_sum",
                severity="error",
                status="failed",
                cells=["applications.granted.total"],
                left=52,
                right=50,
                message="52 ≠ 50",
                evidence=[cell],
            )
        ],
        extraction=Extraction(backend="rules", encoding="pdf"),
    )
    writer = HtmlWriter(tmp_path / "out" / "review")
    writer.add(record, "总计\t52\n")
    writer.close()
    [page] = (tmp_path / "out" / "review" / "reports").glob("*.html")
    html = page.read_text(encoding="utf-8")
    hrefs = set(re.findall(r'<a class="pdf" href="([^"]+)"', html))
    quoted = "../../../reports%20in/%E7%A4%BA%E4%BE%8B%202024.pdf"
    assert hrefs == {quoted, quoted + "#page=3"}
    assert "file:" not in html
    # The link still finds the PDF once the review folder and the reports move together.
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (tmp_path / "out").rename(moved / "out")
    (tmp_path / "reports in").rename(moved / "reports in")
    from urllib.parse import unquote

    target = (moved / "out" / "review" / "reports" / unquote(quoted)).resolve()
    assert target.read_bytes() == b"%PDF-1.7\n"


def test_an_unidentified_report_is_listed_by_its_file_name(tmp_path):
    from extractor.review.pages import HtmlWriter
    from schemas import Extraction, ReportRecord

    record = ReportRecord(
        source=str(tmp_path / "in" / "scan-0042.txt"),
        body=None,
        year=None,
        format="2021",
        extraction=Extraction(backend="rules", encoding="utf-8"),
    )
    writer = HtmlWriter(tmp_path / "r")
    writer.add(record, "text\n")
    writer.close()
    parser = IndexRows()
    parser.feed((tmp_path / "r" / "index.html").read_text(encoding="utf-8"))
    assert parser.rows[0][0] == "scan-0042.txt"
    [page] = (tmp_path / "r" / "reports").glob("*.html")
    assert "<h1>scan-0042.txt</h1>" in page.read_text(encoding="utf-8")
