"""Table variants of the real reports: one printed cell changed, so the validator has
something to find.

The real reports' tables break no rule (their gold labels list no report error), so on the
originals a validator whose equations never fail scores as well as a working one. Each
variant changes one printed value of table 三 or 四 in the scraped text — located by the
evaluation's own locator (`eval/locate.py`, from the gold values, not the product's
evidence), to a number of as many digits so that a glued row keeps its length — and expects
exactly the rules the evaluation's own checker (`eval/arithmetic.py`, written from
docs/format.md) finds newly broken. Only cells whose every equation is printed in full (no
blank cell) are changed: what a blank adds up to is not the format's to say.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from eval import arithmetic
from eval.locate import locate, printed, replace
from eval.real import RealCase

# The rules a one-cell change of table 三 or 四 can break (docs/format.md, "Rule ids").
from eval.scoring import ARITHMETIC
from schemas import ReportRecord


@dataclass
class TableVariant:
    case: RealCase  # the changed report (its gold is the original's)
    key: str
    old: int | float
    new: int | float
    expected: list[arithmetic.Broken]


def _changeable(cells: dict) -> list[str]:
    """Keys of tables 三 and 四 whose every equation has all its cells printed."""
    eqs = arithmetic.equations(cells)
    keys = sorted({k for eq in eqs for k in eq.cells if k in cells})
    out = []
    for key in keys:
        mine = [eq for eq in eqs if key in eq.cells]
        if cells.get(key) is None or not mine:
            continue
        if all(cells.get(k) is not None for eq in mine for k in eq.cells):
            out.append(key)
    return out


def _new_value(old: int | float, rng: random.Random) -> int | None:
    """A count as long as `old` as printed, and not `old`."""
    if not float(old).is_integer():
        return None
    deltas = [1, -1, 2, -2, 3, -3]
    rng.shuffle(deltas)
    for d in deltas:
        new = int(old) + d
        if new >= 0 and len(str(new)) == len(printed(old)):
            return new
    return None


def variants(cases: list[RealCase], seed: int = 2026, per_report: int = 3) -> list[TableVariant]:
    """Up to `per_report` one-cell table variants of every report, deterministic for a seed."""
    rng = random.Random(seed)
    out = []
    for case in cases:
        cells = case.gold["cells"]
        ambiguous = set(case.gold.get("ambiguous") or ())
        text = case.text
        located = []
        for key in _changeable(cells):
            span = None if key in ambiguous else locate(text, cells, key)
            if span is not None:
                located.append((key, span))
        for key, span in rng.sample(located, min(per_report, len(located))):
            new = _new_value(cells[key], rng)
            if new is None:
                continue
            changed = dict(cells, **{key: new})
            expected = arithmetic.newly_broken(cells, changed)
            data = replace(text, span, new).encode("utf-8")
            out.append(
                TableVariant(
                    RealCase(
                        name=f"{case.name}#{key}",
                        report=case.name,
                        layout=case.layout,
                        data=data,
                        gold=case.gold,
                        figures=[],
                        note=f"{key} {printed(cells[key])} → {new}",
                    ),
                    key,
                    cells[key],
                    new,
                    expected,
                )
            )
    return out


@dataclass
class TableVariantScore:
    tp: int = 0  # expected broken rules the record reports
    fp: int = 0  # failed arithmetic findings the change does not explain
    fn: int = 0
    cell_right: bool = False  # the changed cell read as now printed
    misses: list[str] = field(default_factory=list)


def _failed(record: ReportRecord) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (f.rule, tuple(f.cells))
        for f in record.findings
        if f.status == "failed" and f.rule in ARITHMETIC
    ]


def score(variant: TableVariant, record: ReportRecord, original: ReportRecord) -> TableVariantScore:
    """The validator on one variant: each expected broken rule is found when a failed finding
    of the same rule names one of its cells (one finding per rule broken); a failed finding
    the original record already had is the original's, not the change's."""
    out = TableVariantScore(cell_right=record.cells.get(variant.key) == variant.new)
    had = set(_failed(original))
    findings = [f for f in _failed(record) if f not in had]
    used: set[int] = set()
    for b in variant.expected:
        hit = next(
            (
                i
                for i, (rule, cells) in enumerate(findings)
                if i not in used and rule == b.rule and set(cells) & set(b.cells)
            ),
            None,
        )
        if hit is None:
            out.fn += 1
            out.misses.append(f"{b.rule} not found ({b.left} ≠ {b.right})")
        else:
            used.add(hit)
            out.tp += 1
    for i, (rule, cells) in enumerate(findings):
        if i not in used:
            out.fp += 1
            shown = ", ".join(cells[:3]) + (" …" if len(cells) > 3 else "")
            out.misses.append(f"false {rule} [{shown}]")
    if not out.cell_right:
        got = record.cells.get(variant.key, "absent")
        if variant.key in record.ambiguous:
            got = f"ambiguous {record.ambiguous[variant.key].candidates}"
        out.misses.append(f"changed cell read {got}, printed {variant.new}")
    return out


__all__ = ["ARITHMETIC", "TableVariant", "TableVariantScore", "score", "variants"]
