"""PDF input: the examples printed to PDF read back to their gold labels; bad PDFs refused.

The PDFs are made here, not kept in the repository: `eval.pdfgen` lays each example out for
print (its tables in the national layout drawn from its hand-made gold labels, labels
wrapping over several lines, 三、本年度办理结果 set vertically, table 三 breaking across a
page) and headless Chromium prints it.
"""

from __future__ import annotations

import io
import json
import os
import zlib
from pathlib import Path

import pdfplumber
import pytest

from eval.pdfgen import GOLD, chromium, example_pages, print_pdfs
from extractor.cli import main
from extractor.errors import UnreadableInput
from extractor.extract import extract_path
from extractor.ingest.files import read_document
from extractor.ingest.pdf import (
    PdfLimits,
    _continue,
    _Line,
    _line_piece,
    _piece_text,
    _Row,
    _stacked,
    _Table,
    _table,
    _unruled_rows,
    read_pdf,
    set_limits,
)
from schemas import ErrorRecord, ReportRecord

NAMES = sorted(p.stem for p in GOLD.glob("*.json"))


@pytest.fixture(scope="session")
def example_pdfs(tmp_path_factory) -> dict[str, Path]:
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PDF tests: scripts/install-browser installs Chromium")
        pytest.skip("Chromium is not installed (scripts/install-browser)")
    return print_pdfs(example_pages(), tmp_path_factory.mktemp("pdf"))


@pytest.fixture(scope="session")
def unruled_pdfs(tmp_path_factory) -> dict[str, Path]:
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PDF tests: scripts/install-browser installs Chromium")
        pytest.skip("Chromium is not installed (scripts/install-browser)")
    return print_pdfs(example_pages(ruled=False), tmp_path_factory.mktemp("unruled"))


def test_tables_drawn_without_ruling_lines_read_every_gold_cell(unruled_pdfs):
    # No lines to find rows and columns by: the words' positions give them, and the reader
    # takes the rows' values in order around labels that wrap.
    for name, pdf_path in unruled_pdfs.items():
        record = extract_path(pdf_path)
        assert isinstance(record, ReportRecord)
        assert record.cells == _gold(name)["cells"], name


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_pdf_text_dump_reads_every_gold_cell(example_pdfs, unruled_pdfs, ruled, tmp_path):
    """The form scraping pipelines hand over most often: the text layer of a PDF as
    pdfplumber's extract_text gives it (labels wrapped around their row's values, side
    headings interleaved, the header repeated at a page break), read as plain text."""
    import pdfplumber

    from extractor.extract import extract_path as read

    pdfs = example_pdfs if ruled else unruled_pdfs
    for name, pdf_path in pdfs.items():
        with pdfplumber.open(pdf_path) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        dump = tmp_path / f"{name}.txt"
        dump.write_text(text, encoding="utf-8")
        record = read(dump)
        gold = _gold(name)
        assert (record.body, record.year, record.format) == (
            gold["body"],
            gold["year"],
            gold["format"],
        )
        assert record.cells == gold["cells"], name
        failed = {f.rule for f in record.findings if f.status == "failed"}
        assert failed == {f["rule"] for f in gold["expected_failures"]}, name


@pytest.fixture(autouse=True)
def default_limits():
    yield
    set_limits(PdfLimits())


def _gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_an_example_printed_to_pdf_reads_every_gold_cell(example_pdfs, name):
    gold = _gold(name)
    record = extract_path(example_pdfs[name])
    assert isinstance(record, ReportRecord)
    assert (record.body, record.year, record.format) == (gold["body"], gold["year"], gold["format"])
    assert record.cells == gold["cells"]
    assert record.units == gold["units"]
    failed = {f.rule for f in record.findings if f.status == "failed"}
    assert failed == {f["rule"] for f in gold["expected_failures"]}
    assert record.extraction.encoding == "pdf"


