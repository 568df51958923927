"""Figures the prose states about table content, found from the number outward.

Every count or amount in the prose is a candidate: an Arabic or Chinese numeral
(十/百/千/两/〇 included) followed by a count word (件/个/起/宗/项/次/例/份/条) or 万元. Its
subject comes from the clause around it, before or after the number, in the words of the
national format (收到/受理 申请, 予以公开, 结转下年, 行政复议…). A candidate without a clear
subject is not a claim: website posts, hotline tickets, meetings, people (人次), percentages,
dates, phone numbers, 第N条 and document numbers never carry one. A clause that names only
the action ("办结10件", "废止1件") takes its object from the sentence it is in.

Negative statements ("未发生行政复议") are claims of zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.budget import check
from extractor.ingest.patterns import loose

Number = int | float

# --- numbers -------------------------------------------------------------------------------

_CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "〇零一二两三四五六七八九十百千"
_UNIT = r"万元|件|个|起|宗|项|次|例|份|条|部(?![门分署委队长])"
# A number not preceded by a digit or a point. The pattern begins with the number's first
# character (the look-behind follows it) so the regex engine skips ahead to numerals.
_TOKEN = re.compile(
    rf"(?P<n>[\d{_CN}](?<![\d.][\d{_CN}])(?:(?<=\d)\d*(?:\.\d+)?|(?<=[{_CN}])[{_CN}]*))"
    rf"[ \t\n]*(?P<u>{_UNIT})(?![\d])",
)
# What a count word followed by these means is not a count of anything the tables hold.
_NOT_A_COUNT_AFTER = re.compile(r"\s*(?:事|性|工作日|月|小时|百分点|左右|以上|以下|多|余|人)")
# Before a number: an ordinal, an approximation, or a word a Chinese numeral belongs to.
_NOT_A_COUNT_BEFORE = re.compile(r"(?:第|约|近|逾|超过|超|〔|\[|统|逐|唯|单|同|之|万)\s*$")


def chinese_number(s: str) -> int | None:
    """The value of a Chinese numeral (十二, 两, 一百〇五, 二〇), or None if it is not one."""
    if all(c in _CN_DIGITS for c in s):  # digit by digit: 二〇 = 20
        return int("".join(str(_CN_DIGITS[c]) for c in s))
    total, digit = 0, None
    for c in s:
        if c in _CN_DIGITS:
            if digit is not None and _CN_DIGITS[c] != 0:
                return None  # 三四: not a number
            digit = _CN_DIGITS[c] or None
        else:
            total += (digit if digit is not None else 1) * _CN_UNITS[c]
            digit = None
    return total + (digit or 0)


# More digits than any count or amount holds: not a figure (and beyond what int() converts).
LONGEST_FIGURE = 18


def _value(text: str) -> Number | None:
    if text[0].isdigit():
        if len(text.split(".")[0]) > LONGEST_FIGURE:
            return None
        return float(text) if "." in text else int(text)
    return chinese_number(text)


# --- subjects --------------------------------------------------------------------------------

# Self-contained subjects: the words alone say which cells are meant. (topic, pattern)
_SUBJECTS: tuple[tuple[str, str], ...] = (
    ("granted_partial", r"(?:予以公开|同意公开|公开)(?:及|和|与|、|或)部分公开"),
    ("partial", r"部分(?:同意|予以)?公开"),
    ("denied", r"不同意公开"),
    ("granted", r"予以公开|(?<![不部分])同意公开|全部公开|准予公开"),
    ("denied+", r"不予公开等(?:其他|其它)?(?:类型|情形|情况)?"),
    ("unavailable+", r"无法提供等(?:其他|其它)?(?:类型|情形|情况)?"),
    ("not_processed+", r"不予处理等(?:其他|其它)?(?:类型|情形|情况)?"),
    ("denied", r"不予公开"),
    ("denied.state_secret", r"国家秘密"),
    ("denied.prohibited", r"(?:其他)?法律(?:行政)?法规禁止公开"),
    ("denied.security", r"三安全一稳定[”\"]?"),
    ("denied.third_party", r"第三方合法权益"),
    ("denied.internal", r"内部事务(?:信息)?"),
    ("denied.process", r"过程性信息"),
    ("denied.enforcement_file", r"行政执法案卷"),
    ("denied.inquiry", r"行政查询(?:事项|类)?"),
    ("unavailable", r"无法提供"),
    ("unavailable.not_held", r"不掌握|信息不存在|非本(?:机关|单位|部门)(?:所)?掌握|不属于本(?:机关|单位|部门)(?:所)?掌握"),
    ("unavailable.needs_creation", r"没有现成信息|需要?另行制作"),
    ("unavailable.unclear", r"(?:申请)?内容(?:仍)?不明确"),
    ("not_processed", r"不予处理"),
    ("not_processed.petition", r"信访举报投诉类?(?:申请)?"),
    ("not_processed.duplicate", r"重复申请"),
    ("not_processed.publication", r"公开出版物"),
    ("not_processed.excessive", r"大量反复申请"),
    ("not_processed.confirmation", r"确认或重新出具"),
    ("other.overdue_correction", r"逾期(?:不|未)补正"),
    ("other.overdue_fee", r"逾期未(?:按收费通知要求)?(?:缴纳|缴|交纳|交)(?:费用|费)"),
    ("other_processing", r"其他处理"),
    ("procurement.items", r"(?:政府)?集中采购项目"),
    ("carried_in", r"上(?:一)?年(?:度)?结转|从上年(?:度)?结转|结转(?:至|到|入)本年(?:度)?"),
    ("received", r"本年(?:度)?新收(?:政府信息公开申请)?(?:数量)?"),
    (
        "carried_out",
        r"(?:结转|转|顺延|延期)(?:至|到|入)?下(?:一)?年(?:度)?(?:继续)?(?:办理|处理|答复)?|(?:结转|转|顺延)(?:至|到|入)?\d{4}年(?:度)?(?:继续)?(?:办理|处理|答复)?|结转下年度继续办理",
    ),
    ("review.upheld", r"行政复议[^，,。；;\d]{0,10}?(?:结果)?维持(?:原(?:具体)?(?:行政)?行为)?"),
    ("review.corrected", r"行政复议[^，,。；;\d]{0,10}?(?:结果)?(?:纠正|纠错|撤销|确认违法)"),
    ("review.pending", r"行政复议[^，,。；;\d]{0,10}?尚未审结"),
    ("review", r"行政复议"),
    ("litigation.direct", r"(?:未经复议)?直接(?:提起|起诉)(?:行政诉讼)?"),
    ("litigation.after_review", r"复议后(?:提起|起诉)(?:行政诉讼)?"),
    ("litigation", r"行政诉讼"),
    ("licensing", r"行政许可"),
    ("penalty", r"行政处罚"),
    ("coercion", r"行政强制"),
    ("fees", r"(?:行政事业性)?收费(?:金额)?"),
)
# A reason named before its category ("因涉及第三方合法权益不予公开2件") is the reason's row.
_CATEGORY_WORDS = {"denied": "不予公开", "unavailable": "无法提供", "not_processed": "不予处理"}
_SUBJECTS += tuple(
    (topic, rf"(?:{p})[^，,。；;\d]{{0,16}}?{_CATEGORY_WORDS[topic.split('.')[0]]}")
    for topic, p in _SUBJECTS
    if "." in topic and topic.split(".")[0] in _CATEGORY_WORDS
)
_SUBJECT_RES = tuple((t, re.compile(loose(p))) for t, p in _SUBJECTS)

# What each kind of subject may have between itself and its number ("行政复议案件6件",
# "行政处罚决定书412份"): anything else means the number counts something else.
_FILLER_WORDS = (
    r"政府信息公开|依申请公开|政府信息|信息公开|申请|事项|案件|案|决定书|决定|答复|审批|类|的|"
    r"情形|情况|数量|件数|结果|措施|办件量|办件|件量|审批件|申请书|申请表|书|总数量|总数|原|作出|做出|相关|范围|已|均|共计|合计|总计|累计|共|为|达|计|了|有|\s"
)
_FILLER = rf"(?:{_FILLER_WORDS})*"
_FILLER_RE = re.compile(_FILLER + r"$")

# Actions that need an object: (topic, verb pattern, object kind).
_RECEIVED = r"新受理|收到|受理|新收|接收|接到|收悉|登记"
_HANDLED = r"办结|答复|办理|处理完毕|处理|完成"
_ISSUED = r"新制发|新印发|新出台|新公布|新制定|新制作|新增|制发|印发|发布|出台|制定|公布|新公开"
_REPEALED = r"废止|宣布失效|失效"
_IN_FORCE = r"现行有效|现行|对外公开"
# Verbs after which a 规范性文件 count is not the body's own issuing: drafting, review, filing.
_DOC_NOT_OURS = r"起草|审核|审查|备案|清理|移交|解读|征求|报送|评估|梳理|转发|汇编|报备"
_VERBS: tuple[tuple[str, str, str], ...] = (
    ("received", _RECEIVED, "application"),
    ("handled", _HANDLED, "application"),
    ("issued", _ISSUED, "document"),
    ("repealed", _REPEALED, "document"),
    ("in_force", _IN_FORCE, "document"),
    ("not_ours", _DOC_NOT_OURS, "document"),
    # 行政复议2件，其中维持1件: an outcome whose case the sentence named
    ("upheld", r"维持(?:原(?:具体)?(?:行政)?(?:行为|答复|决定))?|驳回(?:原告)?(?:的)?(?:诉讼请求|起诉|诉请)?", "review"),
    ("corrected", r"纠正|纠错|撤销|确认违法", "review"),
    ("pending", r"尚未审结|未审结|正在审理|尚在审理|审理中", "review"),
    ("other", r"其他结果|结果其他", "review"),
)
_VERB_RES = tuple((t, re.compile(loose(p)), kind) for t, p, kind in _VERBS)
_OBJECTS = {
    # 申请 of a 复议/诉讼/许可 or an applicant (申请人) is not an information request.
    "application": re.compile(
        r"(?<!复议)(?<!诉讼)(?<!许可)(?<!赔偿)(?<!登记)(?<!仲裁)"
        + loose("申请")
        + r"(?!\s*人)(?:\s*公\s*开)?"
    ),
    "document": re.compile(
        # 规章制度 is a body's internal rules and regulations, not 规章
        loose(r"(?:(?:行政)?法规[、和及与])?规章(?:[、和及与]|以及)(?:行政)?规范性文件|(?:行政)?规范性文件|规章")
        + r"(?!\s*制\s*度)"
    ),
    # the cases an outcome belongs to: 复议机关 for a review, 法院 for a suit
    "review": re.compile(loose(r"行政复议|行政诉讼|起诉|复议|诉讼|法院")),
}
# Words that show a number counts something the tables do not: posts, hotline tickets,
# suggestions, meetings, visits, power lists. Anywhere in the clause for the first group,
# between subject and number for the second.
_CLAUSE_VETO = re.compile(
    r"热线|工单|12345|信箱|留言|来信|来电|咨询|建议|提案|诉求|网民|权责|权力清单|事项清单|撤回"
    # counts of other bodies within a whole region's report: a part the tables do not show
    r"|各部门|各单位|各县|各区|各乡镇|各街道|所属单位|下属单位"
)
_OTHER_THINGS = (
    r"会议|培训|讲座|发布会|网站|网页|微信|微博|公众号|新媒体|栏目|专栏|访问|浏览|点击|服务事项|"
    r"清单|目录|档案|政策文件|人次|类信息|条信息|政务信息|动态|公报|稿件|文章|材料"
)
_OTHER_THINGS_RE = re.compile(_OTHER_THINGS)
_GAP_VETO = re.compile(_OTHER_THINGS + "|" + _DOC_NOT_OURS)
_BREAKS = "，,。；;：:！？!?（）()【】"
_SENTENCE_END = "。；;！？!?"
_SENTENCE_REACH = 160
_CLAUSE_REACH = 60
# A heading line ("（二）依申请公开情况") ends its clause even without punctuation.
_HEADING = re.compile(
    r"(?m)^[ \t]*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.])"
    r"[^\n。；;，,]{0,30}$"
)


@dataclass(frozen=True)
class Found:
    topic: str
    value: Number
    start: int  # the phrase, in the normalised text
    end: int


@dataclass(frozen=True)
class _Candidate:
    value: Number
    start: int  # the number
    end: int  # past the count word
    unit: str


def _candidates(text: str, start: int, end: int) -> list[_Candidate]:
    out = []
    for m in _TOKEN.finditer(text, start, end):
        check()
        n = m.group("n")
        value = _value(n)
        if value is None:
            continue
        if _NOT_A_COUNT_BEFORE.search(text, max(start, m.start() - 3), m.start()):
            continue
        if _NOT_A_COUNT_AFTER.match(text, m.end()):
            continue
        if not n[0].isdigit() and m.group("u") == "万元":
            continue
        out.append(_Candidate(value, m.start(), m.end(), m.group("u")))
    return out


def _clause_start(text: str, pos: int, floor: int, breaks: str) -> int:
    i = pos
    while i > floor and text[i - 1] not in breaks:
        i -= 1
    return i


def _clause_end(text: str, pos: int, ceiling: int, breaks: str) -> int:
    i = pos
    while i < ceiling and text[i] not in breaks:
        i += 1
    return i


def _nearest(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The match ending last in text[start:end] (the longest among those ending there)."""
    best = None
    pos = start
    while True:
        m = pattern.search(text, pos, end)
        if m is None:
            return best
        if (
            best is None
            or m.end() > best.end()
            or (m.end() == best.end() and m.start() < best.start())
        ):
            best = m
        pos = m.start() + 1


