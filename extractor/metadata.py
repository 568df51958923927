"""Who published the report and for which year, from its title."""

from __future__ import annotations

import re

from extractor.patterns import loose

_TITLE = re.compile(
    r"(?P<body>[\u4e00-\u9fff()]{2,40}?)[ \t]*(?:关于)?[ \t]*(?P<year>20\d\d)[ \t]*年[ \t]*(?:度)?[ \t]*(?:的)?[ \t]*"
    + loose(r"(?:本级)?政府信息公开")
)
_YEAR = re.compile(r"(20\d\d)[ \t]*年")
_PERIOD = re.compile(r"(?:自|从|为)[ \t]*(20\d\d)[ \t]*年[ \t]*1[ \t]*月[ \t]*1[ \t]*日")
_HEAD = 800


def title(text: str) -> tuple[str | None, int | None]:
    """Issuing body and report year as printed in the title (None where not found)."""
    head = text[:_HEAD]
    m = _TITLE.search(head)
    if m:
        body = m.group("body")
        body = body.removesuffix("关于").removesuffix("的") or None
        return body, int(m.group("year"))
    period = _PERIOD.search(text[: _HEAD * 4])
    if period:
        return None, int(period.group(1))
    year = _YEAR.search(head)
    return None, int(year.group(1)) if year else None


_TITLE_LINE = re.compile(
    r"(?m)^[ \t#*]*[\u4e00-\u9fff()]{2,40}?[ \t]*(?:关于)?[ \t]*20\d\d[ \t]*年[ \t]*(?:度)?[ \t]*(?:的)?[ \t]*"
    + loose(r"政府信息公开工作年度报告")
)
_FIRST_SECTION = re.compile(r"(?m)^[ \t#*]*一[ \t]*[、.][ \t]*总体情况")


def report_titles(text: str) -> list[int]:
    """Where reports start: a title line followed by its own 一、总体情况 before the next title.
    More than one means several reports were scraped into one file."""
    starts: list[int] = []
    for m in _TITLE_LINE.finditer(text):
        if starts and m.start() - starts[-1] < 400:
            continue  # the title repeated in a page header, not a new report
        starts.append(m.start())
    bounds = [*starts, len(text)]
    return [
        s for s, e in zip(starts, bounds[1:], strict=False) if _FIRST_SECTION.search(text, s, e)
    ]
