"""The real corpus of the evaluation: reports as scraped, their gold labels, prose variants.

`eval/fixtures/real/<name>.txt` is a report exactly as a scraping pipeline handed it over,
behind one provenance line (`# source: …`) and an empty line, which are not report text and
are cut off here before the product sees the bytes. `gold/<name>.json` is what the report
says, labelled by hand (format in `eval/fixtures/real/README.md`), with a `layout` naming how
the text was obtained.

The prose variants change one labelled figure of a real report so that it contradicts the
table. Which figure, which number and what it now contradicts come from the gold labels and
from what the change did, never from product code: this module imports nothing of
`extractor`.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "eval" / "fixtures" / "real"

# How the text of a report was obtained. A new layout gets a line here and in the README.
LAYOUTS = {
    "crawler-text-cells": "crawler text dump, one cell per line, numbers and labels split across lines",
    "crawler-text-collapsed": "crawler text dump, one cell per line, consecutive identical lines "
    "collapsed into one",
    "crawler-csv-glued": "crawler CSV record with every space removed: a table row is one run of "
    "digits",
    "crawler-csv-cr-cells": "crawler CSV record with every space removed, table cells kept apart "
    "by CR characters",
    "html-raw": "raw HTML page with site menus and scripts",
    "html-text": "text of an HTML page, tab or newline separated",
    "pdf-text": "PDF text dump (pdfplumber extract_text)",
}


@dataclass(frozen=True)
class Figure:
    """A labelled prose figure, located in one text."""

    index: int  # its place in the gold `narrative` list
    start: int
    end: int
    stated: int | float
    cells: tuple[str, ...]
    verdict: str  # consistent, contradiction, unclear
    ignore: bool = False  # a prose sum a variant's change touched: neither required nor wrong

    @property
    def about_cells(self) -> bool:
        return bool(self.cells)


@dataclass
class RealCase:
    """One report to score: a real report as scraped, or a variant of one."""

    name: str
    report: str  # the real report it is (or was made from)
    layout: str
    data: bytes  # what the product reads: the scraped bytes, provenance cut off
    gold: dict
    figures: list[Figure]
    changed: Figure | None = None  # the figure a variant changed
    note: str = ""

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


def strip_provenance(raw: bytes) -> bytes:
    """The report bytes without the `# source: …` line and the empty line after it."""
    if not raw.startswith(b"# source:"):
        raise ValueError("a corpus file starts with its `# source:` line")
    rest = raw.split(b"\n", 1)[1] if b"\n" in raw else b""
    for blank in (b"\r\n", b"\n"):
        if rest.startswith(blank):
            return rest[len(blank) :]
    raise ValueError("the `# source:` line is followed by an empty line")


def locate_figures(text: str, gold: dict) -> list[Figure]:
    """The gold narrative figures with where their quotes are in `text` (first occurrence)."""
    figures = []
    for i, n in enumerate(gold.get("narrative", [])):
        start = text.find(n["quote"])
        if start < 0:
            raise ValueError(f"{gold.get('file')}: quote {n['quote']!r} is not in the text")
        figures.append(
            Figure(
                i,
                start,
                start + len(n["quote"]),
                n["stated"],
                tuple(n.get("cells") or ()),
                n["verdict"],
            )
        )
    return figures


def load(folder: Path = REAL) -> list[RealCase]:
    """Every report of the real corpus, in name order."""
    cases = []
    for path in sorted((folder / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        name = path.stem
        if gold.get("layout") not in LAYOUTS:
            raise ValueError(
                f"{name}: layout {gold.get('layout')!r} is not one of {sorted(LAYOUTS)}"
            )
        data = strip_provenance((folder / f"{name}.txt").read_bytes())
        figures = locate_figures(data.decode("utf-8"), gold)
        cases.append(RealCase(name, name, gold["layout"], data, gold, figures))
    return cases


# --- variants: one real figure changed so that it contradicts the table ---------------------

APPLICATION_ROWS = {
    # prose about one of these cells may also be read as the others (收到 N件: new, new plus
    # carried over, or all handled), so a changed figure must fit none of them
    "applications.new.total": (
        ("applications.new.total", "applications.carried_in.total"),
        ("applications.total.total",),
    ),
    "applications.total.total": (
        ("applications.new.total", "applications.carried_in.total"),
        ("applications.new.total",),
    ),
}


def _number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else format(Decimal(str(value)), "f")


def _near_values(figure: Figure, cells: dict) -> set[Decimal]:
    """The values a figure about `figure.cells` could be taken to mean: the labelled sum, each
    part and every sub-sum of up to four parts, and the usual other readings of 收到/办理."""
    parts = [cells.get(k) for k in figure.cells]
    known = [Decimal(str(v)) for v in parts if v is not None]
    values = {sum(known, Decimal(0))} | set(known)
    if len(known) <= 4:
        for mask in range(1, 1 << len(known)):
            values.add(sum((v for i, v in enumerate(known) if mask >> i & 1), Decimal(0)))
    if len(figure.cells) == 1:
        for keys in APPLICATION_ROWS.get(figure.cells[0], ()):
            if all(cells.get(k) is not None for k in keys):
                values.add(sum((Decimal(str(cells[k])) for k in keys), Decimal(0)))
    return values


def _changeable(case: RealCase, figure: Figure) -> re.Match[str] | None:
    """Where the figure's number is in its quote, when it can be changed alone: a consistent
    figure about table cells the labels settled (no ambiguous or blank cell) that add up to it
    (or that each equal it: one count seen as two cells), whose number is
    printed once in its quote, in Arabic digits."""
    if figure.verdict != "consistent" or not figure.cells:
        return None
    cells, ambiguous = case.gold["cells"], case.gold.get("ambiguous") or {}
    if any(cells.get(k) is None or k in ambiguous for k in figure.cells):
        return None
    values = [Decimal(str(cells[k])) for k in figure.cells]
    stated = Decimal(str(figure.stated))
    if sum(values) != stated and any(v != stated for v in values):
        return None  # the label's cells neither add up to the figure nor each equal it
    digits = _digits(case.text, figure)
    if digits is None:
        return None
    at = figure.start + digits.start()
    for other in case.figures:
        if other is figure or not other.cells or not other.start <= at < other.end:
            continue
        # another figure's span holds this number: it must be that figure's own number
        # elsewhere, or changing it would change both
        theirs = _digits(case.text, other)
        if theirs is None or other.start + theirs.start() == at:
            return None
    return digits


def _digits(text: str, figure: Figure) -> re.Match[str] | None:
    """The figure's number in its quote, when printed there once in Arabic digits."""
    quote = text[figure.start : figure.end]
    pattern = rf"(?<![\d.]){re.escape(_number(figure.stated))}(?![\d.])"
    found = list(re.finditer(pattern, quote))
    return found[0] if len(found) == 1 else None