def _gap_ok(gap: str, limit: int = 14) -> bool:
    return len(gap) <= limit and not _GAP_VETO.search(gap) and bool(_FILLER_RE.match(gap))


# After a self-contained subject, "的信息" may name what it counts ("属于不掌握的信息4件");
# after an action it may not ("发布信息58条" counts posts).
_SUBJECT_FILLER_RE = re.compile(rf"(?:的信息|{_FILLER_WORDS})*$")


def _subject_gap_ok(gap: str, limit: int = 14) -> bool:
    return len(gap) <= limit and not _GAP_VETO.search(gap) and bool(_SUBJECT_FILLER_RE.match(gap))


def _document_topic(verb: str | None, unit: str) -> str | None:
    if verb == "not_ours" or unit == "万元":
        return None
    return verb or "any"


class _Clause:
    """The words around one number: before it back to the clause break or the previous
    number, after it up to the next; the sentence for an object the clause leaves out."""

    def __init__(self, text: str, c: _Candidate, lo: int, hi: int, floor: int, ceiling: int):
        self.text = text
        self.c = c
        self.b0 = _clause_start(text, c.start, max(floor, c.start - _CLAUSE_REACH), _BREAKS)
        self.a1 = _clause_end(text, c.end, min(hi, ceiling), _BREAKS)
        # A sentence longer than this is a table or a list, not one statement.
        self.s0 = _clause_start(text, c.start, max(lo, c.start - _SENTENCE_REACH), _SENTENCE_END)

    def vetoed(self) -> bool:
        return bool(_CLAUSE_VETO.search(self.text, self.b0, self.a1))


