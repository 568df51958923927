"""Figures the prose states about table content, found by deterministic patterns.

A claim is a number (or a negative statement, "未发生行政复议" = 0) tied to a topic that
`align` knows how to map onto table cells. Patterns are anchored on the words the national
format uses (予以公开, 不予处理, 行政复议…) and need the count word (件/个/起) right after
the number, so website post counts (条), hotline tickets (工单), percentages, dates and phone
numbers are not claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.patterns import loose

Number = int | float
_N = r"(?P<n>\d+(?:\.\d+)?)\s*"
_COUNT = rf"(?:共|共计|合计|总计|为|达|计)?\s*{_N}(?:件|个|起|宗|例)"
_GAP = r"[^,，。；;:：!！?？\d\n]{0,%d}?"  # words between a keyword and its number, no clause break

# (topic, pattern). Order matters only for readability: overlaps are settled by length.
_PATTERNS: tuple[tuple[str, str], ...] = (
    ("received", r"(?:收到|受理|新收|接收|接到)" + _GAP % 20 + r"申请" + _GAP % 8 + _COUNT),
    (
        "received",
        r"(?:收到|受理|新收|接收|接到)"
        + _GAP % 4
        + r"(?:依申请公开|政府信息公开)"
        + _GAP % 10
        + _COUNT,
    ),
    (
        "handled",
        r"(?:办理|办结|处理|答复|完成)" + _GAP % 16 + r"(?:申请|依申请公开)" + _GAP % 10 + _COUNT,
    ),
    ("carried_in", r"上(?:一)?年(?:度)?结转" + _GAP % 16 + _COUNT),
    (
        "carried_out",
        r"(?:结转|转)(?:至|到)?下(?:一)?年(?:度)?"
        + _GAP % 8
        + r"(?:继续)?(?:办理|处理)"
        + _GAP % 4
        + _COUNT,
    ),
    ("granted_partial", r"(?:予以公开|同意公开|公开)(?:及|和|与|、)部分公开" + _GAP % 6 + _COUNT),
    ("granted", r"(?:予以公开|同意公开|全部公开)" + _GAP % 6 + _COUNT),
    ("partial", r"(?<![及和与、])部分公开" + _GAP % 6 + _COUNT),
    ("denied", r"不予公开" + _GAP % 6 + _COUNT),
    ("denied.state_secret", r"(?:属于)?国家秘密" + _GAP % 4 + _COUNT),
    ("denied.prohibited", r"(?:其他)?法律(?:行政)?法规禁止公开" + _GAP % 4 + _COUNT),
    ("denied.security", r"三安全一稳定[”\"]?" + _GAP % 4 + _COUNT),
    ("denied.third_party", r"第三方合法权益" + _GAP % 4 + _COUNT),
    ("denied.internal", r"内部事务(?:信息)?" + _GAP % 4 + _COUNT),
    ("denied.process", r"过程性信息" + _GAP % 4 + _COUNT),
    ("denied.enforcement_file", r"行政执法案卷" + _GAP % 4 + _COUNT),
    ("denied.inquiry", r"行政查询(?:事项|类)?" + _GAP % 4 + _COUNT),
    ("unavailable", r"无法提供" + _GAP % 6 + _COUNT),
    ("unavailable.not_held", r"不掌握(?:相关)?(?:政府)?(?:信息)?" + _GAP % 12 + _COUNT),
    ("unavailable.needs_creation", r"(?:没有现成信息|需要?另行制作)" + _GAP % 8 + _COUNT),
    ("unavailable.unclear", r"(?:申请)?内容(?:仍)?不明确" + _GAP % 4 + _COUNT),
    ("not_processed", r"不予处理" + _GAP % 6 + _COUNT),
    ("not_processed.petition", r"信访举报投诉类?(?:申请)?" + _GAP % 4 + _COUNT),
    ("not_processed.duplicate", r"重复申请" + _GAP % 4 + _COUNT),
    ("not_processed.publication", r"公开出版物" + _GAP % 4 + _COUNT),
    ("not_processed.excessive", r"大量反复申请" + _GAP % 4 + _COUNT),
    ("not_processed.confirmation", r"确认或重新出具" + _GAP % 10 + _COUNT),
    ("other_processing", r"其他处理" + _GAP % 6 + _COUNT),
    ("review.upheld", r"行政复议" + _GAP % 10 + r"(?:结果)?维持" + _GAP % 4 + _COUNT),
    ("review.corrected", r"行政复议" + _GAP % 10 + r"(?:结果)?纠正" + _GAP % 4 + _COUNT),
    ("review.pending", r"行政复议" + _GAP % 10 + r"尚未审结" + _GAP % 4 + _COUNT),
    ("review", r"行政复议(?:案件|申请|案)?" + _GAP % 2 + _COUNT),
    ("litigation.direct", r"(?:未经复议)?直接(?:提起|起诉)" + _GAP % 6 + _COUNT),
    ("litigation.after_review", r"复议后(?:提起|起诉)" + _GAP % 6 + _COUNT),
    ("litigation", r"行政诉讼(?:案件|案)?" + _GAP % 2 + _COUNT),
    (
        "normative_docs.issued",
        r"(?:发布|制发|出台|印发|制定)(?:了)?(?:行政)?规范性文件" + _GAP % 4 + _COUNT,
    ),
    ("normative_docs.repealed", r"废止(?:了)?(?:行政)?规范性文件" + _GAP % 4 + _COUNT),
    ("normative_docs.in_force", r"现行有效(?:的)?(?:行政)?规范性文件" + _GAP % 4 + _COUNT),
    ("normative_docs.in_force", r"现行有效" + _N + r"(?:件|个)(?:行政)?规范性文件"),
    ("licensing", r"行政许可(?:决定)?" + _GAP % 4 + _COUNT),
    ("penalty", r"行政处罚(?:决定)?" + _GAP % 4 + _COUNT),
    ("coercion", r"行政强制(?:决定)?" + _GAP % 4 + _COUNT),
    (
        "fees",
        r"(?:行政事业性)?收费(?:金额)?" + _GAP % 6 + r"(?:共|共计|合计|为|达)?\s*" + _N + r"万元",
    ),
)
_COMPILED = tuple((topic, re.compile(loose(p))) for topic, p in _PATTERNS)

# Negative statements: the count they speak of is zero.
_NEGATION = r"(?:未|没有|无(?!法))(?:发生|收到|产生|出现|接到|有|涉及)?"
_NEGATIVES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (
        ("review", "litigation"),
        re.compile(
            loose(
                _NEGATION
                + _GAP % 24
                + r"行政复议"
                + r"[^。;；,，]{0,4}(?:和|及|与|、|或)"
                + _GAP % 8
                + r"行政诉讼"
            )
        ),
    ),
    (("review",), re.compile(loose(_NEGATION + _GAP % 24 + r"行政复议"))),
    (("litigation",), re.compile(loose(_NEGATION + _GAP % 24 + r"行政诉讼"))),
    (("received",), re.compile(loose(r"(?:未|没有)(?:收到|受理)" + _GAP % 10 + r"(?:申请)"))),
    (
        ("normative_docs.issued",),
        re.compile(loose(r"(?:未|没有)(?:出台|制发|发布|印发|制定)(?:行政)?规范性文件")),
    ),
    (
        ("review.all_upheld",),
        re.compile(loose(r"行政复议" + _GAP % 16 + r"均(?:获|予|被)?(?:以)?维持")),
    ),
)
_NOT_A_COUNT = re.compile(r"\s*(?:%|‰|年|月|日|个百分点|小时|分钟|天|周岁)")


@dataclass(frozen=True)
class Found:
    topic: str
    value: Number
    start: int  # the phrase, in the normalised text
    end: int


def _value(text: str) -> Number:
    return float(text) if "." in text else int(text)


def find_claims(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Every claim in text[start:end], one per number, in text order."""
    end = len(text) if end is None else end
    by_number: dict[tuple[int, int], Found] = {}
    for topic, pattern in _COMPILED:
        for m in pattern.finditer(text, start, end):
            span = m.span("n")
            if _NOT_A_COUNT.match(text, span[1]) and topic != "fees":
                continue
            found = Found(topic, _value(m.group("n")), m.start(), m.end())
            kept = by_number.get(span)
            # One number, one claim: the longest phrase is the most specific reading of it
            # ("予以公开及部分公开5件" over "部分公开5件").
            if kept is None or (found.end - found.start) > (kept.end - kept.start):
                by_number[span] = found
    claims = list(by_number.values())
    taken: list[tuple[int, int]] = []
    for topics, pattern in _NEGATIVES:
        for m in pattern.finditer(text, start, end):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # "未发生行政复议和行政诉讼" is not also "未发生行政复议"
            if any(c.start < m.end() and m.start() < c.end for c in claims):
                continue
            taken.append(m.span())
            claims.extend(Found(t, 0, m.start(), m.end()) for t in topics)
    return sorted(claims, key=lambda c: (c.start, c.topic))


