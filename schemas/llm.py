"""What the model is asked to return (instructor `response_model`s).

Every value comes with the verbatim text it was read from; code, not the model, finds that
text in the report (`extractor.model.grounding`) and drops what it cannot find.
"""

from __future__ import annotations

import re
from typing import Literal

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


# --- the numbers of the prose the rules left undecided -----------------------------------

# The choices the model has for an undecided number: the claim topics the prose pass judges
# (extractor/prose/align.py `readings`), each under a short Chinese label, with the words a
# clause names it by (shown to the model), and the word the clause must hold for the choice
# to stand; and "其他" (not a table quantity). The labels are what the model sees and answers
# (an enum in the schema).
TOPIC_CHOICES: tuple[tuple[str, str, str, str], ...] = (
    ("received", "本年新收申请", "收到/受理/新收 申请", "申请"),
    ("handled", "办结或答复申请", "办结/答复/办理 申请", "申请"),
    ("carried_in", "上年结转申请", "上年结转", "结转"),
    ("carried_out", "结转下年度申请", "结转/顺延 下年", "结转|顺延|下年"),
    ("granted", "予以公开", "予以公开/同意公开", "公开"),
    ("partial", "部分公开", "部分公开", "部分公开"),
    ("denied", "不予公开", "不予公开", "不予公开"),
    ("unavailable", "无法提供", "无法提供/不掌握", "无法提供|不掌握|不存在"),
    ("not_processed", "不予处理", "不予处理", "不予处理"),
    ("other_processing", "其他处理", "其他处理", "其他处理"),
    ("review", "行政复议案件", "复议", "复议"),
    ("litigation", "行政诉讼案件", "诉讼/起诉", "诉讼|起诉"),
    ("rules.issued", "制发规章", "制发/出台 规章", "规章"),
    ("rules.repealed", "废止规章", "废止 规章", "规章"),
    ("rules.in_force", "现行有效规章", "现行有效 规章", "规章"),
    ("normative_docs.issued", "制发规范性文件", "制发/印发/出台 规范性文件", "规范性文件"),
    ("normative_docs.repealed", "废止规范性文件", "废止/失效 规范性文件", "规范性文件"),
    ("normative_docs.in_force", "现行有效规范性文件", "现行有效 规范性文件", "规范性文件"),
    ("licensing", "行政许可决定", "许可", "许可"),
    ("penalty", "行政处罚决定", "处罚", "处罚"),
    ("coercion", "行政强制决定", "强制", "强制"),
    ("fees", "行政事业性收费金额", "收费", "收费"),
)
NOT_A_TABLE_QUANTITY = "其他"
TOPIC_OF_LABEL: dict[str, str] = {label: topic for topic, label, _, _ in TOPIC_CHOICES}
NEEDS: dict[str, re.Pattern[str]] = {
    label: re.compile(needs) for _, label, _, needs in TOPIC_CHOICES
}
ChoiceLabel = Literal[  # type: ignore[valid-type]
    (NOT_A_TABLE_QUANTITY, *(label for _, label, _, _ in TOPIC_CHOICES))
]


class NumberAnswers(BaseModel):
    """What each item's marked number counts, in the items' order."""

    answers: list[ChoiceLabel] = Field(  # type: ignore[valid-type]
        description="one choice per item, in the items' order"
    )

    @model_validator(mode="after")
    def _one_per_item(self, info: ValidationInfo) -> NumberAnswers:
        """With the items' clauses as validation context, an answer with more or fewer
        choices than items is sent back to correct."""
        clauses: list[str] | None = (info.context or {}).get("clauses")
        if clauses is None:
            return self
        if len(self.answers) != len(clauses):
            raise ValueError(
                f"give exactly {len(clauses)} answers, one per item; got {len(self.answers)}"
            )
        return self
