"""Gold labels of the evaluation set (`eval/fixtures/`), checked by hand."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from schemas.report import Number


class ExpectedFailure(BaseModel):
    rule: str
    cells: list[str] = Field(default_factory=list)


class GoldReport(BaseModel):
    source: str = Field(description="path of the report, relative to the project root")
    body: str
    year: int
    format: Literal["2021", "2019", "pre2019"]
    cells: dict[str, Number | None]
    units: dict[str, str] = Field(default_factory=dict)
    expected_failures: list[ExpectedFailure] = Field(
        default_factory=list, description="rules that genuinely fail on the report's own numbers"
    )
    notes: str = ""