def _subject_before(cl: _Clause) -> tuple[str, int] | None:
    """(topic, phrase start) from a self-contained subject before the number."""
    text, c = cl.text, cl.c
    best: tuple[int, int, str, int] | None = None  # (end, -start, topic, start)
    for topic, pattern in _SUBJECT_RES:
        m = _nearest(pattern, text, cl.b0, c.start)
        if m is None or not _subject_gap_ok(text[m.end() : c.start]):
            continue
        key = (m.end(), -m.start())
        if best is None or key > best[:2]:
            best = (m.end(), -m.start(), topic, m.start())
    return (best[2], best[3]) if best else None


def _verb_before(cl: _Clause, other_than: str = "") -> tuple[str, str, int, int] | None:
    """(verb topic, object kind, verb start, object end or -1) from an action before the
    number, with its object before the number (-1: the object is not in the clause); an
    action on another kind of object than `other_than`, when given."""
    text, c = cl.text, cl.c
    best = None
    for topic, pattern, kind in _VERB_RES:
        if kind == other_than:
            continue
        m = _nearest(pattern, text, cl.b0, c.start)
        if m is None:
            continue
        obj = _nearest(_OBJECTS[kind], text, m.end(), c.start)
        if obj is not None:
            if len(text[m.end() : obj.start()]) > 30 or _GAP_VETO.search(
                text, m.end(), obj.start()
            ):
                continue
            if not _gap_ok(text[obj.end() : c.start]):
                continue
            cand = (obj.end(), m.end(), topic, kind, m.start(), obj.end())
        else:
            if not _gap_ok(text[m.end() : c.start], 6):
                continue
            cand = (m.end(), m.end(), topic, kind, m.start(), -1)
        if best is None or cand[:2] > best[:2]:
            best = cand
    if best is None:
        return None
    return best[2], best[3], best[4], best[5]


