"""The real corpus scored: per report, per layout and in total, apart from the synthetic set.

Each report of `eval/fixtures/real/` is read as `extract` reads a `.txt` file (the provenance
line cut off), and scored on its tables and prose (`eval/scoring.py`). Its prose variants
(`eval/real.py`), each with one figure changed to contradict the table, are scored on prose;
its table variants (`eval/real_tables.py`), each with one printed cell changed, on the rules
the validator finds broken.

A ratio with nothing to count (no labelled contradiction, no report error) is `None`, printed
`n/a`: it says nothing either way, and never satisfies a threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from eval import real_tables
from eval.real import RealCase, load, variants
from eval.scoring import ProseScore, TableScore, score_prose, score_tables
from extractor.errors import UnreadableInput
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
from schemas import Extraction, ReportRecord


@dataclass
class Result:
    case: RealCase
    record: ReportRecord
    tables: TableScore | None  # None for a variant: its tables are the original's
    prose: ProseScore
    error: str | None = None


@dataclass
class TableResult:
    variant: real_tables.TableVariant
    record: ReportRecord
    score: real_tables.TableVariantScore
    error: str | None = None


@dataclass
class RealRun:
    originals: list[Result] = field(default_factory=list)
    variants: list[Result] = field(default_factory=list)
    tables: list[TableResult] = field(default_factory=list)


def read(case: RealCase, backend: str = "rules") -> tuple[ReportRecord, str | None]:
    """The record of one case; a report that cannot be read is an empty record and a reason."""
    source = f"{case.name}.txt"
    try:
        return extract_document(parse_document(case.data, source, ".txt"), backend), None
    except UnreadableInput as e:
        error = f"unreadable ({e.kind}): {e.message}"
    except Exception as e:  # a bug on one report is scored as a report read as nothing
        error = f"internal: {e.__class__.__name__}: {e}"
    empty = ReportRecord(
        source=source, body=None, year=None, format=None, extraction=Extraction(backend="rules")
    )
    return empty, error


def run(seed: int = 2026, cases: list[RealCase] | None = None) -> RealRun:
    originals = load() if cases is None else cases
    out = RealRun()
    for case in originals:
        record, error = read(case)
        tables = score_tables(record, case.gold)
        out.originals.append(Result(case, record, tables, score_prose(record, case), error))
    for case in variants(originals, seed):
        record, error = read(case)
        out.variants.append(Result(case, record, None, score_prose(record, case), error))
    records = {r.case.name: r.record for r in out.originals}
    for variant in real_tables.variants(originals, seed):
        record, error = read(variant.case)
        scored = real_tables.score(variant, record, records[variant.case.report])
        out.tables.append(TableResult(variant, record, scored, error))
    return out


def _ratio(a: int, b: int) -> float | None:
    """a / b; None (n/a) when there is nothing to count."""
    return round(a / b, 4) if b else None


@dataclass
class Sums:
    reports: int = 0
    cells: int = 0
    right: int = 0
    meta: int = 0
    meta_right: int = 0
    false_row_missing: int = 0
    false_table_missing: int = 0
    false_arithmetic: int = 0
    errors: int = 0
    errors_found: int = 0
    figures: int = 0
    found: int = 0
    verdicts: int = 0
    verdicts_right: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    vtp: int = 0
    vfp: int = 0
    vfn: int = 0
    on_doubtful_cells: int = 0
    failed: int = 0
    prose_numbers: int = 0
    undecided: int = 0
    table_variants: int = 0
    table_cells_right: int = 0
    ttp: int = 0
    tfp: int = 0
    tfn: int = 0

    def add_original(self, r: Result) -> None:
        t, p = r.tables, r.prose
        assert t is not None
        self.reports += 1
        self.failed += r.error is not None
        self.cells += t.cells
        self.right += t.right
        self.meta += len(t.meta)
        self.meta_right += sum(t.meta.values())
        self.false_row_missing += len(t.false_findings["row_missing"])
        self.false_table_missing += len(t.false_findings["table_missing"])
        self.false_arithmetic += len(t.false_findings["arithmetic"])
        self.errors += t.errors
        self.errors_found += t.errors_found
        self.figures += p.figures
        self.found += p.found
        self.verdicts += p.verdicts
        self.verdicts_right += p.verdicts_right
        self.tp += p.tp
        self.fp += p.fp
        self.fn += p.fn
        self.on_doubtful_cells += p.on_doubtful_cells
        self.prose_numbers += r.record.prose.numbers
        self.undecided += len(r.record.prose.undecided)

    def add_variant(self, r: Result) -> None:
        self.failed += r.error is not None
        self.vtp += r.prose.tp
        self.vfp += r.prose.fp
        self.vfn += r.prose.fn
        self.on_doubtful_cells += r.prose.on_doubtful_cells

    def add_table_variant(self, r: TableResult) -> None:
        self.failed += r.error is not None
        self.table_variants += 1
        self.table_cells_right += r.score.cell_right
        self.ttp += r.score.tp
        self.tfp += r.score.fp
        self.tfn += r.score.fn

    def metrics(self) -> dict[str, float | int | None]:
        tp, fp, fn = self.tp + self.vtp, self.fp + self.vfp, self.fn + self.vfn
        return {
            "reports": self.reports,
            "reports_failed": self.failed,
            "cells": self.cells,
            "cell_accuracy": _ratio(self.right, self.cells),
            "meta_accuracy": _ratio(self.meta_right, self.meta),
            "false_row_missing": self.false_row_missing,
            "false_table_missing": self.false_table_missing,
            "false_arithmetic": self.false_arithmetic,
            "report_errors": self.errors,
            "report_error_recall": _ratio(self.errors_found, self.errors),
            "figures": self.figures,
            "figures_found": _ratio(self.found, self.figures),
            "verdict_accuracy": _ratio(self.verdicts_right, self.verdicts),
            "contradictions_labelled": tp + fn,
            "contradiction_precision": _ratio(tp, tp + fp),
            "contradiction_recall": _ratio(tp, tp + fn),
            "contradiction_precision_originals": _ratio(self.tp, self.tp + self.fp),
            "contradiction_recall_originals": _ratio(self.tp, self.tp + self.fn),
            "contradiction_precision_variants": _ratio(self.vtp, self.vtp + self.vfp),
            "contradiction_recall_variants": _ratio(self.vtp, self.vtp + self.vfn),
            "contradictions_on_doubtful_cells": self.on_doubtful_cells,
            "table_variants": self.table_variants,
            "table_variant_cells_read": _ratio(self.table_cells_right, self.table_variants),
            "rules_broken_labelled": self.ttp + self.tfn,
            "validator_precision": _ratio(self.ttp, self.ttp + self.tfp),
            "validator_recall": _ratio(self.ttp, self.ttp + self.tfn),
            "prose_numbers": self.prose_numbers,
            "undecided_share": _ratio(self.undecided, self.prose_numbers),
        }


def totals(run: RealRun) -> tuple[Sums, dict[str, Sums], dict[str, Sums]]:
    """(all reports, per layout, per report) with each report's variants added to it."""
    everything: Sums = Sums()
    layouts: dict[str, Sums] = defaultdict(Sums)
    reports: dict[str, Sums] = defaultdict(Sums)
    for r in run.originals:
        for s in (everything, layouts[r.case.layout], reports[r.case.name]):
            s.add_original(r)
    for r in run.variants:
        for s in (everything, layouts[r.case.layout], reports[r.case.report]):
            s.add_variant(r)
    for t in run.tables:
        case = t.variant.case
        for s in (everything, layouts[case.layout], reports[case.report]):
            s.add_table_variant(t)
    return everything, dict(sorted(layouts.items())), dict(reports)


