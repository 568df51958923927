"""The output contract of docs/format.md as pydantic models: one `ReportRecord` per input.

Every field has a description; `python -m schemas` exports them into the JSON Schema.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

Number = int | float


FORMAT = "docs/format.md"


class Span(BaseModel):
    """Where something was read: offsets into the input text as decoded, and the snippet
    (docs/format.md, "Offsets")."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(
        description="offset of the first character in the input as decoded with "
        "extraction.encoding (code points; see docs/format.md, Offsets)"
    )
    end: int = Field(description="offset just past the last character")
    snippet: str = Field(description="the original text between start and end, verbatim")
    chunk: str | None = Field(
        default=None, description="the chunk a model read it from (None: the deterministic reader)"
    )
    page: int | None = Field(
        default=None, description="for a PDF: the page it is printed on, counted from 1"
    )
    bbox: list[float] | None = Field(
        default=None,
        description="for a PDF: its box on that page, [x0, top, x1, bottom] in points from the "
        "page's top left corner",
    )


class Ambiguity(BaseModel):
    """A cell whose text admits more than one reading; its value in `cells` is null."""

    reason: str = Field(description="why the text admits more than one reading")
    candidates: list[Number | None] = Field(
        description="every reading that remains possible; null: the cell printed blank, where "
        "the layout allows a blank cell"
    )


class Unreadable(BaseModel):
    """A cell that could not be read; its value in `cells` is null."""

    reason: str = Field(description="why the cell could not be read")


class Finding(BaseModel):
    """The outcome of one check (docs/format.md, Rule ids)."""

    rule: str = Field(description="rule id of docs/format.md (Rule ids)")
    severity: Literal["error", "warning", "info"] = Field(
        description="error: the report's numbers are wrong; warning: worth a look (an "
        "outdated layout, a doubt in our reading); info: a rule left open"
    )
    status: Literal["failed", "not_checkable"] = Field(
        description="failed: the numbers break the rule; not_checkable: a needed cell is blank "
        "or unreadable"
    )
    cells: list[str] = Field(description="canonical keys of the cells involved")
    left: Number | None = Field(default=None, description="value of the rule's left side")
    right: Number | None = Field(default=None, description="value of the rule's right side")
    message: str = Field(description="what breaks, in Chinese, with both sides' numbers")
    evidence: list[Span] = Field(
        default_factory=list, description="where the cells and quotes involved were read"
    )


class ReadingTried(BaseModel):
    """One sum of cells a prose figure may mean, and what the table gives for it."""

    cells: list[str] = Field(description="canonical keys whose sum the figure may mean")
    values: list[Number | None] = Field(
        description="each cell's value as read (null: blank, unreadable or ambiguous)"
    )
    candidates: dict[str, list[Number | None]] = Field(
        default_factory=dict,
        description="for an ambiguous cell, the readings still possible (null: blank)",
    )
    result: Literal["fits", "differs", "not_checkable"] = Field(
        description="fits: some possible value of the sum equals the figure; differs: none can; "
        "not_checkable: a cell is blank, unreadable or ambiguous and the figure may still fit"
    )


class Contradiction(BaseModel):
    """A figure stated in the prose, judged against the table cells it speaks of."""

    claim: str = Field(description="the claim's topic (e.g. received), or its subject")
    cells: list[str] = Field(description="canonical keys of the reading it was judged against")
    stated: Number | None = Field(description="the figure the prose states")
    table: Number | None = Field(
        description="the sum of those cells (null when it cannot be computed)"
    )
    quote: str = Field(description="the phrase as printed in the original")
    start: int = Field(description="offset of the quote (docs/format.md, Offsets)")
    end: int = Field(description="offset just past the quote")
    verdict: Literal["consistent", "contradiction", "unclear"] = Field(
        description="consistent: some reading of the cells fits; contradiction: every "
        "reading that can be computed differs; unclear: none can be computed, or an ambiguous "
        "cell's candidate would fit"
    )
    readings: list[ReadingTried] = Field(
        default_factory=list, description="every reading of the table the figure was judged on"
    )
    doubt: str | None = Field(
        default=None,
        description="why the figure could not be checked: a reading doubt about the table "
        "(ambiguous, unreadable or blank cells), never an error of the report",
    )
    read_by: Literal["rules", "llm", "both"] | None = Field(
        default=None, description="who found the figure: the patterns, the model, or both"
    )
    used_to_read: bool = Field(
        default=False,
        description="the figure decided the cut of a glued run (settled_by_prose): it agrees "
        "by construction, not as independent evidence",
    )


