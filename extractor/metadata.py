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