def misses(run: RealRun) -> list[str]:
    """Everything the record got wrong, report by report: what a failing threshold rests on."""
    lines = []
    for r in run.originals:
        t = r.tables
        assert t is not None
        found = [
            *([f"could not be read: {r.error}"] if r.error else []),
            *(f"misread {m}" for m in t.misread),
            *(f"{m}" for m in t.meta_wrong),
            *(f"false {kind}: {m}" for kind, ms in t.false_findings.items() for m in ms),
            *(f"report error missed: {m}" for m in t.errors_missed),
            *r.prose.misses,
        ]
        lines += [f"{r.case.name}: {m}" for m in found]
    said_of_original = {r.case.name: set(r.prose.misses) for r in run.originals}
    for r in run.variants:
        # a variant answers for its changed figure and for false contradictions the original
        # does not already have; what it repeats of the original is listed there
        seen = said_of_original.get(r.case.report, set())
        found = [
            *([f"could not be read: {r.error}"] if r.error else []),
            *(
                m
                for m in r.prose.misses
                if m.startswith("contradiction missed")
                or (m.startswith("false ") and m not in seen)
            ),
        ]
        lines += [f"{r.case.name} ({r.case.note.replace(chr(10), '')}): {m}" for m in found]
    for t in run.tables:
        found = [*([f"could not be read: {t.error}"] if t.error else []), *t.score.misses]
        lines += [f"{t.variant.case.name} ({t.variant.case.note}): {m}" for m in found]
    return lines


