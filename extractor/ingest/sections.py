"""The six sections 一…六 of a report, found by their titles.

Real reports number headings twice ("三、三、收到…"), drop the numeral, put them inside one
very long line, or mention every title in an introductory sentence. So every occurrence of a
title is a candidate, scored by how much it looks like a heading (numeral in front, line
start, not a sub-heading "（一）…"), and the best-scoring sequence in printed order wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.ingest.patterns import CN_NUMERALS, compile_loose

NUMERALS = ("一", "二", "三", "四", "五", "六")

_TITLES: dict[str, str] = {
    "一": r"总体情况|概述",
    "二": r"主动公开政府信息(?:的)?(?:情况)?|主动公开情况",
    "三": r"收到和处理政府信息公开申请(?:的)?(?:情况)?|收到和处理(?:依)?申请公开(?:情况)?",
    # Each branch begins with a character, not an optional group: the regex engine then
    # skips ahead to those characters instead of trying the pattern at every position
    # (an optional prefix made this the slowest search of a report).
    "四": "|".join(
        f"{head}行政复议(?:[、,和及与]|和)?(?:提起)?(?:行政)?诉讼(?:的)?(?:情况)?"
        for head in (
            "因(?:政府信息公开)?(?:工作)?(?:被申请)?",
            "政府信息公开(?:工作)?(?:被申请)?",
            "工作(?:被申请)?",
            "被申请",
            "",
        )
    ),
    "五": "|".join(
        f"{head}主要问题(?:及|和|与)(?:其)?改进(?:的)?(?:情况|措施)?" for head in ("存在的", "")
    ),
    "六": r"其他需要报告的事项|其他需要报告事项",
}
_TITLE_RES = {n: compile_loose(p) for n, p in _TITLES.items()}

_SEP = r"[ \t]*[、.,:][ \t]*"
_NUMBERED = re.compile(rf"([{CN_NUMERALS}]){_SEP}(?:\1{_SEP})?$")
_LINE_START = re.compile(rf"(?:^|\n)[ \t#*]*(?:[{CN_NUMERALS}]{_SEP}){{0,2}}$")
_SUBHEADING = re.compile(
    rf"\([ \t]*[{CN_NUMERALS}\d]{{1,2}}[ \t]*\)[ \t]*$|[{CN_NUMERALS}\d]\)[ \t]*$"
)
_LOOKBACK = 16


@dataclass(frozen=True)
class Section:
    numeral: str
    start: int  # where the heading starts, numeral included
    body: int  # just past the heading
    end: int  # where the next section starts


def _score(text: str, numeral: str, m: re.Match[str]) -> tuple[int, int]:
    """How much the title match `m` looks like the heading of section `numeral`, and where
    its heading begins."""
    start = m.start()
    before = text[max(0, start - _LOOKBACK) : start]
    if _SUBHEADING.search(before):
        return 0, start
    score = 1
    numbered = _NUMBERED.search(before)
    if numbered:
        score += 4 if numbered.group(1) == numeral else 2
        start -= len(numbered.group(0))
    if _LINE_START.search(before):
        score += 2
    after = text[m.end() : m.end() + 8]
    if "\n" in m.group(0)[-3:] or re.match(r"[ \t:]*(?:\n|$)", after):
        score += 1
    return score, start


def find_sections(text: str) -> dict[str, Section]:
    """The sections found in `text`, by numeral, in printed order."""
    candidates: list[tuple[int, int, int, str]] = []  # (start, body, score, numeral)
    for numeral in NUMERALS:
        for m in _TITLE_RES[numeral].finditer(text):
            score, start = _score(text, numeral, m)
            if score > 0:
                candidates.append((start, m.end(), score, numeral))
    candidates.sort()
    # Longest-path over candidates: a heading may follow another only if it comes later in
    # the text and belongs to a later section.
    order = {n: i for i, n in enumerate(NUMERALS)}
    best: list[tuple[int, int]] = []  # (total score, index of previous candidate or -1)
    for i, (start, _, score, numeral) in enumerate(candidates):
        total, prev = score, -1
        for j in range(i):
            _pstart, pbody, _, pnum = candidates[j]
            if order[pnum] < order[numeral] and pbody <= start and best[j][0] + score > total:
                total, prev = best[j][0] + score, j
        best.append((total, prev))
    if not best:
        return {}
    i = max(range(len(best)), key=lambda k: best[k][0])
    chosen: list[tuple[int, int, int, str]] = []
    while i >= 0:
        chosen.append(candidates[i])
        i = best[i][1]
    chosen.reverse()
    sections: dict[str, Section] = {}
    for k, (start, body, _, numeral) in enumerate(chosen):
        end = chosen[k + 1][0] if k + 1 < len(chosen) else len(text)
        sections[numeral] = Section(numeral, start, body, end)
    return sections
