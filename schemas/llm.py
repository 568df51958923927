"""What the model is asked to return (instructor `response_model`s).

Every value comes with the verbatim text it was read from; code, not the model, finds that
text in the report (`extractor.model.grounding`) and drops what it cannot find.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

Number = int | float


class RowReading(BaseModel):
    """One table row as the model read it."""

    row: str = Field(description="the row key from the list in the instructions")
    quote: str = Field(
        description="the row exactly as printed in the text: its label and its numbers, copied "
        "character for character"
    )
    values: list[Number | None] = Field(
        description="the row's numbers in column order, as printed; null for an empty cell"
    )


class TableReading(BaseModel):
    """The rows of one table that appear in the text given."""

    rows: list[RowReading] = Field(description="every row that appears in the text, in order")

    @model_validator(mode="after")
    def _rows_fit_the_table(self, info: ValidationInfo) -> TableReading:
        """With the table's row widths as validation context, an unknown row key or a row
        with the wrong number of values is sent back to the model to correct."""
        widths: dict[str, int] | None = (info.context or {}).get("widths")
        if not widths:
            return self
        problems = []
        for r in self.rows:
            if r.row not in widths:
                problems.append(f"row {r.row!r} is not one of {', '.join(widths)}")
                continue
            # Empty cells padding a short row out to the table's width are not values.
            while len(r.values) > widths[r.row] and r.values[-1] is None:
                r.values.pop()
            if len(r.values) != widths[r.row]:
                problems.append(f"row {r.row!r} needs {widths[r.row]} values, got {len(r.values)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ReportMeta(BaseModel):
    """Who issued the report and which year it covers."""

    body: str = Field(description="the issuing body as printed in the title, e.g. 抚远市人民政府")
    year: int = Field(description="the year the report covers, e.g. 2024")
    quote: str = Field(description="the title as printed, containing the body and the year")

    @field_validator("year")
    @classmethod
    def _plausible_year(cls, v: int) -> int:
        if not 2007 <= v <= 2100:
            raise ValueError("year must be the four-digit year the report covers")
        return v


class ProseFigure(BaseModel):
    """A number the prose states about what the tables count."""

    quote: str = Field(description="the shortest phrase that states the number, copied verbatim")
    value: Number = Field(description="the number as stated")
    subject: str = Field(
        description="what is counted, in the report's words, e.g. 予以公开, 收到申请, 行政复议"
    )


class ProseFigures(BaseModel):
    figures: list[ProseFigure] = Field(
        description="every figure in the text about applications, their outcomes, 行政复议, "
        "行政诉讼, 规范性文件, 行政许可/处罚/强制 or fees; empty if there is none"
    )
