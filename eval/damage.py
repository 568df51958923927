"""Damaged reports: real reports with random damage, deterministic for a seed.

The damage is what crawlers and careless copies do to a report, pushed further: lines
dropped or repeated, characters inserted, digits changed, a long run of digits glued into
a table row, long runs of blanks, markup nested deep. Used by the tests (every damaged report gets a record or
an error record, with bounded work) and by `eval/bench_damage.py` (how long each takes).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "eval" / "fixtures" / "real").glob("*.txt")) + sorted(
    (ROOT / "examples").glob("*.txt")
)
_NOISE = "0123456789一二三件年（）()、，。\t \n|-—/<>予以公开总计结转"


def _drop_lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    keep = [line for line in lines if rng.random() > 0.15]
    return "\n".join(keep)


def _repeat_lines(rng: random.Random, text: str) -> str:
    out = []
    for line in text.split("\n"):
        out.append(line)
        if rng.random() < 0.1:
            out.extend([line] * rng.randint(1, 5))
    return "\n".join(out)


def _insert_chars(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 200)):
        at = rng.randrange(len(chars) + 1)
        chars.insert(at, "".join(rng.choice(_NOISE) for _ in range(rng.randint(1, 6))))
    return "".join(chars)


def _change_digits(rng: random.Random, text: str) -> str:
    return "".join(
        str(rng.randrange(10)) if c.isdigit() and rng.random() < 0.2 else c for c in text
    )


def _long_digit_run(rng: random.Random, text: str) -> str:
    """A run of digits glued into a line that holds values (a table row, mostly)."""
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if any(c.isdigit() for c in line)] or [0]
    i = rng.choice(rows)
    length = rng.choice((20, 40, 80, 200, 5000))
    digits = "".join(str(rng.randrange(10)) for _ in range(length)) + rng.choice(
        ("", "", "件", "条")
    )
    cut = rng.randrange(len(lines[i]) + 1)
    lines[i] = lines[i][:cut] + digits + lines[i][cut:]
    return "\n".join(lines)


def _glue_row(rng: random.Random, text: str) -> str:
    """A table row whose separators were stripped: its values glued into one run."""
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if line.count("\t") >= 3] or [0]
    i = rng.choice(rows)
    lines[i] = lines[i].replace("\t", "")
    return "\n".join(lines)


def _blank_runs(rng: random.Random, text: str) -> str:
    """Long runs of blanks (spaces, tabs, blank lines) where a page's layout left them."""
    chars = list(text)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(chars) + 1)
        blank = rng.choice((" ", "\t", "\n", " \n", "\t\n", "\u3000"))
        chars.insert(at, blank * rng.choice((50, 500, 5000)))
    return "".join(chars)


def _deep_markup(rng: random.Random, text: str) -> str:
    depth = rng.choice((200, 2000, 20000))
    tag = rng.choice(("div", "span", "td", "table"))
    return "<html><body>" + f"<{tag}>" * depth + text + f"</{tag}>" * depth + "</body></html>"


DAMAGE: dict[str, Callable[[random.Random, str], str]] = {
    "drop_lines": _drop_lines,
    "repeat_lines": _repeat_lines,
    "insert_chars": _insert_chars,
    "change_digits": _change_digits,
    "long_digit_run": _long_digit_run,
    "glue_row": _glue_row,
    "blank_runs": _blank_runs,
    "deep_markup": _deep_markup,
}


def damaged(seed: int, count: int) -> Iterator[tuple[str, str]]:
    """`count` (file name, text) pairs: a source report with one to three kinds of damage,
    named `.html` when it was wrapped in markup (so that it is read as a page)."""
    rng = random.Random(seed)
    for n in range(count):
        source = rng.choice(SOURCES)
        text = source.read_text(encoding="utf-8")
        kinds = rng.sample(sorted(DAMAGE), rng.randint(1, 3))
        for kind in kinds:
            text = DAMAGE[kind](rng, text)
        suffix = ".html" if "deep_markup" in kinds else ".txt"
        yield f"{n:03d}-{source.stem}-{'+'.join(kinds)}{suffix}", text