def variants(cases: list[RealCase], seed: int = 2026, per_figure: int = 2) -> list[RealCase]:
    """For every changeable figure, `per_figure` copies of its report with that figure's number
    changed (up and down where it can go down) to one no reading of its cells fits."""
    rng = random.Random(seed)
    out = []
    for case in cases:
        if case.changed is not None:
            continue
        for figure in case.figures:
            digits = _changeable(case, figure)
            if digits is None:
                continue
            taken = _near_values(figure, case.gold["cells"])
            stated = Decimal(str(figure.stated))
            ups = [d for d in (1, 2, 3, 5, 10) if stated + d not in taken]
            downs = [-d for d in (1, 2, 3) if stated - d >= 0 and stated - d not in taken]
            picks = []
            if downs:
                picks.append(rng.choice(downs))
            rng.shuffle(ups)
            picks += [d for d in ups if d not in picks][: per_figure - len(picks)]
            for n, delta in enumerate(picks[:per_figure]):
                new = stated + delta
                new_value: int | float = int(new) if isinstance(figure.stated, int) else float(new)
                out.append(_changed(case, figure, digits, new_value, n))
    return out


def _changed(
    case: RealCase, figure: Figure, digits: re.Match[str], new: int | float, n: int
) -> RealCase:
    text = case.text
    at, old_end = figure.start + digits.start(), figure.start + digits.end()
    printed = _number(new)
    shift = len(printed) - (old_end - at)
    changed_text = text[:at] + printed + text[old_end:]

    def moved(f: Figure) -> Figure:
        start = f.start + shift if f.start >= old_end else f.start
        end = f.end + shift if f.end >= old_end else f.end
        if f.index == figure.index:
            return Figure(f.index, start, end, new, f.cells, "contradiction")
        if f.start <= at < f.end and not f.cells:
            # a prose sum that counts the changed figure may now fail or not: not scored
            return Figure(f.index, start, end, f.stated, f.cells, f.verdict, ignore=True)
        return Figure(f.index, start, end, f.stated, f.cells, f.verdict)

    figures = [moved(f) for f in case.figures]
    return RealCase(
        name=f"{case.name}~{figure.index}.{n}",
        report=case.name,
        layout=case.layout,
        data=changed_text.encode("utf-8"),
        gold=case.gold,
        figures=figures,
        changed=figures[figure.index],
        note=f"「{text[figure.start : figure.end]}」 {_number(figure.stated)} → {printed}",
    )


__all__ = ["LAYOUTS", "REAL", "Figure", "RealCase", "load", "strip_provenance", "variants"]