def _object_after(cl: _Clause, kind: str) -> int | None:
    """End of the object right after the number ("共收到58件申请"), if any."""
    text, c = cl.text, cl.c
    m = _OBJECTS[kind].search(text, c.end, min(cl.a1, c.end + 24))
    if m is None or _GAP_VETO.search(text, c.end, m.start()):
        return None
    return m.end()


def _object_in_sentence(cl: _Clause, kind: str, verb_start: int) -> bool:
    """Whether the sentence named the object before this clause ("收到申请10件，办结10件")."""
    text = cl.text
    obj = _nearest(_OBJECTS[kind], text, cl.s0, verb_start)
    if obj is None:
        return False
    between = text[obj.end() : cl.c.start]
    return not _GAP_VETO.search(between) and not _CLAUSE_VETO.search(between)


def _document_verb_in_sentence(cl: _Clause, doc_start: int) -> str | None:
    """The action a list item shares with the one before it ("起草规章1件、规范性文件2件")."""
    best = None
    for topic, pattern, kind in _VERB_RES:
        if kind != "document":
            continue
        m = _nearest(pattern, cl.text, cl.s0, doc_start)
        if m is not None and (best is None or m.end() > best[0]):
            best = (m.end(), topic)
    return best[1] if best else None


def _subject_after(cl: _Clause) -> tuple[str, int] | None:
    """(topic, phrase end) from a self-contained subject right after the number."""
    text, c = cl.text, cl.c
    best = None
    for topic, pattern in _SUBJECT_RES:
        m = pattern.search(text, c.end, cl.a1)
        if m is None or not _gap_ok(text[c.end : m.start()], 4):
            continue
        key = (m.start(), -m.end())
        if best is None or key < best[:2]:
            best = (m.start(), -m.end(), topic, m.end())
    return (best[2], best[3]) if best else None