def test_the_printed_pdf_has_what_makes_pdfs_hard(example_pdfs):
    """The generated files do wrap labels, break table 三 across pages and set the side
    heading vertically, so the test above covers those layouts."""
    text, layout = read_pdf(example_pdfs[NAMES[0]].read_bytes())
    # The plain text layer shows the label broken around its values; the extracted text
    # has it whole, with its seven cells.
    assert "（二）部分公开（区分处理的，只计这一情形，\n" in layout.plain
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t0\t0\t0\t0\t0\t0\t0\n" in text
    assert "\n三、本年度办理结果\n（一）予以公开\t2\t" in text
    assert "\n（三）不予公开\n1.属于国家秘密\t1\t" in text
    record = extract_path(example_pdfs[NAMES[0]])
    assert isinstance(record, ReportRecord)
    new, total = (
        record.evidence["applications.new.total"],
        record.evidence["applications.total.total"],
    )
    assert new.page is not None and total.page is not None and new.page < total.page
    # The header rows Chromium repeats on the new page are not written twice.
    assert text.count("申请人情况") == 1


def test_evidence_names_the_page_and_box_where_the_value_is_printed(example_pdfs):
    path = example_pdfs[NAMES[0]]
    record = extract_path(path)
    assert isinstance(record, ReportRecord)
    text, _ = read_pdf(path.read_bytes())
    with pdfplumber.open(path) as pdf:
        for key in ("active.licensing.decisions", "applications.granted.natural", "review.total"):
            span = record.evidence[key]
            assert text[span.start : span.end] == span.snippet
            assert span.page is not None and span.bbox is not None
            x0, top, x1, bottom = span.bbox
            page = pdf.pages[span.page - 1]
            crop = page.crop((x0 - 0.5, top - 0.5, x1 + 0.5, bottom + 0.5))
            assert crop.extract_text().strip() == span.snippet
    assert record.evidence["active.licensing.decisions"].snippet == "23653"


