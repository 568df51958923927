"""PDF input: the text of a PDF as the tool reads it, its tables rebuilt from the page layout.

A PDF has no text in reading order, only characters placed on pages, and its tables are
ruling lines drawn around them. This module writes the *extracted text* of a PDF, which is
what every offset of a PDF report points into (`extract --dump-text FILE.pdf` prints it):

- pages in order; on each page, lines of text and tables in order from the top;
- a line of text is its characters left to right; a gap wider than 0.4 of the font size
  is a space, one wider than two characters a tab (a column in a table drawn without
  ruling lines); a line that runs to the right margin and is followed by an unindented
  line that is not a heading goes on without a line break (a wrapped paragraph);
- a table drawn with ruling lines is written one row per line: a cell that spans several
  rows left of the values (a side heading such as 三、本年度办理结果 or （三）不予公开, set
  vertically or not) on a line of its own where it starts, then the row's label (the text of
  its label cells, wrapped lines joined), then a tab before each value cell, blank cells as
  empty fields. Header rows are their cells' texts separated by tabs;
- a table that ends a page and goes on at the top of the next is one table: its header
  rows repeated on the new page are left out, a row broken across the page is joined, and
  the page number or running title between the two parts comes after the table.

Every character of the extracted text that was printed on a page keeps its page number and
bounding box (PDF points, origin at the page's top left), so each cell's evidence can name
where it is in the PDF. The deterministic reader then reads the extracted text like any
other input; the plain text layer of the PDF (pdfplumber's own line-by-line text) is read as
well, and a value the two readings disagree on is reported as a doubt about our reading.
"""

from __future__ import annotations

import io
import re
import zlib
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from extractor.errors import UnreadableInput

Char = dict[str, Any]
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PdfLimits:
    """Resource limits for one PDF; a file past any of them is refused as `too_large`."""

    max_bytes: int = 64 * 2**20  # size of the file
    max_pages: int = 500  # annual reports run to a few dozen pages
    max_stream: int = 32 * 2**20  # one page's content, decompressed


DEFAULT_LIMITS = PdfLimits()
_limits = DEFAULT_LIMITS


def current_limits() -> PdfLimits:
    """The limits PDFs are read with now (handed on to worker processes)."""
    return _limits


def set_limits(limits: PdfLimits) -> None:
    """The limits every PDF read from now on is held to (the CLI's --pdf-max-* options)."""
    global _limits
    _limits = limits


@dataclass
class Layout:
    """Where each character of an extracted text was printed: page (1-based, 0 for a
    character the layout added, such as a tab) and box, by offset into the text."""

    pages: array = field(default_factory=lambda: array("i"))
    boxes: array = field(default_factory=lambda: array("d"))
    plain: str = ""  # the PDF's own text layer, page by page, for the second reading
    page_count: int = 0

    def locate(self, start: int, end: int) -> tuple[int, list[float]] | None:
        """The page and the bounding box [x0, top, x1, bottom] of the characters printed in
        [start, end), on the page of the first of them."""
        page = 0
        x0 = top = float("inf")
        x1 = bottom = float("-inf")
        for i in range(max(0, start), min(end, len(self.pages))):
            p = self.pages[i]
            if p == 0 or (page and p != page):
                continue
            page = p
            b = self.boxes[4 * i : 4 * i + 4]
            x0, top, x1, bottom = min(x0, b[0]), min(top, b[1]), max(x1, b[2]), max(bottom, b[3])
        if not page:
            return None
        return page, [round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1)]