def _classify(cl: _Clause) -> tuple[str, int, int] | None:
    """(topic, phrase start, phrase end) for one number, or None when it has no subject."""
    if cl.vetoed():
        return None
    got = _subject_of(cl)
    if got is None:
        return None
    topic, s, e = got
    if topic in _POWERS and _POWER_LIST.search(cl.text, cl.s0, cl.c.start):
        return None  # items of a list of powers (权责清单), not decisions taken
    if topic in _POWERS and _APPLIED.search(cl.text, s, cl.c.start):
        return None  # 受理行政许可申请: applications for a licence, not decisions
    if topic in ("received", "handled", "applications"):
        phrase = cl.text[min(s, cl.b0) : e]
        if _PART_OF.search(phrase):
            topic += PART  # 网上申请11件, 按期答复50件: a part of the applications
        else:
            who = applicant(phrase)
            if who is not None:  # 收到自然人申请13件: one column of the new applications
                topic = ("received" if topic == "applications" else topic) + "@" + who
    return topic, s, e


# A figure about some of the applications (by channel, by timeliness) can agree with the
# table's total but never contradict it.
PART = "?"
_PART_OF = re.compile(
    r"当面|网络|网上|在线|信函|邮寄|传真|电子邮件|邮件|现场|窗口|按期|按时|如期|逾期|超期|延期|有效|无效|"
    r"当场|当日|期限内"
)
# The applicant columns of the table, by the words reports use for them. `org` is every
# organisation column together (法人或其他组织).
_APPLICANTS = {
    "natural": re.compile(r"自然人|公民|个人|群众"),
    "commercial": re.compile(r"商业企业|企业"),
    "research": re.compile(r"科研机构"),
    "nonprofit": re.compile(r"社会公益组织|公益组织"),
    "legal": re.compile(r"法律服务机构|律师事务所|律师"),
    "org": re.compile(r"法人|其他组织|社会组织"),
}
_APPLICANT_ANY = re.compile("|".join(p.pattern for p in _APPLICANTS.values()))


def applicant(phrase: str) -> str | None:
    """The applicant column a phrase names, None when it names none or several."""
    who = {col for col, p in _APPLICANTS.items() if p.search(phrase)}
    if len(who) > 1 and "org" in who:
        who.discard("org")  # 法人或其他组织中的商业企业: the narrower column
    if "commercial" in who and "nonprofit" in who:
        who.discard("commercial")
    return who.pop() if len(who) == 1 else None


_POWERS = ("licensing", "penalty", "coercion")
_POWER_LIST = re.compile(r"权责|清单|目录")
_APPLIED = re.compile(r"申请|受理")