# Topics for a model's free-text subject: the same vocabulary, most specific first.
_SUBJECTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(p))
    for topic, p in (
        ("granted_partial", r"予以公开.*部分公开|公开及部分公开"),
        ("partial", r"部分公开"),
        ("granted", r"予以公开|同意公开"),
        ("denied", r"不予公开"),
        ("unavailable.not_held", r"不掌握"),
        ("unavailable", r"无法提供"),
        ("not_processed", r"不予处理"),
        ("other_processing", r"其他处理"),
        ("carried_out", r"结转下|转下年|下年度"),
        ("carried_in", r"上年结转"),
        ("review.corrected", r"复议.*纠正"),
        ("review.upheld", r"复议.*维持"),
        ("review", r"行政复议"),
        ("litigation.direct", r"直接起诉"),
        ("litigation", r"行政诉讼"),
        ("normative_docs.in_force", r"现行有效"),
        ("normative_docs.repealed", r"废止"),
        ("normative_docs.issued", r"规范性文件"),
        ("licensing", r"行政许可"),
        ("penalty", r"行政处罚"),
        ("coercion", r"行政强制"),
        ("fees", r"收费"),
        ("handled", r"办理|办结|处理|答复"),
        ("received", r"收到|受理|新收|申请"),
    )
)


def topic_of(subject: str) -> str | None:
    """The claim topic a model's description of a figure names, if any."""
    for topic, pattern in _SUBJECTS:
        if pattern.search(subject):
            return topic
    return None