class Claim(BaseModel):
    """A figure the prose states about table content, grounded in the original text."""

    quote: str = Field(description="the phrase as printed in the original")
    value: Number = Field(description="the figure stated")
    topic: str | None = Field(
        description="what it speaks of, e.g. granted, received, review.corrected (None: not a "
        "topic the tables have)"
    )
    subject: str = Field(description="what is counted, in the report's words")
    start: int = Field(description="offset of the quote (docs/format.md, Offsets)")
    end: int = Field(description="offset just past the quote")
    read_by: Literal["rules", "llm", "both"] = Field(
        description="who found the figure: the patterns, the model, or both"
    )
    chunk: str | None = Field(default=None, description="the chunk a model read it from")


class ProseNumber(BaseModel):
    """A number of the prose whose subject the rules could not settle."""

    value: Number | None = Field(description="the number as written")
    unit: str = Field(description="the measure word after it (件, 项…), empty when none")
    start: int = Field(description="offset of the number (docs/format.md, Offsets)")
    end: int = Field(description="offset just past the number")
    clause: Span = Field(description="the clause around it, as printed")


class ProseNumbers(BaseModel):
    """What the prose pass made of every number in the prose (docs/format.md, Prose numbers)."""

    numbers: int = Field(default=0, description="numbers in the prose regions")
    claims: int = Field(default=0, description="numbers that state a table figure (a claim)")
    not_counted: dict[str, int] = Field(
        default_factory=dict,
        description="numbers that count something the tables do not, by class (date_time, "
        "identifier, share, change, ordinal, people, meetings, posts, money, hotline, other_bodies, "
        "not_ours, other_things, no_count; with hybrid, model_not_table: the model said it "
        "counts none of the tables' quantities)",
    )
    undecided: list[ProseNumber] = Field(
        default_factory=list,
        description="numbers of the tables' kind whose subject the rules could not settle",
    )


class Tokens(BaseModel):
    """Tokens spent on model calls, every attempt included."""

    prompt: int = Field(default=0, description="prompt tokens")
    completion: int = Field(default=0, description="completion tokens")


class InputStamp(BaseModel):
    """The input file as it was read, so that a rerun can tell whether it changed."""

    path: str = Field(description="absolute path of the file (one name per file)")
    size: int = Field(description="size in bytes")
    mtime_ns: int = Field(description="modification time, nanoseconds since the epoch")
    sha256: str = Field(description="SHA-256 of the file's bytes, hex")


class Extraction(BaseModel):
    """How the values of a record were obtained."""

    backend: Literal["rules", "llm", "hybrid"] = Field(
        description="rules: the deterministic reader; llm: a model read every table and the "
        "prose; hybrid: the reader, with a model where it could not decide and on the prose "
        "numbers the rules left undecided"
    )
    model: str | None = Field(default=None, description="the model's name (null: none used)")
    mode: str | None = Field(default=None, description="instructor mode of the model calls")
    prompt_version: str | None = Field(
        default=None, description="id@version of every prompt used, comma-separated"
    )
    calls: int = Field(default=0, description="model calls made (one per chunk asked about)")
    cached: int = Field(default=0, description="answers served from the response cache: no tokens")
    attempts: int = Field(
        default=0,
        description="requests sent to the model, re-asks and retries included, answered or not",
    )
    tokens: Tokens = Field(default_factory=Tokens, description="tokens of every attempt")
    chunks: list[str] = Field(default_factory=list, description="ids of the chunks sent")
    ungrounded: int = Field(
        default=0, description="cell values a model gave that were not found in the report"
    )
    ungrounded_claims: int = Field(
        default=0, description="prose figures a model gave that were not found in the report"
    )
    errors: list[str] = Field(
        default_factory=list,
        description="model calls that failed for good, and why (the reader's cells stand)",
    )
    encoding: str | None = Field(
        default=None,
        description="the codec that decodes the input's bytes into the text the offsets index "
        "(utf-8-sig, utf-16, utf-32 when there is a byte-order mark); docx for .docx and pdf "
        "for .pdf, whose offsets index the text extracted from the document (for a PDF, "
        "`extract --dump-text` prints it)",
    )
    input: InputStamp | None = Field(
        default=None, description="the input file as read (None: standard input or in memory)"
    )


class SectionSpan(BaseModel):
    """Where one of the six sections is in the original."""

    start: int = Field(description="offset of the heading (docs/format.md, Offsets)")
    end: int = Field(description="offset just past the section")
    heading: str = Field(description="the heading as printed")


