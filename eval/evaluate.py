"""Score extraction, rule findings and contradiction detection on the labelled cases.

    python -m eval [--sets synthetic,real] [--backends rules,hybrid] [--json FILE] [--check]

Two sets, scored and reported apart:
- synthetic: cases generated from the bundled examples and from synthetic reports
  (eval/generate.py), each with its labelled variants;
- real: real reports as scraped, labelled by hand (eval/fixtures/real), per report and per
  layout, with their prose and table variants (eval/real.py, eval/real_tables.py,
  eval/real_eval.py); rules path only.

Prints Markdown; `--json` writes the same figures as JSON; `--check` compares them with the
floors of eval/thresholds.json (exits 1 when any falls short) and prints every target with
its gap. A ratio with nothing to count prints `n/a` and satisfies no threshold. The model
backends replay cassettes, so they are scored on the cases made from the bundled examples
only, next to the rules path on the same cases (the model's contribution: what it read and
claimed itself, each judged against the labels, and the difference it makes).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval import real_eval  # noqa: E402
from eval.generate import generate  # noqa: E402
from eval.real_eval import shown  # noqa: E402
from eval.undecided import Decisions, seed_gold  # noqa: E402
from extractor.extract import extract_document  # noqa: E402
from extractor.ingest.files import parse_document  # noqa: E402
from extractor.review.output import to_json  # noqa: E402
from extractor.tables.rules import ARITHMETIC_RULES  # noqa: E402
from schemas import Case, ReportRecord  # noqa: E402

THRESHOLDS = ROOT / "eval" / "thresholds.json"
RULES = ARITHMETIC_RULES | {
    "value_domain",
    "format_outdated",
    "table_missing",
    "row_missing",
    "narrative_sum",
}


@dataclass
class Tally:
    cells: int = 0
    cells_right: int = 0
    rule_tp: int = 0
    rule_fp: int = 0
    rule_fn: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    clean: int = 0
    clean_alarmed: int = 0
    cases: int = 0
    errors: int = 0
    model: ModelTally | None = None  # what a model decided itself (model backends only)
    misses: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int | None]:
        precision = ratio(self.tp, self.tp + self.fp)
        recall = ratio(self.tp, self.tp + self.fn)
        out: dict[str, float | int | None] = {
            "cases": self.cases,
            "cell_accuracy": ratio(self.cells_right, self.cells),
            "rule_precision": ratio(self.rule_tp, self.rule_tp + self.rule_fp),
            "rule_recall": ratio(self.rule_tp, self.rule_tp + self.rule_fn),
            "contradiction_precision": precision,
            "contradiction_recall": recall,
            "contradiction_f1": None
            if precision is None or recall is None
            else round(2 * precision * recall / (precision + recall), 4)
            if precision + recall
            else 0.0,
            "clean_cases": self.clean,
            "false_alarm_rate": ratio(self.clean_alarmed, self.clean),
        }
        if self.model is not None:
            out.update(self.model.metrics())
        return out


def ratio(a: int, b: int) -> float | None:
    """a / b; None (printed n/a) when there is nothing to count."""
    return round(a / b, 4) if b else None


@dataclass
class ModelTally:
    """What the model itself decided, judged against the labels.

    Cells: those `read_by` says the model read (alone or agreeing with the reader), right
    when they equal the gold. Prose figures the model reported (alone or with the patterns):
    each is judged by the product (a verdict in `contradictions`) or dropped with a reason,
    and each is compared with the hand labels of the example's prose figures
    (eval/fixtures/seed_claims.json): on a labelled figure with its number, on a labelled
    figure with another number, or on no labelled figure.
    """

    cases_with_failed_calls: int = 0
    cells: int = 0
    cells_right: int = 0
    claims: int = 0
    claims_alone: int = 0  # found by the model and not by the patterns
    judged: int = 0  # about a table topic, with the product's verdict
    dropped: Counter = field(default_factory=Counter)  # reason -> claims
    on_label: int = 0  # on a labelled figure, with its number
    off_label: int = 0  # on a labelled figure, another number
    unlabelled: int = 0  # on no labelled figure
    labels: int = 0  # labelled figures in the cases' prose
    labels_found_alone: int = 0  # labelled figures only the model found
    # its answers about the prose numbers the rules left undecided (eval/undecided.py)
    undecided: Decisions = field(default_factory=Decisions)

    def metrics(self) -> dict[str, float | int | None]:
        return {
            "cases_with_failed_calls": self.cases_with_failed_calls,
            "model_undecided_asked": self.undecided.asked,
            "model_undecided_settled": self.undecided.settled,
            "model_undecided_right": self.undecided.right,
            "model_cells": self.cells,
            "model_cell_accuracy": ratio(self.cells_right, self.cells),
            "model_claims": self.claims,
            "model_claims_alone": self.claims_alone,
            "model_claims_judged": self.judged,
            "model_claims_dropped": sum(self.dropped.values()),
            "model_claims_dropped_why": "; ".join(f"{n} {why}" for why, n in self.dropped.items())
            or "none",
            "model_claims_on_labels": self.on_label,
            "model_claims_wrong_number": self.off_label,
            "model_claims_unlabelled": self.unlabelled,
            "model_claim_precision": ratio(self.on_label, self.on_label + self.off_label),
            "labelled_figures": self.labels,
            "labelled_figures_found_by_model_alone": self.labels_found_alone,
        }


def score(case: Case, record: ReportRecord, tally: Tally) -> None:
    tally.cases += 1
    tally.cells += len(case.cells)
    tally.cells_right += sum(record.cells.get(k, "absent") == v for k, v in case.cells.items())
    found = Counter(
        (f.rule, f.cells[0] if f.cells else "")
        for f in record.findings
        if f.status == "failed" and f.rule in RULES
    )
    wanted = Counter((f.rule, f.cells[0] if f.cells else "") for f in case.failures)
    tally.rule_tp += sum((found & wanted).values())
    tally.rule_fp += sum((found - wanted).values())
    tally.rule_fn += sum((wanted - found).values())
    said = Counter(
        (c.claim, c.stated) for c in record.contradictions if c.verdict == "contradiction"
    )
    expected = Counter((c.topic, c.stated) for c in case.contradictions)
    tally.tp += sum((said & expected).values())
    tally.fp += sum((said - expected).values())
    tally.fn += sum((expected - said).values())
    if case.clean:
        tally.clean += 1
        tally.clean_alarmed += bool(said)
    if said != expected or found != wanted:
        tally.misses.append(
            f"{case.id}: contradictions said {sorted(said - expected)} missed {sorted(expected - said)}; "
            f"rules said {sorted(found - wanted)} missed {sorted(wanted - found)}"
        )


def evaluate(cases: list[Case], backend: str = "rules", model=None) -> Tally:
    tally = Tally()
    for case in cases:
        doc = parse_document(case.text.encode("utf-8"), case.id + case.suffix, case.suffix)
        score(case, extract_document(doc, backend, model), tally)
    return tally


def check(
    metrics: dict[str, dict[str, float | None]], floors: dict[str, dict[str, float]]
) -> list[str]:
    """Every floor a set's figures fall short of (`*_max` keys are upper bounds). A figure
    with nothing to measure (n/a) satisfies no floor."""
    problems = []
    for name, limits in floors.items():
        got = metrics.get(name)
        if got is None:
            problems.append(f"{name}: not evaluated")
            continue
        for key, limit in limits.items():
            metric = key.removesuffix("_max")
            value = got.get(metric)
            if value is None:
                problems.append(f"{name}: {metric} n/a (nothing to measure)")
            elif key.endswith("_max") and value > limit:
                problems.append(f"{name}: {metric} {value} > {limit}")
            elif not key.endswith("_max") and value < limit:
                problems.append(f"{name}: {key} {value} < {limit}")
    return problems


def gaps(metrics: dict[str, dict[str, float | None]], targets: dict[str, dict[str, float]]):
    """Every target with the figure measured and what is still missing: lines to print."""
    lines = []
    for name, limits in targets.items():
        got = metrics.get(name, {})
        for key, limit in limits.items():
            metric = key.removesuffix("_max")
            value = got.get(metric)
            if value is None:
                state = "n/a: not met"
            elif key.endswith("_max"):
                state = "met" if value <= limit else f"not met, {round(value - limit, 4)} over"
            else:
                state = "met" if value >= limit else f"not met, {round(limit - value, 4)} short"
            bound = "≤" if key.endswith("_max") else "≥"
            lines.append(
                f"TARGET {name}: {metric} {shown(value)} (target {bound} {limit}: {state})"
            )
    return lines


def load_thresholds(path: Path = THRESHOLDS) -> tuple[dict, dict]:
    """(floors, targets) of eval/thresholds.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["floors"], data["targets"]


