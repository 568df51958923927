"""Canonical cell keys of the four tables, as fixed by docs/format.md.

Every other part of the project (reader, validator, gold labels, evaluation, output) names
cells by these keys and by nothing else.
"""

from __future__ import annotations

from typing import Literal

# 申请人情况: the seven columns of table 三, in printed order.
APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural",  # 自然人
    "commercial",  # 商业企业
    "research",  # 科研机构
    "nonprofit",  # 社会公益组织
    "legal",  # 法律服务机构
    "other_org",  # 其他
    "total",  # 总计
)
APPLICANT_PARTS = APPLICANT_COLUMNS[:-1]

# Outcome rows （一）…（五）, common to both formats.
_OUTCOME_ROWS: tuple[str, ...] = (
    "granted",
    "partial",
    "denied.state_secret",
    "denied.prohibited",
    "denied.security",
    "denied.third_party",
    "denied.internal",
    "denied.process",
    "denied.enforcement_file",
    "denied.inquiry",
    "unavailable.not_held",
    "unavailable.needs_creation",
    "unavailable.unclear",
    "not_processed.petition",
    "not_processed.duplicate",
    "not_processed.publication",
    "not_processed.excessive",
    "not_processed.confirmation",
)
OTHER_SUBROWS: tuple[str, ...] = ("other.overdue_correction", "other.overdue_fee", "other.other")
OTHER_SINGLE_ROW = "other.total"


def application_rows(other_split: bool) -> tuple[str, ...]:
    """Rows of table 三 in printed order; （六）其他处理 as three sub-rows or as one row."""
    other = OTHER_SUBROWS if other_split else (OTHER_SINGLE_ROW,)
    return ("new", "carried_in", *_OUTCOME_ROWS, *other, "total", "carried_out")


def outcome_rows(other_split: bool) -> tuple[str, ...]:
    """The outcome rows （一）…（六） whose sum is （七）总计."""
    other = OTHER_SUBROWS if other_split else (OTHER_SINGLE_ROW,)
    return (*_OUTCOME_ROWS, *other)


def application_key(row: str, column: str) -> str:
    return f"applications.{row}.{column}"


OUTCOMES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation.direct", "litigation.after_review")
REVIEW_KEYS: tuple[str, ...] = tuple(f"{g}.{o}" for g in REVIEW_GROUPS for o in OUTCOMES)

# Section 二 (第二十条), row by row: (row key, column keys).
ACTIVE_ROWS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("rules", ("issued", "repealed", "in_force")),
        ("normative_docs", ("issued", "repealed", "in_force")),
        ("licensing", ("decisions",)),
        ("penalty", ("decisions",)),
        ("coercion", ("decisions",)),
        ("fees", ("amount",)),
    ),
    "2019": (
        ("rules", ("made", "published", "total_public")),
        ("normative_docs", ("made", "published", "total_public")),
        ("licensing", ("prev_items", "change", "decisions")),
        ("other_services", ("prev_items", "change", "decisions")),
        ("penalty", ("prev_items", "change", "decisions")),
        ("coercion", ("prev_items", "change", "decisions")),
        ("fees", ("prev_items", "change")),
        ("procurement", ("items", "amount")),
    ),
}


def active_keys(fmt: str) -> tuple[str, ...]:
    return tuple(f"active.{row}.{col}" for row, cols in ACTIVE_ROWS[fmt] for col in cols)


def all_keys(fmt: str, other_split: bool) -> tuple[str, ...]:
    """Every canonical key of a report in this layout, in printed order."""
    apps = tuple(
        application_key(r, c) for r in application_rows(other_split) for c in APPLICANT_COLUMNS
    )
    return (*active_keys(fmt), *apps, *REVIEW_KEYS)


# Value kinds decide the value domain (value_domain rule) and how a token is read.
ValueKind = Literal["count", "signed", "amount"]
UNIT_KEYS = frozenset({"active.procurement.amount"})


def value_kind(key: str) -> ValueKind:
    if key.endswith(".change"):
        return "signed"
    if key.endswith(".amount"):
        return "amount"
    return "count"