class ReportRecord(BaseModel):
    """What `extract` writes for one report that could be read (docs/format.md, Output
    contract)."""

    source: str = Field(description="the input path as given (<stdin> for standard input)")
    body: str | None = Field(description="the administrative body that publishes the report")
    year: int | None = Field(description="the year the report is about")
    format: Literal["2021", "2019", "pre2019"] | None = Field(
        description="the table layout: 2021 (国办公开办函〔2021〕30号), 2019 (〔2019〕60号), "
        "pre2019 (older statistics, out of scope); null when none was recognised"
    )
    cells: dict[str, Number | None] = Field(
        default_factory=dict,
        description="canonical key (docs/format.md) to value; null when blank, ambiguous or "
        "unreadable; a key absent means the table has no such cell",
    )
    units: dict[str, str] = Field(
        default_factory=dict,
        description="the unit as printed, for a cell whose unit the report chooses "
        "(active.procurement.amount: 元 or 万元)",
    )
    ambiguous: dict[str, Ambiguity] = Field(
        default_factory=dict, description="cells with more than one possible reading"
    )
    unreadable: dict[str, Unreadable] = Field(
        default_factory=dict, description="cells that could not be read, and why"
    )
    evidence: dict[str, Span] = Field(
        default_factory=dict, description="for each cell read, where in the original"
    )
    findings: list[Finding] = Field(
        default_factory=list, description="the outcomes of the checks (docs/format.md, Rule ids)"
    )
    contradictions: list[Contradiction] = Field(
        default_factory=list, description="every prose figure matched to table cells, judged"
    )
    claims: list[Claim] = Field(default_factory=list, description="figures stated in the prose")
    prose: ProseNumbers = Field(
        default_factory=ProseNumbers,
        description="every number of the prose: claims, not counted (by class), undecided",
    )
    settled_by_prose: dict[str, Span] = Field(
        default_factory=dict,
        description="cells of a glued run whose cut the prose decided: the prose figure used "
        "(the run itself is in evidence)",
    )
    # The reader's rows left with several readings of one printed run, by row: the row's
    # keys and each reading's values. For the stages after the reader; not written out.
    _open_rows: dict[str, tuple[tuple[str, ...], list[tuple[Number | None, ...]]]] = PrivateAttr(
        default_factory=dict
    )
    read_by: dict[str, Literal["rules", "llm", "both"]] = Field(
        default_factory=dict,
        description="per cell: the deterministic reader, the model, or both agreeing",
    )
    sections: dict[str, SectionSpan] = Field(
        default_factory=dict, description="the six sections 一…六 found, by numeral"
    )
    extraction: Extraction = Field(description="how the values were obtained")


# Every kind of error record `extract` writes, with what it means (docs/format.md lists the
# same; tests/test_docs.py checks that the code raises no other).
ERROR_KINDS: dict[str, str] = {
    "empty": "the file is empty, or a document with no text",
    "binary": "binary data or an unknown encoding, not text",
    "encoding": "a byte-order mark the bytes after it do not follow",
    "missing": "no such file (a dangling symbolic link included)",
    "io": "the file cannot be read (permissions, a device error)",
    "docx": "named .docx but not a readable Word document",
    "unsupported_format": "a file type that is not read (reports are .txt, .md, .markdown, "
    ".html, .htm, .xhtml, .docx, .pdf)",
    "not_a_report": "not a government information disclosure annual report: neither its title "
    "words nor its sections and tables; or a page this tool wrote",
    "multiple_reports": "several reports in one file, to be split",
    "corrupt": "a damaged or truncated PDF, or a file named .pdf that is not one",
    "encrypted": "a PDF that needs a password",
    "no_text_layer": "a scanned PDF with no text layer (it needs OCR)",
    "too_large": "a PDF past a limit: --pdf-max-bytes, --pdf-max-pages or --pdf-max-stream",
    "timeout": "reading took more CPU time than any report needs (a backstop; the batch goes on)",
    "internal": "a bug of this tool on this input (the batch goes on)",
}


class InputError(BaseModel):
    """Why an input could not be read."""

    kind: str = Field(
        description="; ".join(f"{k}: {v}" for k, v in ERROR_KINDS.items()),
        json_schema_extra={"enum": list(ERROR_KINDS)},
    )
    message: str = Field(description="the details")


class ErrorRecord(BaseModel):
    """What `extract` writes for an input it could not read: the batch goes on."""

    source: str = Field(description="the input path as given")
    error: InputError = Field(description="why it could not be read")