def shown(value: object) -> str:
    """A figure as printed: `n/a` where there was nothing to measure."""
    return "n/a" if value is None else str(value)


def markdown(run: RealRun) -> str:
    everything, layouts, reports = totals(run)
    m = everything.metrics()
    out = [
        f"## Real corpus: {m['reports']} reports as scraped (eval/fixtures/real), "
        f"{len(run.variants)} prose variants, {len(run.tables)} table variants, rules path",
        "",
        "| metric | real |",
        "|---|---|",
        *(f"| {k} | {shown(v)} |" for k, v in m.items()),
        "",
        "### Per report",
        "",
        "| report | layout | cells right | body/year/format | false row/table/arithmetic "
        "| report errors found | figures found | contradictions tp/fp/fn | variants tp/fp/fn "
        "| table variants: rules tp/fp/fn | prose numbers undecided |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in run.originals:
        t = r.tables
        assert t is not None
        s = reports[r.case.name]
        meta = "/".join("ok" if t.meta[k] else "WRONG" for k in ("body", "year", "format"))
        out.append(
            f"| {r.case.name} | {r.case.layout} | {t.right}/{t.cells} | {meta} "
            f"| {len(t.false_findings['row_missing'])}/{len(t.false_findings['table_missing'])}"
            f"/{len(t.false_findings['arithmetic'])} | {t.errors_found}/{t.errors} "
            f"| {s.found}/{s.figures} | {s.tp}/{s.fp}/{s.fn} | {s.vtp}/{s.vfp}/{s.vfn} "
            f"| {s.ttp}/{s.tfp}/{s.tfn} | {s.undecided}/{s.prose_numbers} |"
        )
    out += [
        "",
        "### Per layout",
        "",
        "| layout | reports | cells right | meta right | false findings | figures found "
        "| contradiction P | contradiction R | validator P | validator R |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for layout, s in layouts.items():
        lm = s.metrics()
        false = s.false_row_missing + s.false_table_missing + s.false_arithmetic
        out.append(
            f"| {layout} | {s.reports} | {s.right}/{s.cells} ({lm['cell_accuracy']:.1%}) "
            f"| {s.meta_right}/{s.meta} | {false} | {s.found}/{s.figures} "
            f"| {shown(lm['contradiction_precision'])} | {shown(lm['contradiction_recall'])} "
            f"| {shown(lm['validator_precision'])} | {shown(lm['validator_recall'])} |"
        )
    out += ["", "### What the rules path got wrong on the real corpus", ""]
    out += [f"- {line}" for line in misses(run)] or ["- nothing"]
    return "\n".join(out)


__all__ = ["RealRun", "Result", "TableResult", "markdown", "misses", "run", "shown", "totals"]