def _subject_of(cl: _Clause) -> tuple[str, int, int] | None:
    c = cl.c
    subject = _subject_before(cl)
    verb = _verb_before(cl)
    if subject and verb and verb[3] > 0 and verb[2] >= _subject_end(cl, subject):
        # The action and its object sit nearer the number, after the subject ("结转至
        # 下一年度办理的申请3件" keeps its subject: 办理 is part of it).
        subject = None
    if subject is not None:
        topic, s = subject
        return _unit_fits(topic, c.unit, s, c.end)
    if verb is not None:
        topic, kind, vs, oe = verb
        if oe < 0:
            object_end = _object_after(cl, kind)
            if object_end is not None:
                return _verb_topic(cl, topic, kind, vs, object_end)
            if _object_in_sentence(cl, kind, vs):
                return _verb_topic(cl, topic, kind, vs, c.end)
            # 复议机关决定维持原答复2件: 答复 is nearer, but no application is named; the
            # farther action's object is
            alt = _verb_before(cl, other_than=kind)
            if alt is None:
                return None
            topic, kind, vs, oe = alt
            if oe < 0 and not _object_in_sentence(cl, kind, vs):
                return None
        return _verb_topic(cl, topic, kind, vs, c.end)
    after = _subject_after(cl)
    if after is not None:
        topic, e = after
        return _unit_fits(topic, c.unit, c.start, e)
    behind = _object_verb_after(cl)
    if behind is not None:
        return behind
    carried = _applicant_of_head(cl)
    if carried is not None:
        return carried
    # An object alone: "依申请公开12件", "规范性文件3件".
    for kind in ("application", "document"):
        obj = _nearest(_OBJECTS[kind], cl.text, cl.b0, c.start)
        if obj is not None and _gap_ok(cl.text[obj.end() : c.start]):
            if kind == "application":
                return _unit_fits("applications", c.unit, obj.start(), c.end)
            shared = _document_verb_in_sentence(cl, obj.start())
            return _verb_topic(cl, shared, kind, obj.start(), c.end)
    return None


# What may stand between an object and its action after the number ("7件规范性文件予以废止",
# "16件申请已按期答复").
_BETWEEN_AFTER = re.compile(r"(?:已|均|予以|被|决定|依法|全部|宣布|按期|按时|及时|当场|逾期|\s)*")


def _object_verb_after(cl: _Clause) -> tuple[str, int, int] | None:
    """The number before its object and action: "N件规范性文件予以废止"."""
    text, c = cl.text, cl.c
    for kind in ("document", "application"):
        obj = _OBJECTS[kind].search(text, c.end, cl.a1)
        if obj is None or text[c.end : obj.start()].strip():
            continue
        gap = _BETWEEN_AFTER.match(text, obj.end(), cl.a1)
        at = gap.end() if gap else obj.end()
        for topic, pattern, k in _VERB_RES:
            if k != kind:
                continue
            m = pattern.match(text, at)
            if m is not None and m.end() <= cl.a1:
                return _verb_topic(cl, topic, kind, c.start, m.end())
    return None


_SUBMITTED = re.compile(r"\s*(?:共|合计)?(?:提出|提交|递交)(?:了)?(?:的)?(?:政府信息公开|信息公开)?(?:申请)?\s*")


def _applicant_of_head(cl: _Clause) -> tuple[str, int, int] | None:
    """An applicant column after a count of applications in the same sentence ("收到申请
    61件，涉及自然人50件、商业企业6件"): that column of the head's applications."""
    text, c = cl.text, cl.c
    who = _nearest(_APPLICANT_ANY, text, cl.b0, c.start)
    if who is None:
        return None
    column = applicant(who.group(0))
    if column is not None and _SUBMITTED.fullmatch(text, who.end(), c.start):
        # 自然人提出41件: what an applicant submits is an application
        return _unit_fits(f"received@{column}", c.unit, who.start(), c.end)
    if not _gap_ok(text[who.end() : c.start], 6):
        return None
    head = _nearest(_OBJECTS["application"], text, cl.s0, who.start())
    if column is None or head is None:
        return None
    verb = None
    for topic, pattern, kind in _VERB_RES:
        if kind == "application":
            m = _nearest(pattern, text, cl.s0, who.start())
            if m is not None and (verb is None or m.end() > verb[0]):
                verb = (m.end(), topic)
    topic = verb[1] if verb is not None else "received"
    return _unit_fits(f"{topic}@{column}", c.unit, who.start(), c.end)