class _Writer:
    """The extracted text being written, with the layout of every character."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.layout = Layout()
        self.length = 0

    def chars(self, piece: Sequence[tuple[str, int, Box]]) -> None:
        for text, page, box in piece:
            self.parts.append(text)
            for _ in text:
                self.layout.pages.append(page)
                self.layout.boxes.extend(box)
            self.length += len(text)

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.layout.pages.extend([0] * len(text))
        self.layout.boxes.extend([0.0] * (4 * len(text)))
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)


Piece = list[tuple[str, int, Box]]  # characters with their page and box


def _piece_text(piece: Piece) -> str:
    return "".join(t for t, _, _ in piece)


# --- lines of characters ----------------------------------------------------------------


def _box(c: Char) -> Box:
    return (c["x0"], c["top"], c["x1"], c["bottom"])


def _lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Characters grouped into lines (top to bottom), each left to right. A character joins
    a line when its vertical middle lies within the line's first character."""
    lines: list[list[Char]] = []
    spans: list[tuple[float, float]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            top, bottom = spans[i]
            if top <= mid <= bottom:
                lines[i].append(c)
                break
        else:
            lines.append([c])
            spans.append((c["top"], c["bottom"]))
    for line in lines:
        line.sort(key=lambda c: c["x0"])
    return lines


def _size(c: Char) -> float:
    return max(float(c.get("size") or 0), c["bottom"] - c["top"], 1.0)


def _stacked(chars: list[Char]) -> bool:
    """Whether two of `chars` (other than spaces) cover most of the same spot."""
    boxes = [_box(c) for c in chars if not c["text"].isspace()][:200]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            w = min(a[2], b[2]) - max(a[0], b[0])
            h = min(a[3], b[3]) - max(a[1], b[1])
            if w > 0 and h > 0 and w * h > 0.5 * (a[2] - a[0]) * (a[3] - a[1]):
                return True
    return False


def _line_piece(line: list[Char], page: int, tabs: bool, by_position: bool = True) -> Piece:
    """One line's characters, with a space (or a tab, for a table column) at each gap."""
    piece: Piece = []
    prev: Char | None = None
    for c in line:
        text = c["text"]
        if not text or (text.isspace() and (prev is None or piece[-1][0].isspace())):
            continue
        if prev is not None and not text.isspace() and by_position:
            gap = c["x0"] - prev["x1"]
            size = _size(c)
            if tabs and gap > 2 * size:
                piece.append(("\t", 0, (0, 0, 0, 0)))
            elif gap > 0.4 * size and not piece[-1][0].isspace():
                piece.append((" ", 0, (0, 0, 0, 0)))
        if text.isspace():
            text = " "
        piece.append((text, page, _box(c)))
        prev = c
    while piece and piece[-1][0].isspace():
        piece.pop()
    return piece


def _wide(a: str) -> bool:
    return not (a.isascii() and a.isalnum())


def _join(lines: list[Piece]) -> Piece:
    """Wrapped lines of one cell as one text: nothing between CJK, a space between words."""
    out: Piece = []
    for line in lines:
        if not line:
            continue
        a, b = out[-1][0][-1] if out else "", line[0][0][0]
        if a and not (_wide(a) or _wide(b)) and not (a.isdigit() and b.isdigit()):
            out.append((" ", 0, (0, 0, 0, 0)))
        out.extend(line)
    return out


# --- tables -------------------------------------------------------------------------------

_VALUE = re.compile(r"[+-]?\d[\d,.]*(?:万元|元|件|个|条|项)?|[-—–/\\_]+|无")
_MARKER = re.compile(r"[(（]?[一二三四五六七八九十\d]{1,2}[)）.、]")


def _is_value(text: str) -> bool:
    t = text.replace(" ", "")
    return not t or bool(_VALUE.fullmatch(t))


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text) and _is_value(text)


@dataclass
class _Cell:
    row: int
    col: int
    rows: int
    cols: int
    piece: Piece

    @property
    def text(self) -> str:
        return _piece_text(self.piece)


@dataclass
class _Row:
    headings: list[Piece]  # side headings that start at this row
    label: Piece
    fields: list[Piece] | None  # None: a header row, whose cells are all in `label`
    header: list[Piece] = field(default_factory=list)


@dataclass
class _Table:
    page: int
    top: float
    bottom: float
    rows: list[_Row]


