"""Input files to decoded text: encodings, HTML, DOCX, PDF. The only module that reads files."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractor.errors import UnreadableInput
from extractor.ingest.normalise import looks_like_html, normalise, string_literal
from extractor.ingest.pdf import Layout, read_pdf
from extractor.ingest.text import MappedText

# The name every page this tool writes carries (<meta name="generator">): its own output is
# never read as a report, even when --html writes into a folder that is read.
GENERATOR = "report-audit"
_OURS = re.compile(
    rf"<meta\s+name=[\"']generator[\"']\s+content=[\"']{GENERATOR}\b"
    rf"|<!--\s*generator:\s*{GENERATOR}\b"
)
# The first line of a Markdown summary (--summary): a comment, invisible once rendered.
SUMMARY_MARK = f"<!-- generator: {GENERATOR} (a summary of reports, not a report) -->"
SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".pdf"})
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# (BOM, codec for the bytes after it, the name reported). The name is that of a codec which
# strips the BOM itself, so that `raw.decode(extraction.encoding)` is the text the offsets
# index: utf-8-sig, utf-16, utf-32 (see docs/format.md, "Offsets").
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)


@dataclass(frozen=True)
class Document:
    """One input, decoded (`text.original`) and normalised (`text.text`)."""

    source: str
    text: MappedText
    encoding: str
    layout: Layout | None = None  # for a PDF: page and box of each character of the original


def decode(data: bytes) -> tuple[str, str]:
    """The text of `data` and the name of the encoding it was decoded with."""
    if not data.strip(b" \t\r\n\x00"):
        raise UnreadableInput("empty", "empty file")
    for bom, encoding, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), name
            except UnicodeDecodeError as e:
                raise UnreadableInput("encoding", f"starts with a {encoding} BOM but {e}") from e
    text, encoding = _decode_without_bom(data)
    head = text[:20000]
    if len(_CONTROL.findall(head)) > max(2, len(head) // 100):
        raise UnreadableInput("binary", "binary data, not text")
    return text, encoding


def _decode_without_bom(data: bytes) -> tuple[str, str]:
    # Government sites serve UTF-8 or GB18030/GBK. Strict UTF-8 almost never accepts GBK
    # Chinese by accident, and GB18030 is a superset of GBK and GB2312, so trying the two
    # strictly, in this order, is exact for nearly every report.
    if b"\x00" not in data:
        for encoding in ("utf-8", "gb18030"):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise UnreadableInput("binary", "binary data or an unknown encoding")
    return str(best), best.encoding


def docx_text(data: bytes) -> str:
    """Paragraphs and tables of a .docx in document order; table cells joined by tabs."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several unrelated types on a broken file
        raise UnreadableInput("docx", f"not a readable .docx file ({e.__class__.__name__})") from e
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                last = None
                for cell in row.cells:
                    # python-docx repeats a merged cell in each grid column it spans.
                    if cell._tc is not last:
                        cells.append(" ".join(cell.text.split()))
                    last = cell._tc
                lines.append("\t".join(cells))
    return "\n".join(lines)


def read_document(path: Path, source: str | None = None) -> Document:
    """Read and normalise one input file."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise UnreadableInput("missing", "no such file") from e
    except OSError as e:
        raise UnreadableInput("io", e.strerror or str(e)) from e
    suffix = path.suffix.lower()
    if suffix and suffix not in SUFFIXES and not data.startswith(b"%PDF-"):
        raise UnreadableInput(
            "unsupported_format",
            f"{suffix} files are not read (reports are {', '.join(sorted(SUFFIXES))})",
        )
    return parse_document(data, source or str(path), suffix=suffix)


def parse_document(data: bytes, source: str, suffix: str = ".txt") -> Document:
    """Decode and normalise the bytes of one input."""
    if suffix == ".pdf" or data[:1024].lstrip().startswith(b"%PDF-"):
        if not data.strip():
            raise UnreadableInput("empty", "empty file")
        if b"%PDF-" not in data[:1024]:
            raise UnreadableInput("corrupt", "named .pdf but not a PDF file")
        original, layout = read_pdf(data)
        return Document(source, normalise(original), "pdf", layout)
    if suffix == ".docx" or data[:4] == b"PK\x03\x04":
        if suffix != ".docx" and b"word/" not in data[:2000]:
            raise UnreadableInput("binary", "a zip archive, not a report")
        original, encoding = docx_text(data), "docx"
        if not original.strip():
            raise UnreadableInput("empty", "the document has no text")
    else:
        original, encoding = decode(data)
    # Markup is told by its structure, wherever the page starts; a page stored as a string
    # literal is decoded first, and is HTML.
    literal = None if encoding == "docx" else string_literal(original)
    html_input = encoding != "docx" and (
        suffix in (".html", ".htm", ".xhtml")
        or literal is not None
        or (suffix not in (".md", ".markdown") and looks_like_html(original))
    )
    if _OURS.search(original, 0, 4096):
        raise UnreadableInput(
            "not_a_report", f"written by {GENERATOR} (--html or --summary), not a report"
        )
    text = normalise(original, html_input=html_input, literal=literal)
    return Document(source, text, encoding)


def discover(
    paths: Iterable[str], skipped: list[Path] | None = None, dangling: list[Path] | None = None
) -> Iterator[Path]:
    """Input files under `paths`: files as given, folders walked recursively in sorted order.
    Files in folders that are not of a report type are left out and, given a list
    `skipped`, added to it so that the caller can say so; so are symbolic links in folders
    that point nowhere, given a list `dangling`. (A path given explicitly is always yielded:
    reading it says what is wrong with it.)"""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_symlink() and not child.exists():
                    if dangling is not None:
                        dangling.append(child)
                    continue
                if not child.is_file():
                    continue
                if child.suffix.lower() in SUFFIXES:
                    yield child
                elif skipped is not None:
                    skipped.append(child)
        else:
            yield path