def _subject_end(cl: _Clause, subject: tuple[str, int]) -> int:
    topic, s = subject
    for t, pattern in _SUBJECT_RES:
        if t == topic:
            m = pattern.match(cl.text, s)
            if m:
                return m.end()
    return s


def _verb_topic(
    cl: _Clause, verb: str | None, kind: str, s: int, e: int
) -> tuple[str, int, int] | None:
    """The topic of an action (or, verb None, a bare object) on the phrase text[s:e]."""
    c = cl.c
    if kind == "application":
        return _unit_fits(verb or "applications", c.unit, s, e)
    if kind == "review":
        # The outcome of the cases the sentence last named (行政诉讼…，其中维持N件): a new
        # case word ends the one before it.
        case = _nearest(_OBJECTS["review"], cl.text, cl.s0, s)
        if verb is None or case is None or "分别" in cl.text[case.end() : c.start]:
            return None  # 复议N件、诉讼M件，分别维持…: which is which, left to a reader
        group = "review" if "复议" in case.group(0) and "起诉" not in case.group(0) else "litigation"
        return _unit_fits(f"{group}.{verb}", c.unit, s, e)
    topic = _document_topic(verb, c.unit)
    if topic is None:
        return None
    # 规章 or 规范性文件: whichever the clause (or, for "废止1件", the sentence) names.
    obj = _nearest(_OBJECTS["document"], cl.text, cl.s0, c.start) or _OBJECTS["document"].search(
        cl.text, c.end, cl.a1
    )
    named = obj.group(0).replace(" ", "") if obj is not None else ""
    row = (
        "rules+normative_docs"
        if "规章" in named and "规范性文件" in named
        else "rules"
        if named.endswith("规章")
        else "normative_docs"
    )
    return _unit_fits(f"{row}.{topic}" if topic != "any" else row, c.unit, s, e)


def _unit_fits(topic: str, unit: str, s: int, e: int) -> tuple[str, int, int] | None:
    if (topic == "fees") != (unit == "万元"):
        return None
    return topic, s, e


# --- negative statements: the count they speak of is zero ----------------------------------

_GAP = r"[^,，。；;:：!！?？\d\n]{0,%d}?"
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
    (
        ("received",),
        re.compile(
            loose(
                r"(?:(?:未|没有)(?:收到|受理|接到|接收|有|发生|产生)|无(?=依申请|政府信息公开申请))"
                + _GAP % 10
            )
            + r"(?<!复议)(?<!诉讼)"
            + loose(r"(?:依申请|申请)")
            + r"(?!\s*人)"
        ),
    ),
    (
        ("normative_docs.issued",),
        re.compile(loose(r"(?:未|没有)(?:出台|制发|发布|印发|制定)(?:行政)?规范性文件")),
    ),
    (
        ("review.all_upheld",),
        re.compile(loose(r"行政复议" + _GAP % 16 + r"均(?:获|予|被)?(?:以)?维持")),
    ),
)


def _heading_ends(text: str, start: int, end: int) -> list[int]:
    return [m.end() for m in _HEADING.finditer(text, start, end)]


def find_claims(text: str, start: int = 0, end: int | None = None) -> list[Found]:
    """Every claim in text[start:end], one per number, in text order."""
    end = len(text) if end is None else end
    candidates = _candidates(text, start, end)
    headings = _heading_ends(text, start, end)
    claims: list[Found] = []
    for i, c in enumerate(candidates):
        prev_end = candidates[i - 1].end if i else start
        # Any earlier number ends the clause too ("2023年共受理…": the subject follows it).
        digit = _last_digit(text, max(prev_end, c.start - 40), c.start)
        lo = max([start, prev_end, digit, *(h for h in headings if h <= c.start)])
        nxt = candidates[i + 1].start if i + 1 < len(candidates) else end
        first_digit = _first_digit(text, c.end, nxt)
        cl = _Clause(text, c, start, end, lo, min(nxt, first_digit))
        got = _classify(cl)
        if got is not None:
            topic, s, e = got
            claims.append(Found(topic, c.value, s, e))
            outcome = (
                _review_outcome(text, c.end, nxt, end)
                if topic == "review"
                else _outcome_of_every(_APPLICATIONS_OF_ALL, text, c.end, nxt, end)
                if topic in ("received", "handled", "applications")
                else None
            )
            if outcome is not None:
                claims.append(Found(outcome[0], c.value, s, outcome[1]))
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