def _snap(values: Iterable[float], tol: float = 1.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(grid: list[float], v: float) -> int:
    i = bisect_right(grid, v + 1.5) - 1
    return max(0, i)


def _table(page_no: int, bbox: Box, cells: list[Box], chars: list[Char]) -> _Table:
    """A table from its cells' boxes and the characters inside them."""
    xs = _snap([c[0] for c in cells] + [c[2] for c in cells])
    ys = _snap([c[1] for c in cells] + [c[3] for c in cells])
    grid_cells: list[_Cell] = []
    owner: dict[tuple[int, int], int] = {}
    for box in cells:
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        cell = _Cell(r0, c0, max(1, r1 - r0), max(1, c1 - c0), [])
        for r in range(r0, r0 + cell.rows):
            for c in range(c0, c0 + cell.cols):
                owner.setdefault((r, c), len(grid_cells))
        grid_cells.append(cell)
    inside: dict[int, list[Char]] = {}
    for ch in chars:
        mx, my = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        key = (bisect_right(ys, my) - 1, bisect_right(xs, mx) - 1)
        if key in owner:
            inside.setdefault(owner[key], []).append(ch)
    for i, cell in enumerate(grid_cells):
        mine = inside.get(i, [])
        if _stacked(mine):
            # Characters printed on top of one another (vertical text some producers place
            # by glyph positioning a PDF reader does not follow) have no order on the page:
            # their order in the content stream is the reading order.
            cell.piece = _line_piece(mine, page_no, False, by_position=False)
        else:
            cell.piece = _join([_line_piece(line, page_no, False) for line in _lines(mine)])
    by_row: dict[int, list[_Cell]] = {}
    for cell in grid_cells:
        by_row.setdefault(cell.row, []).append(cell)
    value_cols = {c.col for c in grid_cells if _has_digit(c.text)}
    rows = []
    for r in sorted(by_row):
        start = sorted(by_row[r], key=lambda c: c.col)
        in_values = [c for c in start if c.col in value_cols]
        data = bool(in_values) and all(_is_value(c.text) for c in in_values)
        if not data:
            rows.append(_Row([], [], None, [c.piece for c in start if c.piece]))
            continue
        others = [c for c in start if c.col not in value_cols and c.piece]
        headings = [c.piece for c in others if c.rows > 1]
        label = _join([c.piece for c in others if c.rows == 1])
        rows.append(_Row(headings, label, [c.piece for c in in_values]))
    return _Table(page_no, bbox[1], bbox[3], rows)


def _continue(first: _Table, second: _Table) -> None:
    """Append the table `second` (on the next page) to `first`."""
    seen = {tuple(_piece_text(p) for p in r.header) for r in first.rows if r.fields is None}
    rows = list(second.rows)
    while rows and rows[0].fields is None and tuple(_piece_text(p) for p in rows[0].header) in seen:
        rows.pop(0)
    last = next((r for r in reversed(first.rows) if r.fields is not None), None)
    if rows and last is not None and rows[0].fields is not None and not rows[0].headings:
        head = rows[0]
        label = _piece_text(head.label)
        fields = head.fields or []
        # A row broken by the page: its label goes on without an item number, and each
        # value cell is filled on at most one side of the break.
        if (
            label
            and not _MARKER.match(label)
            and len(fields) == len(last.fields or [])
            and all(not (a and b) for a, b in zip(last.fields or [], fields, strict=True))
        ):
            last.label = _join([last.label, head.label])
            last.fields = [a or b for a, b in zip(last.fields or [], fields, strict=True)]
            rows.pop(0)
    first.rows.extend(rows)
    first.bottom = second.bottom


def _write_table(out: _Writer, table: _Table) -> None:
    for row in table.rows:
        if row.fields is None:
            for i, p in enumerate(row.header):
                if i:
                    out.add("\t")
                out.chars(p)
            out.add("\n")
            continue
        for heading in row.headings:
            out.chars(heading)
            out.add("\n")
        out.chars(row.label)
        for f in row.fields:
            out.add("\t")
            out.chars(f)
        out.add("\n")


# --- pages --------------------------------------------------------------------------------

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_HEADING = re.compile(r"[(（]?[一二三四五六七八九十\d]{1,2}[)）.、]|第[一二三四五六七八九十]")
_STOPS = "。！？：；!?:;"


@dataclass
class _Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    piece: Piece


def _page_blocks(page: Any, page_no: int) -> list[_Line | _Table]:
    """The lines of text and the tables of one page, top to bottom."""
    chars = [c for c in page.chars if c.get("text")]
    tables = []
    in_table: set[int] = set()
    for t in page.find_tables(_TABLE_SETTINGS):
        if len(t.cells) < 2:
            continue  # a frame around text, not a table
        x0, top, x1, bottom = t.bbox
        mine = [
            c
            for c in chars
            if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
        ]
        in_table.update(id(c) for c in mine)
        tables.append(_table(page_no, t.bbox, list(t.cells), mine))
    blocks: list[_Line | _Table] = list(tables)
    for line in _lines(c for c in chars if id(c) not in in_table):
        piece = _line_piece(line, page_no, True)
        if piece:
            blocks.append(
                _Line(
                    page_no,
                    min(c["top"] for c in line),
                    max(c["bottom"] for c in line),
                    line[0]["x0"],
                    line[-1]["x1"],
                    max(_size(c) for c in line),
                    piece,
                )
            )
    blocks.sort(key=lambda b: b.top)
    return _unruled_rows(blocks)


_TAB: tuple[str, int, Box] = ("\t", 0, (0.0, 0.0, 0.0, 0.0))


def _values_at(piece: Piece) -> int | None:
    """Where the value cells at the end of a line start (the line's label is before), or
    None for a line that does not end in values set apart by a tab."""
    text = _piece_text(piece)
    fields = text.split("\t")
    at = len(text)
    start = None
    for f in reversed(fields):
        at -= len(f)
        if not f.strip() or not all(_VALUE.fullmatch(w) for w in f.split()):
            # A value closer to its label than a tab's gap: the words at the field's end.
            tail = re.search(r"(?: (?:" + _VALUE.pattern + r"))+$", f)
            if tail and start is not None:
                start = at + tail.start() + 1
            break
        start = at
        at -= 1  # the tab before it
    if start is None or (start == 0 and len(fields) < 2):
        return None
    return start


def _unruled_rows(blocks: list[_Line | _Table]) -> list[_Line | _Table]:
    """Rows of a table drawn without ruling lines, from the positions of its words.

    A label that wraps around its values (the values centred between its lines, or on its
    first line with the rest below) is printed as several lines; the lines left of the
    value columns and next to a line of values, tightly spaced, are that row's label. Lines
    above a row of values without a label go up to the one that starts with an item number;
    lines below one go on while they start with none."""
    lines = [b for b in blocks if isinstance(b, _Line)]
    values = {id(b): _values_at(b.piece) for b in lines}
    taken: set[int] = set()
    out: list[_Line | _Table] = []
    merged: dict[int, _Line] = {}
    for i, b in enumerate(lines):
        at = values[id(b)]
        if at is None:
            continue
        value_x = b.piece[at][2][0]

        def label_only(o: _Line, value_x: float = value_x) -> bool:
            return values[id(o)] is None and "\t" not in _piece_text(o.piece) and o.x1 < value_x

        def close(a: _Line, z: _Line) -> bool:
            return z.top - a.bottom < 0.8 * max(a.size, z.size)

        above: list[_Line] = []
        if not _MARKER.match(_piece_text(b.piece[:at]).strip()):
            j = i - 1
            nearest = b
            while j >= 0 and id(lines[j]) not in taken and label_only(lines[j]):
                if not close(lines[j], nearest):
                    break
                above.insert(0, lines[j])
                nearest = lines[j]
                if _MARKER.match(_piece_text(lines[j].piece)):
                    break
                j -= 1
            if above and not _MARKER.match(_piece_text(above[0].piece)):
                above = []
        below: list[_Line] = []
        j = i + 1
        nearest = b
        while j < len(lines) and label_only(lines[j]) and close(nearest, lines[j]):
            if _HEADING.match(_piece_text(lines[j].piece)):
                break
            below.append(lines[j])
            nearest = lines[j]
            j += 1
        if not above and not below:
            continue
        own = b.piece[:at]
        while own and own[-1][0] == "\t":
            own = own[:-1]
        label = _join([o.piece for o in above] + ([own] if own else []) + [o.piece for o in below])
        group = [*above, b, *below]
        taken.update(id(o) for o in group)
        merged[id(group[0])] = _Line(
            b.page,
            min(o.top for o in group),
            max(o.bottom for o in group),
            min(o.x0 for o in group),
            max(o.x1 for o in group),
            b.size,
            [*label, _TAB, *b.piece[at:]],
        )
    for blk in blocks:
        if id(blk) in merged:
            out.append(merged[id(blk)])
        elif id(blk) not in taken:
            out.append(blk)
    return out


def _furniture(block: _Line | _Table, height: float) -> bool:
    """A page number or running title in the top or bottom margin."""
    return isinstance(block, _Line) and (block.bottom < 0.1 * height or block.top > 0.9 * height)


def _write(pages: list[tuple[float, float, list[_Line | _Table]]]) -> _Writer:
    out = _Writer()
    blocks: list[tuple[float, _Line | _Table]] = []
    for height, _, page_blocks in pages:
        blocks.extend((height, b) for b in page_blocks)
    # Join tables that go on across a page break; page furniture between them moves after.
    merged: list[tuple[float, _Line | _Table]] = []
    i = 0
    while i < len(blocks):
        height, block = blocks[i]
        if isinstance(block, _Table):
            moved: list[tuple[float, _Line | _Table]] = []
            j = i + 1
            while j < len(blocks):
                between = []
                k = j
                while k < len(blocks) and _furniture(blocks[k][1], blocks[k][0]):
                    between.append(blocks[k])
                    k += 1
                nxt = blocks[k][1] if k < len(blocks) else None
                if isinstance(nxt, _Table) and nxt.page == block.page + 1:
                    _continue(block, nxt)
                    block.page = nxt.page
                    moved.extend(between)
                    j = k + 1
                else:
                    break
            merged.append((height, block))
            merged.extend(moved)
            i = j
            continue
        merged.append((height, block))
        i += 1
    margins: dict[int, tuple[float, float]] = {}
    for _, _, page_blocks in pages:
        lines = [b for b in page_blocks if isinstance(b, _Line)]
        if lines:
            margins[lines[0].page] = (min(b.x0 for b in lines), max(b.x1 for b in lines))
    prev: _Line | _Table | None = None
    for _, block in merged:
        if isinstance(block, _Table):
            if prev is not None:
                out.add("\n")
            _write_table(out, block)
            prev = block
            continue
        if isinstance(prev, _Line):
            left, right = margins.get(prev.page, (0.0, 0.0))
            text = _piece_text(block.piece)
            wrapped = (
                prev.page == block.page
                and "\t" not in text
                and "\t" not in _piece_text(prev.piece)
                and prev.x1 >= right - 1.5 * prev.size
                and block.x0 <= left + 0.5 * block.size
                and _piece_text(prev.piece)[-1] not in _STOPS
                and not _HEADING.match(text)
            )
            out.add("" if wrapped else "\n")
        out.chars(block.piece)
        prev = block
    if isinstance(prev, _Line):
        out.add("\n")
    return out


# --- reading a file -----------------------------------------------------------------------


def _check_streams(page: Any, limit: int) -> None:
    """Refuse a page whose content decompresses past `limit` bytes (a zip bomb), before the
    PDF library inflates it whole."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, resolve1

    contents = resolve1(page.page_obj.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    total = 0
    for s in streams:
        s = resolve1(s)
        raw = getattr(s, "rawdata", None)
        if raw is None or getattr(s, "decipher", None):
            continue
        filters = s.get_filters()
        if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
            total += len(raw)
        else:
            d = zlib.decompressobj()
            try:
                total += len(d.decompress(raw, limit + 1 - total))
            except zlib.error:
                continue
        if total > limit:
            raise UnreadableInput(
                "too_large",
                f"page {page.page_number} holds more than {limit} bytes of content "
                "(limit --pdf-max-stream)",
            )


def read_pdf(data: bytes, limits: PdfLimits | None = None) -> tuple[str, Layout]:
    """The extracted text of a PDF and the layout of its characters."""
    limits = limits or _limits
    if len(data) > limits.max_bytes:
        raise UnreadableInput(
            "too_large",
            f"{len(data)} bytes, over the limit of {limits.max_bytes} (--pdf-max-bytes)",
        )
    if b"%%EOF" not in data[-4096:]:
        raise UnreadableInput(
            "corrupt", "a damaged PDF: the file is cut short (no %%EOF at its end)"
        )
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as e:
        cause = e.args[0] if e.args else e
        if isinstance(cause, PDFPasswordIncorrect):
            raise UnreadableInput("encrypted", "the PDF is encrypted and needs a password") from e
        raise UnreadableInput("corrupt", f"a damaged PDF ({cause.__class__.__name__})") from e
    except Exception as e:  # pdfminer raises many unrelated types on a broken file
        raise UnreadableInput("corrupt", f"a damaged PDF ({e.__class__.__name__})") from e
    with pdf:
        try:
            count = len(pdf.pages)
        except Exception as e:
            raise UnreadableInput("corrupt", f"a damaged PDF ({e.__class__.__name__})") from e
        if count > limits.max_pages:
            raise UnreadableInput(
                "too_large",
                f"{count} pages, over the limit of {limits.max_pages} (--pdf-max-pages)",
            )
        if count == 0:
            raise UnreadableInput("corrupt", "a damaged PDF: it has no pages")
        pages = []
        plain = []
        try:
            for page in pdf.pages:
                _check_streams(page, limits.max_stream)
                page = page.dedupe_chars()
                pages.append(
                    (float(page.height), float(page.width), _page_blocks(page, page.page_number))
                )
                plain.append(page.extract_text())
        except UnreadableInput:
            raise
        except Exception as e:
            raise UnreadableInput("corrupt", f"a damaged PDF ({e.__class__.__name__}: {e})") from e
    if not any(blocks for _, _, blocks in pages):
        raise UnreadableInput(
            "no_text_layer",
            f"no text layer in {count} page(s): a scanned PDF, which needs OCR before it can be read",
        )
    out = _write(pages)
    out.layout.plain = "\n".join(plain)
    out.layout.page_count = count
    return out.text(), out.layout