def test_dump_text_prints_the_text_that_offsets_point_into(example_pdfs, capsys):
    path = example_pdfs[NAMES[1]]
    assert main(["--dump-text", "--quiet", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == read_document(path).text.original
    record = extract_path(path)
    assert isinstance(record, ReportRecord)
    for span in record.evidence.values():
        assert out[span.start : span.end] == span.snippet


def test_a_pdf_review_page_links_to_the_pdf_pages(example_pdfs, tmp_path):
    path = example_pdfs[NAMES[0]]
    assert (
        main(
            ["--quiet", "-o", str(tmp_path / "out.jsonl"), "--html", str(tmp_path / "r"), str(path)]
        )
        == 0
    )
    page = next((tmp_path / "r" / "reports").glob("*.html")).read_text(encoding="utf-8")
    relative = os.path.relpath(path.resolve(), (tmp_path / "r" / "reports").resolve())
    assert f'href="{Path(relative).as_posix()}"' in page
    assert 'title="PDF 第 3 页"' in page
    assert "PDF 提取文本" in page


# --- geometry, on tables built by hand -------------------------------------------------


def _chars(text: str, x: float, top: float, size: float = 10, vertical: bool = False) -> list[dict]:
    out = []
    for i, ch in enumerate(text):
        dx, dy = (0, i * size) if vertical else (i * size, 0)
        out.append(
            {
                "text": ch,
                "x0": x + dx,
                "x1": x + dx + size,
                "top": top + dy,
                "bottom": top + dy + size,
                "size": size,
            }
        )
    return out


def test_a_ruled_table_is_written_one_row_per_line_with_side_headings_and_blank_cells():
    # Columns: side heading 0-20, label 20-120, two values 120-160 and 160-200. The side
    # heading spans three rows and is set vertically, one character a line; the second
    # label wraps onto a second line; one value cell is blank.
    cells = [
        (0, 0, 120, 20),
        (120, 0, 160, 20),
        (160, 0, 200, 20),
        (0, 20, 20, 110),
        (20, 20, 120, 40),
        (120, 20, 160, 40),
        (160, 20, 200, 40),
        (20, 40, 120, 80),
        (120, 40, 160, 80),
        (160, 40, 200, 80),
        (20, 80, 120, 110),
        (120, 80, 160, 110),
        (160, 80, 200, 110),
    ]
    chars = (
        _chars("项目", 2, 5)
        + _chars("甲", 125, 5)
        + _chars("乙", 165, 5)
        + _chars("办理结果", 5, 30, vertical=True)
        + _chars("1.予以", 22, 25)
        + _chars("12", 125, 25)
        + _chars("3", 165, 25)
        + _chars("2.部分公开区分", 22, 45)
        + _chars("处理的", 22, 60)
        + _chars("0", 125, 55)
        + _chars("3.其他", 22, 85)
        + _chars("—", 125, 85)
        + _chars("7", 165, 85)
    )
    table = _table(1, (0, 0, 200, 110), cells, chars)
    lines = []
    for row in table.rows:
        text = ["".join(t for t, _, _ in p) for p in row.headings]
        if row.fields is None:
            lines.append("\t".join("".join(t for t, _, _ in p) for p in row.header))
        else:
            lines += text
            lines.append(
                "".join(t for t, _, _ in row.label)
                + "".join("\t" + "".join(t for t, _, _ in f) for f in row.fields)
            )
    assert lines == [
        "项目\t甲\t乙",
        "办理结果",
        "1.予以\t12\t3",
        "2.部分公开区分处理的\t0\t",
        "3.其他\t—\t7",
    ]


def _row(label: str, *fields: str) -> _Row:
    piece = [(ch, 1, (0.0, 0.0, 0.0, 0.0)) for ch in label]
    return _Row([], piece, [[(f, 1, (0.0, 0.0, 0.0, 0.0))] if f else [] for f in fields])


def _labels(table: _Table) -> list[tuple[str, list[str]]]:
    return [
        ("".join(t for t, _, _ in r.label), ["".join(t for t, _, _ in f) for f in r.fields or []])
        for r in table.rows
    ]


def test_a_row_broken_by_a_page_is_joined_and_a_new_row_is_not():
    first = _Table(
        1,
        0,
        800,
        [_row("4.无正当理由大量反复申请", "0", "0"), _row("5.要求行政机关确认或重新", "1", "1")],
    )
    second = _Table(2, 60, 300, [_row("出具已获取信息", "", ""), _row("6.下一行", "", "")])
    _continue(first, second)
    assert _labels(first) == [
        ("4.无正当理由大量反复申请", ["0", "0"]),
        ("5.要求行政机关确认或重新出具已获取信息", ["1", "1"]),
        ("6.下一行", ["", ""]),
    ]


def test_characters_printed_on_one_spot_are_taken_in_stream_order():
    assert _stacked(_chars("本", 0, 0) + _chars("年", 1, 1))
    assert not _stacked(_chars("本年", 0, 0))


# --- bad PDFs ----------------------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF file of the given objects (1 0 obj is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _one_page(content: bytes, flate: bool = False) -> bytes:
    data = zlib.compress(content) if flate else content
    filt = b" /Filter /FlateDecode" if flate else b""
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d%s >>\nstream\n" % (len(data), filt) + data + b"\nendstream",
        ]
    )


