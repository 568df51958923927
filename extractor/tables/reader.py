"""The deterministic reader: a normalised document into a `ReportRecord`, no model needed."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from extractor.errors import UnreadableInput
from extractor.ingest.files import Document
from extractor.ingest.metadata import has_title, report_titles, title
from extractor.ingest.sections import Section, find_sections
from extractor.ingest.text import MappedText
from extractor.tables.cells import Cell
from extractor.tables.grid import (
    TableRead,
    active_layout,
    read_active,
    read_applications,
    read_review,
)
from schemas import Ambiguity, Extraction, Finding, ReportRecord, SectionSpan, Span, Unreadable
from schemas import keys as K


@dataclass(frozen=True)
class Tables:
    """The three statistical tables as read, with the layout decisions behind them."""

    format: str
    active: TableRead
    applications: TableRead
    review: TableRead

    @property
    def other_split(self) -> bool:
        return self.applications.layout == "split"


def _region(sections: dict[str, Section], numeral: str, text: str) -> tuple[int, int]:
    """Where to look for a section's table: the section, or, when its heading is missing,
    the stretch between the neighbouring sections that were found."""
    if numeral in sections:
        s = sections[numeral]
        return s.body, s.end
    order = "一二三四五六"
    i = order.index(numeral)
    before = [sections[n].body for n in order[:i] if n in sections]
    after = [sections[n].start for n in order[i + 1 :] if n in sections]
    return (max(before) if before else 0), (min(after) if after else len(text))


def table_regions(text: str, sections: dict[str, Section]) -> dict[str, tuple[int, int]]:
    """Where each of the tables 二, 三, 四 is to be looked for."""
    return {n: _region(sections, n, text) for n in ("二", "三", "四")}


def repeats_collapsed(text: str) -> bool:
    """Whether the text never repeats a line: a crawler that collapses repeated lines
    prints a row of seven zeros as one "0". Only a text with a value per line can show it,
    and the tables decide whether their runs look like that."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    return len(lines) > 40 and all(a != b for a, b in pairwise(lines))


def read_tables(text: str, sections: dict[str, Section], year: int | None) -> Tables:
    regions = table_regions(text, sections)
    start2, end2 = regions["二"]
    start3, end3 = regions["三"]
    start4, end4 = regions["四"]
    collapsed = repeats_collapsed(text)
    applications = read_applications(text, start3, end3, collapsed)
    layout = active_layout(text, start2, end2)
    if layout is None:
        old = applications.layout == "single" and year is not None and year <= 2020
        layout = "2019" if old else "2021"
    active = read_active(text, start2, end2, layout, collapsed)
    if (
        applications.found
        and applications.labels
        and ("三" not in sections or "四" not in sections)
    ):
        # Table 四's region was guessed and may hold table 三 (whose header has 总计 too).
        start4 = max(start4, max(e for _, e in applications.labels.values()))
    review = read_review(text, start4, end4, collapsed, applications.separator)
    return Tables(layout, active, applications, review)


def span_of(text: MappedText, start: int, end: int, chunk: str | None = None) -> Span:
    """The evidence for the normalised span [start, end): offsets and text of the original."""
    s, e, snippet = text.snippet(start, end)
    return Span(start=s, end=e, snippet=snippet, chunk=chunk)


def _merge(
    record: ReportRecord, text: MappedText, table: TableRead, keys: tuple[str, ...], missing: str
) -> None:
    """Put one table's reading into the record under the canonical keys."""
    for key in keys:
        cell: Cell | None
        if key in table.cells:
            cell = table.cells[key]
            record.cells[key] = cell.value if cell else None
            if cell is not None:
                record.evidence[key] = span_of(text, cell.start, cell.end)
                if cell.unit and key in K.UNIT_KEYS:
                    record.units[key] = cell.unit
        elif key in table.ambiguous:
            reason, candidates, (s, e) = table.ambiguous[key]
            record.cells[key] = None
            record.ambiguous[key] = Ambiguity(reason=reason, candidates=candidates)
            record.evidence[key] = span_of(text, s, e)
        else:
            record.cells[key] = None
            reason = table.unreadable.get(key, missing if not table.found else "未读出")
            record.unreadable[key] = Unreadable(reason=reason)


def _row_of(key: str) -> str:
    """The row key of a cell key (table 四's one row is "review")."""
    table, _, rest = key.partition(".")
    if table in ("review", "litigation"):
        return "review"
    return rest.rsplit(".", 1)[0]


