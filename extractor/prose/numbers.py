"""Every number in the prose, and what the prose pass made of it.

A reviewer must see what the tool did not understand. So each Arabic numeral, and each
Chinese numeral that counts something (十二件, 两次: a numeral before a measure word; 一是 or
进一步 are words, not numbers), gets one decision:

- `claim`: it states a table figure (a claim was made on it);
- `not_counted`, with the class of what it counts instead: a date or a duration, a share,
  a document, article, phone or page number, an ordinal, people, meetings and events,
  posts and items of information, money other than the fees row, hotline tickets and
  suggestions, other bodies' figures, other things the tables do not hold, or no count at
  all (a bare number with no measure word and no subject of the tables near it);
- `undecided`: a count of the tables' kind (件, 项, 个…) whose subject the rules could not
  settle. These are listed in the record, and they are what a model may be asked about.

The classes are checked from the number's own surroundings (its measure word, the words
right before it, its clause); the order below is the order of precedence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from extractor.prose import claims as C

# The measure words a Chinese numeral must precede to be a number.
_MEASURE = (
    r"万元|亿元|元|件|个|起|宗|项|次|例|份|条|人|名|位|场|期|篇|家|批|类|部(?![门分署委])|本|天|日|月|年|周|"
    r"小时|分钟|岁|户|所|套|台|辑|册|轮|组|处|页|字|余|多|季度|倍|成|号|届|张|封|栏"
)
_CN = "〇零一二两三四五六七八九十百千万"
# An Arabic number (one glued to a digit or a point before it is skipped in `numerals`), or
# a Chinese numeral before a measure word.
_NUMERAL = re.compile(rf"(?P<ar>\d+(?:\.\d+)?)|(?P<cn>[{_CN}]+)(?=\s*(?:{_MEASURE}))")
# A Chinese numeral inside a word: 统一, 唯一, 逐一, 第一, 一次性, 一体化, 之一…
_CN_LEXICAL_BEFORE = re.compile(r"[第统唯逐单同之进每任某万]$")
_CN_LEXICAL_AFTER = re.compile(r"\s*(?:个|次|项|批|件|类|部|本|套|处|张)?\s*(?:性|化|体|站式|揽子|把手|网|线)")

_COUNTED_ONE = re.compile(r"(?:共|计|有|收到|受理|办结|答复|发生|提起|(?<!作)为|仅)\s*$")
# What follows a number, in order of precedence.
_UNIT = re.compile(r"\s*(?:余|多|左右)?\s*(%|％|‰|个百分点|个工作日|个月|" + _MEASURE + r")")

Decision = Literal["claim", "not_counted", "undecided"]

REASONS = (
    "identifier",  # document, article, phone, page or house number; a code or address
    "date_time",  # a year, a date, a time, a duration
    "share",  # a percentage, a ratio, a multiple
    "change",  # a difference from another year (较上年增加N件)
    "ordinal",  # a list item's number, 第N
    "people",  # persons, visits by persons
    "meetings",  # meetings, trainings, events, inspections
    "posts",  # posts and items of information, articles, issues, columns
    "money",  # an amount of money other than the fees row
    "hotline",  # hotline tickets, letters, suggestions, consultations, withdrawn requests
    "other_bodies",  # figures of a region's other bodies
    "not_ours",  # documents the body drafted, reviewed, filed or passed on: not its own issuing
    "other_things",  # things the tables do not count (power lists, services, accounts…)
    "no_count",  # a bare number: no measure word, no subject of the tables near it
)


@dataclass(frozen=True)
class Numeral:
    """One number in the prose (offsets into the normalised text)."""

    start: int
    end: int
    value: C.Number | None
    unit: str  # the measure word after it, "" when none


@dataclass(frozen=True)
class Decided:
    numeral: Numeral
    decision: Decision
    reason: str | None  # the class of a not_counted number
    topic: str | None  # the topic of a claim


def numerals(text: str, start: int, end: int) -> list[Numeral]:
    """Every number in text[start:end], in text order."""
    found = []
    for m in _NUMERAL.finditer(text, start, end):
        s, e = m.span()
        if m.group("ar") is not None:
            if s > 0 and (text[s - 1].isdigit() or text[s - 1] == "."):
                continue
            # A run past 18 digits is a code, not a quantity (and too long to convert).
            digits = m.group()
            value: C.Number | None = (
                None if len(digits) > 18 else float(digits) if "." in digits else int(digits)
            )
        else:
            if set(m.group()) <= set("十百千万") and m.group() != "十":
                continue  # 万元, 千米: a unit, not a number
            if (s > 0 and text[s - 1].isdigit()) or _CN_LEXICAL_BEFORE.search(
                text, max(0, s - 1), s
            ):
                continue
            if _CN_LEXICAL_AFTER.match(text, e):
                continue
            value = _chinese(m.group())
            if value is None:
                continue
            if m.group() == "一" and not _COUNTED_ONE.search(text, max(0, s - 3), s):
                continue  # 一次受理, 一件事, 一项工作: a word, not a count
        u = _UNIT.match(text, e, min(end, e + 8))
        found.append(Numeral(s, e, value, u.group(1) if u else ""))
    return found


def _chinese(s: str) -> int | None:
    """A Chinese numeral's value, 万 included (三万二千 = 32000)."""
    if "万" not in s:
        return C.chinese_number(s)
    high, _, low = s.partition("万")
    h = C.chinese_number(high) if high else 1
    lo = C.chinese_number(low) if low else 0
    return None if h is None or lo is None else h * 10000 + lo