def markdown(metrics: dict[str, dict[str, float | None]]) -> str:
    names = list(dict.fromkeys(n for m in metrics.values() for n in m))
    lines = ["| metric | " + " | ".join(metrics) + " |", "|---|" + "---|" * len(metrics)]
    for name in names:
        lines.append(
            f"| {name} | "
            + " | ".join(shown(m[name]) if name in m else "" for m in metrics.values())
            + " |"
        )
    return "\n".join(lines)


def ablation(model: dict, rules: dict) -> dict[str, float | None]:
    """The model path minus the rules path on the same cases, per figure both have."""
    out: dict[str, float | None] = {}
    for name, value in model.items():
        if name not in rules or name in ("cases", "clean_cases"):
            continue
        other = rules[name]
        out[name] = None if value is None or other is None else round(value - other, 4)
    return out


CASSETTES = ROOT / "cassettes" / "eval"
SEED_CLAIMS = ROOT / "eval" / "fixtures" / "seed_claims.json"


def _labelled_spans(case: Case, labels: list[dict]) -> list[tuple[int, int, float]]:
    """Where the labelled prose figures of an example are in a case made from it, with the
    number they print there: a changed figure prints the case's contradicting number."""
    changed = {c.stated for c in case.contradictions} if case.kind == "prose_changed" else set()
    out = []
    for label in labels:
        quote, value = label["quote"], label["value"]
        at = case.text.find(quote)
        if at < 0:
            for stated in changed:
                candidate = re.sub(rf"(?<!\d){value}(?!\d)", str(stated), quote, count=1)
                at = case.text.find(candidate)
                if at >= 0:
                    quote, value = candidate, stated
                    break
        if at >= 0:
            out.append((at, at + len(quote), value))
    return out