# Row labels of table 三 as the format prints them.
PRINTED_ROW_LABELS: dict[str, str] = {
    "new": "一、本年新收政府信息公开申请数量",
    "carried_in": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied.state_secret": "1.属于国家秘密",
    "denied.prohibited": "2.其他法律行政法规禁止公开",
    "denied.security": "3.危及“三安全一稳定”",
    "denied.third_party": "4.保护第三方合法权益",
    "denied.internal": "5.属于三类内部事务信息",
    "denied.process": "6.属于四类过程性信息",
    "denied.enforcement_file": "7.属于行政执法案卷",
    "denied.inquiry": "8.属于行政查询事项",
    "unavailable.not_held": "1.本机关不掌握相关政府信息",
    "unavailable.needs_creation": "2.没有现成信息需要另行制作",
    "unavailable.unclear": "3.补正后申请内容仍不明确",
    "not_processed.petition": "1.信访举报投诉类申请",
    "not_processed.duplicate": "2.重复申请",
    "not_processed.publication": "3.要求提供公开出版物",
    "not_processed.excessive": "4.无正当理由大量反复申请",
    "not_processed.confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other.overdue_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other.overdue_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other.other": "3.其他",
    "other.total": "（六）其他处理",
    "total": "（七）总计",
    "carried_out": "四、结转下年度继续办理",
}


# Chinese labels, for messages and summaries a reviewer reads.
ROW_LABELS: dict[str, str] = {
    "new": "本年新收",
    "carried_in": "上年结转",
    "granted": "予以公开",
    "partial": "部分公开",
    "denied.state_secret": "不予公开·国家秘密",
    "denied.prohibited": "不予公开·法律行政法规禁止",
    "denied.security": "不予公开·三安全一稳定",
    "denied.third_party": "不予公开·第三方合法权益",
    "denied.internal": "不予公开·内部事务",
    "denied.process": "不予公开·过程性信息",
    "denied.enforcement_file": "不予公开·行政执法案卷",
    "denied.inquiry": "不予公开·行政查询事项",
    "unavailable.not_held": "无法提供·不掌握",
    "unavailable.needs_creation": "无法提供·需另行制作",
    "unavailable.unclear": "无法提供·补正后仍不明确",
    "not_processed.petition": "不予处理·信访举报投诉",
    "not_processed.duplicate": "不予处理·重复申请",
    "not_processed.publication": "不予处理·公开出版物",
    "not_processed.excessive": "不予处理·大量反复申请",
    "not_processed.confirmation": "不予处理·确认或重新出具",
    "other.overdue_correction": "其他处理·逾期不补正",
    "other.overdue_fee": "其他处理·逾期未缴费",
    "other.other": "其他处理·其他",
    "other.total": "其他处理",
    "total": "总计",
    "carried_out": "结转下年度",
}
COLUMN_LABELS: dict[str, str] = {
    "natural": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal": "法律服务机构",
    "other_org": "其他组织",
    "total": "总计",
}
ACTIVE_NAMES = {
    "rules": "规章",
    "normative_docs": "规范性文件",
    "licensing": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalty": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
    "issued": "本年制发",
    "repealed": "本年废止",
    "in_force": "现行有效",
    "made": "本年新制作",
    "published": "本年新公开",
    "total_public": "对外公开总数",
    "prev_items": "上一年项目数",
    "change": "本年增/减",
    "decisions": "处理决定数",
    "amount": "金额",
    "items": "采购项目数",
}
_GROUP_LABELS = {
    "review": "行政复议",
    "litigation.direct": "未经复议直接起诉",
    "litigation.after_review": "复议后起诉",
}
_OUTCOME_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


def active_row_name(row: str, fmt: str) -> str:
    """The printed name of a row of table 二: 规范性文件 became 行政规范性文件 in 2021."""
    return "行政规范性文件" if row == "normative_docs" and fmt == "2021" else ACTIVE_NAMES[row]


def label(key: str) -> str:
    """The Chinese label a reviewer reads for a canonical key."""
    if key.startswith("applications."):
        row, _, col = key[len("applications.") :].rpartition(".")
        return f"{ROW_LABELS.get(row, row)}/{COLUMN_LABELS.get(col, col)}"
    if key.startswith("active."):
        _, row, col = key.split(".")
        return f"{ACTIVE_NAMES.get(row, row)}/{ACTIVE_NAMES.get(col, col)}"
    group, _, outcome = key.rpartition(".")
    return f"{_GROUP_LABELS.get(group, group)}/{_OUTCOME_LABELS.get(outcome, outcome)}"
