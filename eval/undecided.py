"""What the model decided about the prose numbers the rules left undecided, against the gold.

hybrid asks the model, in one call per report, what each undecided number counts. Scored
here against the hand-labelled prose figures (`eval/fixtures/seed_claims.json` for the
examples, the `narrative` of `eval/fixtures/real/gold/*.json` for the real corpus): a number
that a labelled figure states must get a topic that means the labelled cells; any other
number must be answered "not a table quantity".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from extractor.prose.align import readings
from schemas import ProseNumber, ReportRecord

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class GoldFigure:
    """A labelled prose figure: its quote, the number it states, and what it means (a topic
    of the examples' labels, or the real gold's cells; neither when it is no table figure)."""

    quote: str
    value: float
    topic: str | None = None
    cells: tuple[str, ...] = ()

    @property
    def counts_cells(self) -> bool:
        return self.topic is not None or bool(self.cells)


def seed_gold(stem: str) -> list[GoldFigure]:
    """The labelled figures of one bundled example."""
    labels = json.loads((ROOT / "eval/fixtures/seed_claims.json").read_text(encoding="utf-8"))
    return [GoldFigure(x["quote"], x["value"], topic=x["topic"]) for x in labels.get(stem, [])]


def real_gold(name: str) -> list[GoldFigure]:
    """The labelled figures of one report of the real corpus."""
    path = ROOT / "eval/fixtures/real/gold" / f"{name}.json"
    gold = json.loads(path.read_text(encoding="utf-8"))
    return [GoldFigure(x["quote"], x["stated"], cells=tuple(x["cells"])) for x in gold["narrative"]]


def _spans(original: str, quote: str) -> list[tuple[int, int]]:
    """Where `quote` is in the text, whitespace between its characters ignored."""
    chars = [re.escape(c) for c in quote if not c.isspace()]
    if not chars:
        return []
    return [m.span() for m in re.finditer(r"\s*".join(chars), original)]


def gold_figure(number: ProseNumber, gold: list[GoldFigure], original: str) -> GoldFigure | None:
    """The tightest labelled figure whose quote holds the number and states its value."""
    hits = [
        (e - s, g)
        for g in gold
        if number.value is not None and abs(g.value - number.value) < 1e-6
        for s, e in _spans(original, g.quote)
        if s <= number.start and number.end <= e
    ]
    return min(hits, key=lambda h: h[0])[1] if hits else None


def model_answer(number: ProseNumber, record: ReportRecord) -> tuple[bool, str | None]:
    """(answered, topic) of the model about one number the rules left undecided: a claim read
    by the model on its clause, or no longer undecided (not a table quantity)."""
    for c in record.claims:
        if (
            c.read_by == "llm"
            and c.chunk == "undecided"
            and (c.start, c.end) == (number.clause.start, number.clause.end)
            and number.value is not None
            and abs(c.value - number.value) < 1e-6
        ):
            return True, c.topic
    still = any((n.start, n.end) == (number.start, number.end) for n in record.prose.undecided)
    return (not still), None


def _means(topic: str, gold: GoldFigure, record: ReportRecord) -> bool:
    if gold.topic is not None:
        return topic == gold.topic
    return any(set(r) == set(gold.cells) for r in readings(topic, record))


@dataclass
class Decisions:
    """The model's answers about undecided numbers, over a set of reports."""

    reports: int = 0
    asked_reports: int = 0  # reports with at least one undecided number (one call each)
    asked: int = 0  # undecided numbers sent to the model
    settled: int = 0  # answered with one of the choices
    as_claims: int = 0  # answered with a table quantity
    right: int = 0  # answers the gold agrees with
    prompt_tokens: int = 0  # every call of the reports, tables included
    completion_tokens: int = 0
    call_reports: int = 0  # reports whose one call was the multiple-choice question
    call_prompt: int = 0
    call_completion: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(
        self,
        name: str,
        undecided: list[ProseNumber],
        record: ReportRecord,
        gold: list[GoldFigure],
        original: str,
    ) -> None:
        """Score one report: `undecided` as the rules left it, `record` read by hybrid."""
        self.reports += 1
        self.asked_reports += bool(undecided)
        self.prompt_tokens += record.extraction.tokens.prompt
        self.completion_tokens += record.extraction.tokens.completion
        if record.extraction.chunks == ["undecided"]:
            self.call_reports += 1
            self.call_prompt += record.extraction.tokens.prompt
            self.call_completion += record.extraction.tokens.completion
        for number in undecided:
            self.asked += 1
            answered, topic = model_answer(number, record)
            if not answered:
                continue
            self.settled += 1
            self.as_claims += topic is not None
            truth = gold_figure(number, gold, original)
            if topic is None:
                ok = truth is None or not truth.counts_cells
            else:
                ok = truth is not None and truth.counts_cells and _means(topic, truth, record)
            self.right += ok
            if not ok:
                said = topic or "not a table quantity"
                meant = (truth.topic or ",".join(truth.cells)) if truth else "no labelled figure"
                self.wrong.append(
                    f"{name}: 「{number.clause.snippet}」 {number.value}: {said}, gold {meant}"
                )

    def line(self) -> str:
        """One line for the evaluation's output."""
        per, asked = self.reports or 1, self.call_reports or 1
        return (
            f"model on the undecided prose numbers: {self.asked} asked in {self.asked_reports} of "
            f"{self.reports} reports; {self.settled} settled ({self.as_claims} as table "
            f"quantities, {self.settled - self.as_claims} as not), {self.right} rightly against "
            f"the gold; tokens per report {self.prompt_tokens / per:.0f} prompt + "
            f"{self.completion_tokens / per:.0f} completion (every call), "
            f"{self.call_prompt / asked:.0f} + {self.call_completion / asked:.0f} where the "
            f"question was the only call ({self.call_reports} reports)"
        )