def judge_model(case: Case, record: ReportRecord, labels: list[dict], tally: ModelTally) -> None:
    """What the model decided in one case, each decision judged (see ModelTally)."""
    for key, who in record.read_by.items():
        if who in ("llm", "both"):
            tally.cells += 1
            tally.cells_right += record.cells.get(key) == case.cells.get(key, "absent")
    judged = {(c.start, c.end, c.stated) for c in record.contradictions}
    spans = _labelled_spans(case, labels)
    tally.labels += len(spans)
    for claim in record.claims:
        if claim.read_by not in ("llm", "both"):
            continue
        tally.claims += 1
        tally.claims_alone += claim.read_by == "llm"
        if claim.topic is None:
            # The product lists it `unclear` ("names nothing the tables have"): a figure about
            # no table cell is not a claim the evaluation can judge, and is not counted as one.
            tally.dropped["no topic: names nothing the tables count"] += 1
            continue
        if (claim.start, claim.end, claim.value) not in judged:
            tally.dropped[f"topic {claim.topic}, no verdict"] += 1
            continue
        tally.judged += 1
        on = [v for s, e, v in spans if claim.start < e and s < claim.end]
        if not on:
            tally.unlabelled += 1
        elif any(abs(v - claim.value) < 1e-6 for v in on):
            tally.on_label += 1
        else:
            tally.off_label += 1
    for s, e, v in spans:
        by = {
            c.read_by
            for c in record.claims
            if c.start < e and s < c.end and abs(c.value - v) < 1e-6
        }
        tally.labels_found_alone += by == {"llm"}


