"""The evaluation's own arithmetic checker: which rules of docs/format.md a table breaks.

Written from the rule table of docs/format.md ("Rule ids"), over the evaluation's literal
description of the format (eval/national_format.py), apart from the product's validator
(`extractor.tables.rules`) on purpose: what a changed table is expected to break must not come
from the code it grades. An equation with a blank or absent cell is not checkable and is left
out (the format does not say what a blank adds up to).
"""

from __future__ import annotations

from dataclasses import dataclass

from eval import national_format as F

Cells = dict[str, int | float | None]


@dataclass(frozen=True)
class Equation:
    """`sum(left) == sum(right)`, named by its rule id."""

    rule: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return self.left + self.right


@dataclass(frozen=True)
class Broken:
    """A rule a table breaks: its equation and both sides as printed."""

    rule: str
    cells: tuple[str, ...]
    left: int | float
    right: int | float


def equations(cells: Cells) -> list[Equation]:
    """Every equation of the format over the table 三 and 四 cells `cells` has."""
    app = F.application_key
    other_split = app("other.overdue_correction", "total") in cells
    rows = F.application_rows(other_split)
    outcomes = [r for r in rows if r not in F.NOT_OUTCOMES]
    out: list[Equation] = []
    # balance: new.c + carried_in.c = total.c + carried_out.c, for every column
    for c in F.APPLICANT_COLUMNS:
        out.append(
            Equation(
                "balance",
                (app("new", c), app("carried_in", c)),
                (app("total", c), app("carried_out", c)),
            )
        )
    # outcome_sum: total.c = the outcome rows （一）…（六）, for every column
    for c in F.APPLICANT_COLUMNS:
        out.append(Equation("outcome_sum", (app("total", c),), tuple(app(r, c) for r in outcomes)))
    # column_sum: r.total = the six applicant columns, for every row
    for r in rows:
        out.append(
            Equation("column_sum", (app(r, "total"),), tuple(app(r, c) for c in F.APPLICANT_PARTS))
        )
    # review_sum, litigation_direct_sum, litigation_after_review_sum
    for group, rule in zip(
        F.REVIEW_GROUPS,
        ("review_sum", "litigation_direct_sum", "litigation_after_review_sum"),
        strict=True,
    ):
        parts = tuple(f"{group}.{o}" for o in F.OUTCOMES if o != "total")
        out.append(Equation(rule, (f"{group}.total",), parts))
    return out


def broken(cells: Cells) -> list[Broken]:
    """The equations `cells` break, and every negative count or amount (value_domain)."""
    out = []
    for eq in equations(cells):
        values = [cells.get(k) for k in eq.cells]
        if any(v is None for v in values):
            continue
        left = sum(cells[k] for k in eq.left)  # type: ignore[misc]
        right = sum(cells[k] for k in eq.right)  # type: ignore[misc]
        if abs(left - right) > 1e-9:
            out.append(Broken(eq.rule, eq.cells, left, right))
    for key, value in cells.items():
        if value is not None and value < 0 and F.value_kind(key) != "signed":
            out.append(Broken("value_domain", (key,), value, 0))
    return out


def newly_broken(before: Cells, after: Cells) -> list[Broken]:
    """What a change of the table breaks that the table did not break before."""
    had = {(b.rule, b.cells) for b in broken(before)}
    return [b for b in broken(after) if (b.rule, b.cells) not in had]


__all__ = ["Broken", "Equation", "broken", "equations", "newly_broken"]
