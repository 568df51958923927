"""Gold labels of the evaluation set (`eval/fixtures/`), checked by hand."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.report import Number


class ExpectedFailure(BaseModel):
    """A rule that fails on the report's own numbers."""

    rule: str = Field(description="rule id of docs/format.md")
    cells: list[str] = Field(default_factory=list, description="canonical keys involved")


class GoldReport(BaseModel):
    """The hand-checked reading of one report (keys of docs/format.md)."""

    source: str = Field(description="path of the report, relative to the project root")
    body: str = Field(description="the administrative body that publishes the report")
    year: int = Field(description="the year the report is about")
    format: Literal["2021", "2019", "pre2019"] = Field(description="the table layout")
    cells: dict[str, Number | None] = Field(
        description="canonical key to value as printed (null: blank)"
    )
    units: dict[str, str] = Field(
        default_factory=dict, description="the unit as printed, for cells that have one"
    )
    expected_failures: list[ExpectedFailure] = Field(
        default_factory=list, description="rules that genuinely fail on the report's own numbers"
    )
    notes: str = Field(default="", description="anything a reader of the labels should know")


class ExpectedClaim(BaseModel):
    """A figure the prose states that must be flagged as contradicting the table."""

    topic: str
    stated: Number


CaseKind = Literal[
    "clean", "prose_changed", "table_changed", "both_changed", "layout_noise", "hard_negative"
]


class Case(BaseModel):
    """One labelled report of the evaluation set."""

    id: str
    kind: CaseKind
    base: str = Field(description="the report it was made from")
    suffix: str = ".txt"
    text: str
    body: str
    year: int
    format: Literal["2021", "2019"]
    cells: dict[str, Number | None] = Field(description="the table as printed in `text`")
    contradictions: list[ExpectedClaim] = Field(default_factory=list)
    failures: list[ExpectedFailure] = Field(
        default_factory=list, description="rules that fail on the table as printed"
    )

    @property
    def clean(self) -> bool:
        return not self.contradictions