def evaluate_with_model(cases: list[Case], backend: str, record_mode: str = "none") -> Tally:
    """A model backend on the cases made from the bundled examples, replaying (or recording)
    one cassette per backend: cases share most chunks, and a chunk is asked about once."""
    import vcr

    from extractor.model.backends import ModelSettings
    from extractor.model.llm import LLM, LLMConfig

    if record_mode == "none":
        # A request the cassette lacks fails at once: replay has nothing to wait for.
        config = LLMConfig(
            model="local", base_url="http://127.0.0.1:8765/v1", api_key="replay", attempts=1
        )
    else:
        config = LLMConfig.from_env()
        if config is None:
            raise SystemExit("recording needs OPENAI_BASE_URL or OPENAI_API_KEY and OPENAI_MODEL")
    recorder = vcr.VCR(
        record_mode="new_episodes" if record_mode != "none" else "none",
        match_on=("method", "path", "body"),
        filter_headers=[(h, None) for h in ("authorization", "api-key", "x-api-key")],
        decode_compressed_response=True,
    )
    path = CASSETTES / f"{backend}.yaml"
    if record_mode == "none" and not path.exists():
        raise SystemExit(f"no cassette {path.relative_to(ROOT)}: record it with --record")
    labels = json.loads(SEED_CLAIMS.read_text(encoding="utf-8"))
    tally = Tally(model=ModelTally())
    assert tally.model is not None
    undecided = tally.model.undecided
    with recorder.use_cassette(str(path), allow_playback_repeats=True):
        llm = LLM(config)
        for case in example_cases(cases):
            doc = parse_document(case.text.encode("utf-8"), case.id + case.suffix, case.suffix)
            record = extract_document(doc, backend, ModelSettings(llm))
            if record.extraction.errors:
                tally.model.cases_with_failed_calls += 1
                tally.misses.append(f"{case.id}: {record.extraction.errors}")
            judge_model(case, record, labels.get(case.base, []), tally.model)
            score(case, record, tally)
            rules = extract_document(doc).prose.undecided
            undecided.add(case.id, rules, record, seed_gold(case.base), doc.text.original)
    print(f"[{backend}] {undecided.line()}")
    return tally


def example_cases(cases: list[Case]) -> list[Case]:
    """The cases made from the bundled examples (the model backends' cassettes hold them)."""
    return [c for c in cases if not c.base.startswith("syn")]


