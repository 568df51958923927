"""The output contract of FORMAT.md as pydantic models: one `ReportRecord` per input."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Number = int | float


class Span(BaseModel):
    """Where something was read: offsets into the input text as decoded, and the snippet."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(description="offset of the first character in the decoded input")
    end: int = Field(description="offset just past the last character")
    snippet: str = Field(description="the original text between start and end, verbatim")
    chunk: str | None = Field(
        default=None, description="the chunk a model read it from (None: the deterministic reader)"
    )


class Ambiguity(BaseModel):
    reason: str = Field(description="why the text admits more than one reading")
    candidates: list[Number] = Field(description="the readings that remain possible")


class Unreadable(BaseModel):
    reason: str = Field(description="why the cell could not be read")


class Finding(BaseModel):
    rule: str = Field(description="rule id of FORMAT.md")
    severity: Literal["error", "warning", "info"]
    status: Literal["failed", "not_checkable"] = Field(
        description="failed: the numbers break the rule; not_checkable: a needed cell is blank "
        "or unreadable"
    )
    cells: list[str] = Field(description="canonical keys of the cells involved")
    left: Number | None = Field(default=None, description="value of the rule's left side")
    right: Number | None = Field(default=None, description="value of the rule's right side")
    message: str
    evidence: list[Span] = Field(default_factory=list)


class ReadingTried(BaseModel):
    """One sum of cells a prose figure may mean, and what the table gives for it."""

    cells: list[str] = Field(description="canonical keys whose sum the figure may mean")
    values: list[Number | None] = Field(
        description="each cell's value as read (null: blank, unreadable or ambiguous)"
    )
    candidates: dict[str, list[Number]] = Field(
        default_factory=dict, description="for an ambiguous cell, the readings still possible"
    )
    result: Literal["fits", "differs", "not_checkable"] = Field(
        description="fits: some possible value of the sum equals the figure; differs: none can; "
        "not_checkable: a cell is blank, unreadable or ambiguous and the figure may still fit"
    )


class Contradiction(BaseModel):
    claim: str
    cells: list[str]
    stated: Number | None
    table: Number | None
    quote: str
    start: int
    end: int
    verdict: Literal["consistent", "contradiction", "unclear"]
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


class Claim(BaseModel):
    """A figure the prose states about table content, grounded in the original text."""

    quote: str = Field(description="the phrase as printed in the original")
    value: Number
    topic: str | None = Field(
        description="what it speaks of, e.g. granted, received, review.corrected (None: not a "
        "topic the tables have)"
    )
    subject: str = Field(description="what is counted, in the report's words")
    start: int
    end: int
    read_by: Literal["rules", "llm", "both"] = Field(
        description="who found the figure: the patterns, the model, or both"
    )
    chunk: str | None = None


class Tokens(BaseModel):
    prompt: int = 0
    completion: int = 0


class Extraction(BaseModel):
    backend: Literal["rules", "llm", "hybrid"]
    model: str | None = None
    mode: str | None = Field(default=None, description="instructor mode of the model calls")
    prompt_version: str | None = Field(
        default=None, description="id@version of every prompt used, comma-separated"
    )
    calls: int = 0
    cached: int = Field(default=0, description="answers served from the response cache: no tokens")
    attempts: int = Field(default=0, description="model requests, re-asks and retries included")
    tokens: Tokens = Field(default_factory=Tokens)
    chunks: list[str] = Field(default_factory=list, description="ids of the chunks sent")
    ungrounded: int = Field(
        default=0, description="cell values a model gave that were not found in the report"
    )
    ungrounded_claims: int = Field(
        default=0, description="prose figures a model gave that were not found in the report"
    )
    errors: list[str] = Field(
        default_factory=list, description="model calls that failed for good, and why"
    )
    encoding: str | None = Field(default=None, description="how the input bytes were decoded")


class SectionSpan(BaseModel):
    start: int
    end: int
    heading: str


class ReportRecord(BaseModel):
    """What `extract` writes for one report that could be read."""

    source: str
    body: str | None
    year: int | None
    format: Literal["2021", "2019", "pre2019"] | None
    cells: dict[str, Number | None] = Field(default_factory=dict)
    units: dict[str, str] = Field(default_factory=dict)
    ambiguous: dict[str, Ambiguity] = Field(default_factory=dict)
    unreadable: dict[str, Unreadable] = Field(default_factory=dict)
    evidence: dict[str, Span] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    contradictions: list[Contradiction] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list, description="figures stated in the prose")
    read_by: dict[str, Literal["rules", "llm", "both"]] = Field(
        default_factory=dict,
        description="per cell: the deterministic reader, the model, or both agreeing",
    )
    sections: dict[str, SectionSpan] = Field(
        default_factory=dict, description="the six sections 一…六 found, by numeral"
    )
    extraction: Extraction


class InputError(BaseModel):
    kind: str = Field(description="empty, binary, not_a_report, unsupported, missing, ...")
    message: str


class ErrorRecord(BaseModel):
    """What `extract` writes for an input it could not read: the batch goes on."""

    source: str
    error: InputError