NOT_A_REPORT = (
    "not a government information disclosure annual report: neither its title words "
    "(…年度政府信息公开工作年度报告) nor its sections and tables"
)
# Without the title, what makes a text a report: at least two of its six section headings
# and rows of its tables found by their labels, or table 三 by itself (its labels are
# unmistakable). A year, a body and a few numbers are in every notice.
SECTIONS_OF_A_REPORT = 2
LABELLED_ROWS = 3
APPLICATION_ROWS_ALONE = 10


def _structured(tables: Tables, sections: dict[str, Section]) -> bool:
    """Whether the text has a report's structure: sections and labelled table rows."""
    apps = len(tables.applications.labels)
    rows = apps + len(tables.active.labels)
    return (
        len(sections) >= SECTIONS_OF_A_REPORT and rows >= LABELLED_ROWS
    ) or apps >= APPLICATION_ROWS_ALONE


def read_report(
    doc: Document, sections: dict[str, Section] | None = None, guessed: set[str] | None = None
) -> ReportRecord:
    """Read one report with the deterministic reader alone. Given a set `guessed`, add to it
    the keys of the cells read by a guess about the layout (a misreading could explain a
    rule they break)."""
    text = doc.text.text
    sections = find_sections(text) if sections is None else sections
    body, year = title(text)
    extraction = Extraction(backend="rules", encoding=doc.encoding)
    titles = report_titles(text)
    if len(titles) > 1:
        lines = "、".join(str(text.count("\n", 0, t) + 1) for t in titles)
        raise UnreadableInput(
            "multiple_reports",
            f"{len(titles)} reports in one file (titles on lines {lines}): split it into one file each",
        )
    titled = has_title(text)
    if year is not None and year <= 2018:
        if not titled and len(sections) < SECTIONS_OF_A_REPORT:
            raise UnreadableInput("not_a_report", NOT_A_REPORT)
        # The statistics layout before 2019 has other tables; reading them as the national
        # format would only produce wrong numbers.
        return ReportRecord(
            source=doc.source, body=body, year=year, format="pre2019", extraction=extraction
        )
    tables = read_tables(text, sections, year)
    if not titled and not _structured(tables, sections):
        raise UnreadableInput("not_a_report", NOT_A_REPORT)
    record = ReportRecord(
        source=doc.source,
        body=body,
        year=year,
        format=tables.format,  # type: ignore[arg-type]
        extraction=extraction,
        sections={
            n: SectionSpan(
                **dict(zip(("start", "end"), doc.text.origin(s.start, s.end), strict=True)),
                heading=doc.text.text[s.start : s.body].strip(),
            )
            for n, s in sections.items()
        },
    )
    layout_keys = K.all_keys(tables.format, tables.other_split)
    active = K.active_keys(tables.format)
    apps = tuple(k for k in layout_keys if k.startswith("applications."))
    _merge(record, doc.text, tables.active, active, "未找到表二")
    _merge(record, doc.text, tables.applications, apps, "未找到表三")
    _merge(record, doc.text, tables.review, K.REVIEW_KEYS, "未找到表四")
    for table in (tables.active, tables.applications, tables.review):
        record._open_rows.update(
            (row, (keys, opts))
            for row, (keys, opts) in table.open_rows.items()
            if any(k in record.ambiguous for k in keys)
        )
    if guessed is not None:
        for table in (tables.active, tables.applications, tables.review):
            if table.guessed:
                guessed.update(k for k in record.cells if _row_of(k) in table.guessed)
    for table in (tables.active, tables.applications):
        for row, note in table.chosen.items():
            keys = [k for k in record.cells if k.rsplit(".", 1)[0].endswith(f".{row}")]
            # The evidence is the whole printed run the cut was chosen for.
            spans = [record.evidence[k] for k in keys if k in record.evidence]
            run = [_covering(spans, doc.text.original)] if spans else []
            record.findings.append(
                Finding(
                    rule="reading_chosen",
                    severity="info",
                    status="not_checkable",
                    cells=keys,
                    message=f"{row} 行数字粘连，没有一种读法符合全部规则：{note}；"
                    "按此读法违反的规则是报告本身的错误",
                    evidence=run,
                )
            )
    return record


def _covering(spans: list[Span], original: str) -> Span:
    """One span from the first of `spans` to the last, with the original text between."""
    start = min(s.start for s in spans)
    end = max(s.end for s in spans)
    return Span(start=start, end=end, snippet=original[start:end])