# --- the classes ------------------------------------------------------------------------

_ASCII = re.compile(r"[A-Za-z_/=&#@\-:]")
_IDENT_BEFORE = re.compile(
    r"(?:电话|传真|热线|邮编|手机|座机|电子邮箱|邮箱|QQ|qq|网址|地址|[号〔\[【(（]|令第|第)\s*[\d\-－—]*$"
)
_IDENT_AFTER = re.compile(r"\s*(?:号|〕|\]|】|页|楼|室|路|街|栋|幢|弄|巷)")
_DOC_NUMBER = re.compile(r"〔\s*\d{4}\s*〕\s*\d+\s*号|\[\s*\d{4}\s*\]\s*\d+\s*号")
_DATE_AFTER = re.compile(
    r"\s*(?:年|月|日|时|点|分钟|分|秒|季度|周岁|周|个工作日|个月|工作日|天|小时|日内|号(?=[^\d]{0,2}(?:起|至|前|后|以前|开始|召开|印发|发布)))"
)
_DATE_SHAPE = re.compile(r"\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2})?|\d{1,2}:\d{2}")
_YEAR = re.compile(r"(?:19|20)\d{2}$")
_SHARE_AFTER = re.compile(r"\s*(?:%|％|‰|个百分点|成(?![立为效果员])|倍)")
_SHARE_BEFORE = re.compile(r"(?:占|比例|比率|率为|率达|提高|下降|增长|同比|环比)[^\d，,。；;]{0,4}$")
_CHANGE_BEFORE = re.compile(
    r"(?:较|比|同比|环比)(?:上年|去年|上一年|前一年|\d{4}年)?[^\d，,。；;]{0,6}(?:增加|减少|增长|下降|上升|多|少)"
    r"[^\d，,。；;]{0,2}$"
)
_ORDINAL_BEFORE = re.compile(r"(?:第|[（(])\s*$")
_ORDINAL_AFTER = re.compile(r"\s*(?:[）)]|[、．.](?!\d)|是)")
_PEOPLE = re.compile(r"人次|人|名|位|户|万人|余人|多人|余名")
_MEETINGS = re.compile(
    r"会议|会|培训|讲座|活动|座谈|调研|检查|督查|演练|宣传|走访|开放日|观摩|考核|评估|巡查|约谈|发布会|研讨"
)
_POSTS = re.compile(
    r"信息|稿件|文章|微博|微信|网站|公众号|动态|栏目|专栏|专题|解读|新闻|推送|发布|更新|图解|视频|"
    r"简报|公报|公告|通知|汇编|手册|报道|政策|目录|指南|资料|材料|转载|头条"
)
_MONEY = re.compile(r"元")


def clause_around(
    text: str, start: int, end: int, lo: int = 0, hi: int | None = None
) -> tuple[int, int]:
    """The clause a number stands in (normalised offsets, within text[lo:hi]): what a
    reviewer, or a model, reads to decide what it counts."""
    hi = len(text) if hi is None else hi
    b = C._clause_start(text, start, max(lo, start - 60), C._BREAKS)
    a = C._clause_end(text, end, min(hi, end + 40), C._BREAKS)
    return b, a


def _in_tag(text: str, pos: int, lo: int) -> bool:
    """Whether pos is inside an HTML tag or attribute (<td width="46">)."""
    opened = text.rfind("<", max(lo, pos - 400), pos)
    return opened >= 0 and text.rfind(">", opened, pos) < 0 and (
        text[opened + 1 : opened + 2].isalpha() or text[opened + 1 : opened + 2] in "/!"
    )