def _bad_pdfs(example: Path) -> dict[str, bytes]:
    from pypdf import PdfReader, PdfWriter

    good = example.read_bytes()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
    writer.encrypt(user_password="secret", owner_password="owner")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    many = PdfWriter()
    for _ in range(600):
        many.add_blank_page(width=595, height=842)
    pages = io.BytesIO()
    many.write(pages)
    return {
        "encrypted": encrypted.getvalue(),
        # A scan: the page is drawn (here a grey rectangle), with no text on it.
        "no_text_layer": _one_page(b"0.5 g 50 50 495 742 re f"),
        "corrupt_truncated": good[: len(good) // 2],
        "corrupt_garbage": b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n",
        "too_large_pages": pages.getvalue(),
        # A zip bomb: 40 MB of drawing operators in a few dozen kilobytes.
        "too_large_stream": _one_page(b"0 0 m 1 1 l S\n" * 3_000_000, flate=True),
    }


def test_each_kind_of_bad_pdf_gets_its_error_record_and_the_batch_goes_on(
    example_pdfs, tmp_path, capsys
):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name, data in _bad_pdfs(example_pdfs[NAMES[0]]).items():
        (folder / f"{name}.pdf").write_bytes(data)
    (folder / "zz_good.pdf").write_bytes(example_pdfs[NAMES[2]].read_bytes())
    out = tmp_path / "out.jsonl"
    code = main(["--quiet", "--no-resume", "-o", str(out), str(folder)])
    assert code == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    kinds = {Path(r["source"]).stem: r["error"]["kind"] for r in records if "error" in r}
    assert kinds == {
        "encrypted": "encrypted",
        "no_text_layer": "no_text_layer",
        "corrupt_truncated": "corrupt",
        "corrupt_garbage": "corrupt",
        "too_large_pages": "too_large",
        "too_large_stream": "too_large",
    }
    good = [r for r in records if "error" not in r]
    assert [Path(r["source"]).name for r in good] == ["zz_good.pdf"]
    assert good[0]["cells"] == _gold(NAMES[2])["cells"]


def test_pdf_limits_are_options(example_pdfs, tmp_path):
    path = example_pdfs[NAMES[0]]
    out = tmp_path / "out.jsonl"
    assert main(["--quiet", "--no-resume", "--pdf-max-pages", "2", "-o", str(out), str(path)]) == 1
    error = json.loads(out.read_text(encoding="utf-8"))["error"]
    assert error["kind"] == "too_large" and "--pdf-max-pages" in error["message"]
    with pytest.raises(UnreadableInput) as e:
        read_pdf(path.read_bytes(), PdfLimits(max_bytes=1000))
    assert e.value.kind == "too_large"


def test_a_scan_names_ocr_in_its_message():
    with pytest.raises(UnreadableInput) as e:
        read_pdf(_one_page(b"0.5 g 50 50 495 742 re f"))
    assert e.value.kind == "no_text_layer" and "OCR" in e.value.message


# --- folders and other file types --------------------------------------------------------


def test_other_files_in_a_folder_are_counted_and_named(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    report = Path(__file__).resolve().parent.parent / "examples" / f"{NAMES[0]}.txt"
    (folder / "report.txt").write_bytes(report.read_bytes())
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "data.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "README").write_text("notes", encoding="utf-8")
    code = main(["--no-resume", "-o", str(tmp_path / "out.jsonl"), str(folder)])
    err = capsys.readouterr().err
    assert code == 0
    assert "skipped: 3 file(s) of unsupported types" in err
    for name in ("scan.png", "data.xls", "README"):
        assert name in err


def test_an_unsupported_file_named_explicitly_is_an_error_record(tmp_path, capsys):
    path = tmp_path / "table.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    record = extract_path(path)
    assert isinstance(record, ErrorRecord)
    assert record.error.kind == "unsupported_format"


def _line(text: str, x: float, top: float, size: float = 10) -> _Line:
    chars = []
    pos = x
    for word in text.split("|"):
        chars += _chars(word, pos, top, size)
        pos += len(word) * size + 3 * size  # a gap wider than two characters: a column
    piece = _line_piece(chars, 1, True)
    return _Line(1, top, top + size, x, pos - 3 * size, size, piece)


def test_an_unruled_row_whose_label_wraps_around_its_values_is_one_row():
    blocks = [
        _line("1.上一行|1|2", 0, 0),
        _line("2.要求行政机关确认或", 0, 14),
        _line("|||||||||||3|4", 0, 22),  # the values, centred between the label's lines
        _line("重新出具已获取信息", 0, 30),
        _line("3.下一行|5|6", 0, 48),
    ]
    rows = [_piece_text(b.piece) for b in _unruled_rows(blocks)]  # type: ignore[arg-type]
    assert rows == [
        "1.上一行\t1\t2",
        "2.要求行政机关确认或重新出具已获取信息\t3\t4",
        "3.下一行\t5\t6",
    ]