def model_summary(name: str, model: dict, rules: dict) -> str:
    """What the model adds over the rules path on the same cases, said plainly."""
    diff = ablation(model, rules)
    moved = {k: v for k, v in diff.items() if v}
    lines = [
        f"### {name}: the model's contribution ({model['cases']} cases made from the examples)",
        "",
        f"- cells the model read: {model['model_cells']} "
        f"(right: {shown(model['model_cell_accuracy'])})",
        f"- prose figures the model reported: {model['model_claims']} "
        f"({model['model_claims_alone']} not found by the patterns); judged "
        f"{model['model_claims_judged']}, dropped {model['model_claims_dropped']} "
        f"({model['model_claims_dropped_why']})",
        f"- against the hand labels: {model['model_claims_on_labels']} on a labelled figure "
        f"with its number, {model['model_claims_wrong_number']} with another number, "
        f"{model['model_claims_unlabelled']} on no labelled figure; labelled figures only the "
        f"model found: {model['labelled_figures_found_by_model_alone']} of "
        f"{model['labelled_figures']}",
    ]
    if moved:
        lines.append(
            "- difference to the rules path on the same cases: "
            + ", ".join(f"{k} {v:+}" for k, v in moved.items())
        )
    else:
        lines.append(
            "- difference to the rules path on the same cases: none — on these cases the "
            "model changes no score of cells, rules or contradictions"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--sets", default="synthetic,real", help="comma-separated: synthetic, real")
    parser.add_argument(
        "--backends",
        default="rules",
        help="comma-separated, for the synthetic set: rules, hybrid (hybrid replays "
        "cassettes/eval/ and is compared with the rules path on the same cases)",
    )
    parser.add_argument(
        "--record",
        action="store_true",
        help="record the model backends' cassettes against the configured model",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--records", type=Path, help="write the records read from the real corpus as JSONL"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="fail on figures below the floors of eval/thresholds.json; print the targets' gaps",
    )
    parser.add_argument(
        "--misses", action="store_true", help="list every synthetic case scored wrong"
    )
    args = parser.parse_args(argv)
    sets = set(args.sets.split(","))
    metrics: dict[str, dict] = {}
    details: dict[str, object] = {}
    summaries: list[str] = []
    if "synthetic" in sets:
        cases = generate(args.seed)
        misses = []
        for backend in args.backends.split(","):
            if backend == "rules":
                tally = evaluate(cases, "rules")
            else:
                tally = evaluate_with_model(cases, backend, "all" if args.record else "none")
                same = evaluate(example_cases(cases), "rules").metrics()
                metrics["rules_examples"] = same
                details[f"{backend}_vs_rules"] = ablation(tally.metrics(), same)
                summaries.append(model_summary(backend, tally.metrics(), same))
            metrics[backend] = tally.metrics()
            misses += [f"[{backend}] {m}" for m in tally.misses]
        print(
            f"## Synthetic set: {len(cases)} cases ({sum(c.clean for c in cases)} clean), seed {args.seed}\n"
        )
        if "rules_examples" in metrics:
            print(
                "(model backends and `rules_examples`: the cases made from the bundled "
                "examples only, replayed from cassettes/eval/)\n"
            )
        print(markdown(metrics))
        for text in summaries:
            print("\n" + text)
        if args.misses:
            print("\n".join(["", *misses]))
    if "real" in sets:
        run = real_eval.run(args.seed)
        everything, layouts, reports = real_eval.totals(run)
        metrics["real"] = everything.metrics()
        details.update(
            {
                "real_per_layout": {k: v.metrics() for k, v in layouts.items()},
                "real_per_report": {k: v.metrics() for k, v in reports.items()},
                "real_misses": real_eval.misses(run),
            }
        )
        print("\n" + real_eval.markdown(run))
        if args.records:
            args.records.write_text(
                "".join(to_json(r.record) + "\n" for r in run.originals), encoding="utf-8"
            )
    if args.json:
        args.json.write_text(
            json.dumps({**metrics, **details}, indent=2, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
    if args.check:
        floors, targets = load_thresholds()
        wanted = {name: limits for name, limits in floors.items() if name in metrics}
        if "synthetic" in sets and "rules" in args.backends.split(","):
            wanted.setdefault("rules", floors["rules"])
        if "real" in sets:
            wanted.setdefault("real", floors["real"])
        problems = check(metrics, wanted)
        lines = gaps(metrics, {k: v for k, v in targets.items() if k in metrics})
        if lines:
            print("\n" + "\n".join(lines))
        for p in problems:
            print(f"BELOW THRESHOLD {p}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "ModelTally",
    "Tally",
    "ablation",
    "asdict",
    "check",
    "evaluate",
    "gaps",
    "load_thresholds",
    "main",
    "markdown",
    "score",
]