def reason_of(text: str, n: Numeral, lo: int, hi: int) -> str | None:
    """The class of what a number counts when it is not a table figure, None when the
    number could count something the tables hold."""
    s, e = n.start, n.end
    before = text[max(lo, s - 12) : s]
    # identifiers: markup, codes, addresses, phone and document numbers
    if _in_tag(text, s, lo):
        return "identifier"
    if (s > 0 and _ASCII.match(text[s - 1])) or (e < len(text) and _ASCII.match(text[e])):
        return "identifier"
    if (e - s) >= 7 and text[s].isdigit():
        return "identifier"
    if _DOC_NUMBER.search(text, max(lo, s - 12), min(hi, e + 4)):
        return "identifier"
    if _IDENT_BEFORE.search(before) and not _ORDINAL_BEFORE.search(before[-1:]):
        return "identifier"
    if n.unit == "号" or _IDENT_AFTER.match(text, e):
        return "identifier"
    # dates, times and durations
    if _DATE_SHAPE.match(text, s) or _DATE_AFTER.match(text, e):
        return "date_time"
    if _YEAR.match(text[s:e]) and not n.unit:
        return "date_time"
    if text[max(lo, s - 1) : s] in ("年", "月") and text[e : e + 1] in ("年", "月", "日"):
        return "date_time"
    # shares and changes
    if _SHARE_AFTER.match(text, e) or _SHARE_BEFORE.search(before):
        return "share"
    if _CHANGE_BEFORE.search(text, max(lo, s - 16), s):
        return "change"
    # ordinals and list numbers
    if _ORDINAL_BEFORE.search(before) or (not n.unit and _ORDINAL_AFTER.match(text, e)):
        return "ordinal"
    b, a = clause_around(text, n.start, n.end, lo, hi)
    clause = text[b:a]
    if (n.unit and _PEOPLE.fullmatch(n.unit)) or text[e : e + 2] == "人次":
        return "people"
    if _AUDIENCE.search(text, max(b, s - 10), min(a, e + 6)):
        return "people"
    if n.unit in ("元", "万元", "亿元"):
        return "money"
    veto = C._CLAUSE_VETO.search(clause)
    if veto is not None:
        word = veto.group()
        return "other_bodies" if word.startswith("各") or word.endswith("单位") else "hotline"
    if _COMPLAINTS.search(clause) and not _APPLICATION.search(clause):
        return "hotline"
    if n.unit in ("场", "期", "次", "轮", "届") and _MEETINGS.search(clause):
        return "meetings"
    sentence = text[C._clause_start(text, s, max(lo, s - 160), C._SENTENCE_END) : a]
    if _NOT_OURS.search(text, b, s):
        return "not_ours"
    if _POWERS.search(clause) and C._POWER_LIST.search(sentence):
        return "other_things"
    if not n.unit:
        # a bare number states a table figure only right after the figure's words
        return None if _STRONG.search(text, max(b, s - 12), s) else "no_count"
    if _STRONG.search(clause):
        return None
    if n.unit in ("条", "篇", "期", "辑", "册", "栏") or _POSTS.search(
        text, max(b, s - 16), min(a, e + 12)
    ):
        return "posts"
    if _MEETINGS.search(text, max(b, s - 12), min(a, e + 8)):
        return "meetings"
    if C._OTHER_THINGS_RE.search(clause) or _SERVICES.search(clause):
        return "other_things"
    if _WEAK.search(clause) and n.unit in _TABLE_UNITS:
        return None
    return "other_things"


# Words of the tables' own quantities: a number in a clause that names one is a claim or
# undecided, never dismissed by the words around it.
_STRONG = re.compile(
    r"申请|规范性文件|规章|行政复议|复议|行政诉讼|诉讼|起诉|行政许可|行政处罚|行政强制|收费|"
    r"不予公开|部分公开|予以公开|无法提供|不予处理|结转"
)
_WEAK = re.compile(r"公开|文件|答复|办理|办结|处理|受理|收到")
_TABLE_UNITS = ("件", "个", "起", "宗", "项", "份", "例", "次")
_APPLICATION = re.compile(r"申请")
_COMPLAINTS = re.compile(r"信访|投诉|举报")
_AUDIENCE = re.compile(r"访客|用户|粉丝|关注(?:量|数|人数)?|订阅|阅读量|点赞|转发量")
_NOT_OURS = re.compile(C._DOC_NOT_OURS + "|转交|报送|上报")
_SERVICES = re.compile(r"服务|办件|事项")
_POWERS = re.compile(r"许可|处罚|强制|确认|征收|给付|裁决|奖励|权力")


def decide(
    text: str,
    regions: Iterable[tuple[int, int]],
    claimed: Iterable[tuple[int, int, C.Number, str | None]],
) -> list[Decided]:
    """A decision for every number of the prose regions. `claimed` gives the phrase
    (start, end), value and topic of each claim made (normalised offsets)."""
    spans = sorted(claimed, key=lambda c: (c[0], c[1]))
    starts = [c[0] for c in spans]
    out = []
    for lo, hi in regions:
        for n in numerals(text, lo, hi):
            topic: str | bool | None = False
            # the claim phrases that start at or before the number (phrases are short)
            at = bisect_right(starts, n.start)
            for _, e, v, t in spans[max(0, at - 8) : at]:
                if n.end <= e and n.value is not None and abs(v - n.value) < 1e-6:
                    topic = t
                    break
            if topic is not False:
                out.append(Decided(n, "claim", None, topic))  # type: ignore[arg-type]
                continue
            reason = reason_of(text, n, lo, hi)
            out.append(Decided(n, "not_counted" if reason else "undecided", reason, None))
    return out
