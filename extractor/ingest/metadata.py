"""Who published the report and for which year, from its title."""

from __future__ import annotations

import re
from itertools import pairwise

from extractor.ingest.patterns import loose

_CN_DIGIT = "〇零一二三四五六七八九"
_YEAR_TEXT = rf"20\d\d|二[ \t]*[〇零][ \t]*[一二][ \t]*[{_CN_DIGIT}]"
_TITLE = re.compile(
    rf"(?P<body>[\u4e00-\u9fff()]{{2,40}}?)[ \t]*(?:关于)?[ \t]*(?P<year>{_YEAR_TEXT})[ \t]*年[ \t]*(?:度)?[ \t]*(?:的)?[ \t]*"
    + loose(r"(?:本级)?政府信息公开")
)
# An organisation's name: what a body's name ends with.
_ORG = (
    r"[\u4e00-\u9fff()]{1,30}?(?:人民政府|政府|管理委员会|管委会|委员会|办公室|办事处|街道|"
    r"局|厅|委|办|院|中心|署|处|所|站|馆|镇|乡|部|队|会|集团|公司)"
)
# The title with the year first: 2023年度示例市交通运输局政府信息公开工作年度报告.
_TITLE_YEAR_FIRST = re.compile(
    rf"(?P<year>{_YEAR_TEXT})[ \t]*年[ \t]*(?:度)?[ \t]*(?P<body>{_ORG})[ \t]*(?:本级)?"
    + loose(r"政府信息公开")
)
# Header lines of a page or a crawler record: 发布机构：示例市交通运输局.
_FIELD = re.compile(
    r"(?m)^[ \t]*(?:发布机构|发文机关|发布单位|发布部门|公开主体|所属机构|信息来源|来源|"
    rf"主办单位|文件来源)[ \t]*[:：][ \t]*(?P<body>{_ORG})[ \t]*$"
)
_NAME_LINE = re.compile(rf"(?m)^[ \t]*(?P<body>{_ORG})[ \t]*$")
_DATE_LINE = re.compile(rf"^[ \t]*(?:{_YEAR_TEXT})[ \t]*年[ \t]*\S{{1,3}}[ \t]*月")
_YEAR = re.compile(r"(20\d\d)[ \t]*年")
_PERIOD = re.compile(r"(?:自|从|为)[ \t]*(20\d\d)[ \t]*年[ \t]*1[ \t]*月[ \t]*1[ \t]*日")
_HEAD = 800
_TAIL = 300


_DIGIT_VALUE = {c: str(max(i - 1, 0)) for i, c in enumerate(_CN_DIGIT)}  # 〇 零 → 0, 一 → 1…


def _year(text: str) -> int:
    """A year printed in Arabic or Chinese digits (二〇二三)."""
    return int("".join(_DIGIT_VALUE.get(c, c) for c in text if not c.isspace()))


def _head(text: str, times: int = 1) -> str:
    """The first characters of `text` past its leading blanks (deep markup, say, leaves
    thousands of blank lines before a page's title)."""
    start = len(text) - len(text.lstrip())
    return text[start : start + _HEAD * times]


def title(text: str) -> tuple[str | None, int | None]:
    """Issuing body and report year: from the title, or, where the title omits the body,
    from the header lines (发布机构：…), a line of the name alone above the title, or the
    signature above the closing date (None where none says it)."""
    head = _head(text)
    m = _TITLE.search(head)
    if m and not m.group("body").startswith(("本", "年度")):
        body = m.group("body").removesuffix("关于").removesuffix("的") or None
        return body, _year(m.group("year"))
    m = _TITLE_YEAR_FIRST.search(head)
    if m:
        return m.group("body"), _year(m.group("year"))
    year: int | None = None
    period = _PERIOD.search(_head(text, 4))
    if period:
        year = int(period.group(1))
    else:
        found = _YEAR.search(head)
        year = int(found.group(1)) if found else None
    return _body_elsewhere(text), year


def _body_elsewhere(text: str) -> str | None:
    head = _head(text)
    field = _FIELD.search(head)
    if field:
        return field.group("body")
    title_at = head.find("政府信息公开")
    if title_at > 0:
        for line in reversed(head[: head.rfind("\n", 0, title_at) + 1].splitlines()[-3:]):
            name = _NAME_LINE.match(line)
            if name:
                return name.group("body")
    # The signature: the name on a line of its own just above the closing date.
    lines = [line for line in text[-_TAIL:].splitlines() if line.strip()]
    for above, below in pairwise(lines):
        name = _NAME_LINE.match(above)
        if name and _DATE_LINE.match(below):
            return name.group("body")
    return None


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


# The title without a year or body in front (a crawler may print them elsewhere): a line of
# Chinese alone, not a sentence of other text that names such reports.
_BARE_TITLE = re.compile(
    r"(?m)^[ \t#*]*[\u4e00-\u9fff()〔〕《》0-9 \t]{0,40}"
    + loose(r"政府信息公开(?:工作)?(?:年度)?报告")
    + r"[ \t*]*$"
)


def has_title(text: str) -> bool:
    """Whether the head of `text` holds the title words of an annual report: a body or a year
    before 政府信息公开…, or 政府信息公开工作年度报告 on a line of its own."""
    head = _head(text)
    m = _TITLE.search(head)
    if m and not m.group("body").startswith(("本", "年度")):
        return True
    return bool(_TITLE_YEAR_FIRST.search(head) or _BARE_TITLE.search(head))