# "涉及政府信息公开的行政复议2件，经复议机关审理维持原处理决定": the outcome of every case
# counted, named later in the sentence with no number of its own.
_OUTCOME_OF_ALL = (
    ("review.upheld", re.compile(loose(r"(?<![未不没])维持"))),
    ("review.corrected", re.compile(loose(r"(?<![未不没])(?:纠正|撤销|确认违法)"))),
)
_OUTCOME_DOUBT = re.compile(r"部分|尚未|未审结|审理中|正在|其中|分别")


def _review_outcome(text: str, after: int, next_number: int, end: int) -> tuple[str, int] | None:
    """(topic, phrase end) when the sentence goes on to name one outcome for all the review
    cases it counted, with no other number before its end."""
    return _outcome_of_every(_OUTCOME_OF_ALL, text, after, next_number, end)


# "收到申请3件，均予以公开": one outcome for every application counted, said with 均/全部.
_ALL = r"(?:均|全部|全都|一律)(?:已|已经|依法|被|都)*"
_APPLICATIONS_OF_ALL = (
    ("denied", re.compile(loose(_ALL + r"不予公开"))),
    ("granted", re.compile(loose(_ALL + r"(?:予以|同意)?公开"))),
)
# 均已按期答复 is not among them: it speaks of timeliness, and may cover what was carried in.


def _outcome_of_every(
    outcomes: tuple[tuple[str, re.Pattern[str]], ...],
    text: str,
    after: int,
    next_number: int,
    end: int,
) -> tuple[str, int] | None:
    """(topic, phrase end) when the sentence goes on to name one outcome for all it counted,
    with no other number before its end."""
    stop = after
    while stop < end and stop - after < 60 and text[stop] not in _SENTENCE_END:
        stop += 1
    if next_number < stop or _OUTCOME_DOUBT.search(text, after, stop):
        return None
    found = [(t, m) for t, p in outcomes if (m := p.search(text, after, stop))]
    if outcomes is _APPLICATIONS_OF_ALL and len(found) == 2 and found[0][0] == "denied":
        found = found[:1]  # 均不予公开 also holds 公开
    if len(found) != 1:
        return None
    topic, m = found[0]
    return topic, m.end()


_DIGIT = re.compile(r"\d")


def _last_digit(text: str, start: int, end: int) -> int:
    """Where the last number before `end` ends; a year does not end a clause ("结转至
    2024年办理3件": the subject goes on past it)."""
    last = start
    for m in _DIGITS.finditer(text, start, end):
        if len(m.group()) == 4 and _YEAR_AFTER.match(text, m.end()):
            continue
        last = m.end()
    return last


_DIGITS = re.compile(r"\d+")
_YEAR_AFTER = re.compile(r"\s*年")


_YEAR = re.compile(r"\d{4}\s*年")


def _first_digit(text: str, start: int, end: int) -> int:
    """Where the next number starts; a year does not end a clause ("结转至2024年办理")."""
    pos = start
    while True:
        m = _DIGIT.search(text, pos, end)
        if m is None:
            return end
        year = _YEAR.match(text, m.start())
        if year is None or text[m.start() - 1 : m.start()].isdigit():
            return m.start()
        pos = year.end()


def topic_of(subject: str) -> str | None:
    """The claim topic a model's description of a figure names, if any."""
    found = find_claims(subject + "1件")
    if found:
        return found[-1].topic
    for topic, pattern in _SUBJECT_RES:
        if pattern.search(subject):
            return topic
    for topic, pattern, kind in _VERB_RES:
        if kind == "application" and pattern.search(subject):
            return topic
    return None


def model_topic(subject: str, quote: str, value: Number) -> str | None:
    """The topic of a figure the model found: what the patterns make of its quote, else what
    its subject names, unless the quote shows it counts something the tables do not."""
    for found in find_claims(quote):
        if abs(found.value - value) < 1e-6:
            return found.topic
    if _CLAUSE_VETO.search(quote) or _OTHER_THINGS_RE.search(quote):
        return None
    topic = topic_of(subject)
    if topic in ("received", "handled", "applications") and not _OBJECTS["application"].search(
        quote
    ):
        return None  # 受理/办结 of something else (hotline tickets, service matters)
    return topic
