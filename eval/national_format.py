"""The printed tables of the national format, described here literally for the evaluation.

The renderer of synthetic reports (`eval/synth.py`), the evaluation's cell locator
(`eval/locate.py`) and its arithmetic checker (`eval/arithmetic.py`) take row order, column
order and labels from this file, written from docs/format.md and the two State Council
templates (国办公开办函〔2021〕30号, 〔2019〕60号), and not from `schemas.keys`: a mistake in
the product's keys (two columns swapped, a row moved) then reads a synthetic report wrong
instead of agreeing with itself.
"""

from __future__ import annotations

# --- 二、主动公开政府信息情况 (第二十条), row by row: (row key, printed name, column keys) ---

ACTIVE_TABLE: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {
    "2021": (
        ("rules", "规章", ("issued", "repealed", "in_force")),
        ("normative_docs", "行政规范性文件", ("issued", "repealed", "in_force")),
        ("licensing", "行政许可", ("decisions",)),
        ("penalty", "行政处罚", ("decisions",)),
        ("coercion", "行政强制", ("decisions",)),
        ("fees", "行政事业性收费", ("amount",)),
    ),
    "2019": (
        ("rules", "规章", ("made", "published", "total_public")),
        ("normative_docs", "规范性文件", ("made", "published", "total_public")),
        ("licensing", "行政许可", ("prev_items", "change", "decisions")),
        ("other_services", "其他对外管理服务事项", ("prev_items", "change", "decisions")),
        ("penalty", "行政处罚", ("prev_items", "change", "decisions")),
        ("coercion", "行政强制", ("prev_items", "change", "decisions")),
        ("fees", "行政事业性收费", ("prev_items", "change")),
        ("procurement", "政府集中采购", ("items", "amount")),
    ),
}

# The column headings printed above the rows of table 二, before the row named.
ACTIVE_HEADERS: dict[str, dict[str, str]] = {
    "2021": {
        "rules": "第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "licensing": "第二十条第（五）项\n信息内容\t本年处理决定数量",
        "penalty": "第二十条第（六）项\n信息内容\t本年处理决定数量",
        "fees": "第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）",
    },
    "2019": {
        "rules": "第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量",
        "licensing": "第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        "penalty": "第二十条第（六）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        "fees": "第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减",
        "procurement": "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额",
    },
}

# --- 三、收到和处理政府信息公开申请情况 -----------------------------------------------------

# 申请人情况, in printed order: 自然人, 法人或其他组织 (商业企业, 科研机构, 社会公益组织,
# 法律服务机构, 其他), 总计.
APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural",
    "commercial",
    "research",
    "nonprofit",
    "legal",
    "other_org",
    "total",
)
APPLICANT_PARTS: tuple[str, ...] = APPLICANT_COLUMNS[:6]

# Rows in printed order with their labels. （六）其他处理 is three sub-rows in the 2021
# template and one row in the 2019 one.
_ROWS_BEFORE_OTHER: tuple[tuple[str, str], ...] = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied.state_secret", "1.属于国家秘密"),
    ("denied.prohibited", "2.其他法律行政法规禁止公开"),
    ("denied.security", "3.危及“三安全一稳定”"),
    ("denied.third_party", "4.保护第三方合法权益"),
    ("denied.internal", "5.属于三类内部事务信息"),
    ("denied.process", "6.属于四类过程性信息"),
    ("denied.enforcement_file", "7.属于行政执法案卷"),
    ("denied.inquiry", "8.属于行政查询事项"),
    ("unavailable.not_held", "1.本机关不掌握相关政府信息"),
    ("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    ("unavailable.unclear", "3.补正后申请内容仍不明确"),
    ("not_processed.petition", "1.信访举报投诉类申请"),
    ("not_processed.duplicate", "2.重复申请"),
    ("not_processed.publication", "3.要求提供公开出版物"),
    ("not_processed.excessive", "4.无正当理由大量反复申请"),
    ("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_OTHER_SPLIT: tuple[tuple[str, str], ...] = (
    (
        "other.overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other.overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other.other", "3.其他"),
)
_OTHER_SINGLE: tuple[tuple[str, str], ...] = (("other.total", "（六）其他处理"),)
_ROWS_AFTER_OTHER: tuple[tuple[str, str], ...] = (
    ("total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
)

# Group headings printed in front of a row's label.
APPLICATION_GROUPS: dict[str, str] = {
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unavailable.not_held": "（四）无法提供",
    "not_processed.petition": "（五）不予处理",
    "other.overdue_correction": "（六）其他处理",
}
# Rows that are not outcomes: the rest add up to （七）总计.
NOT_OUTCOMES = ("new", "carried_in", "total", "carried_out")


def application_table(other_split: bool) -> tuple[tuple[str, str], ...]:
    """(row key, printed label) of table 三 in printed order."""
    other = _OTHER_SPLIT if other_split else _OTHER_SINGLE
    return (*_ROWS_BEFORE_OTHER, *other, *_ROWS_AFTER_OTHER)


def application_rows(other_split: bool) -> tuple[str, ...]:
    return tuple(row for row, _ in application_table(other_split))


def application_key(row: str, column: str) -> str:
    return f"applications.{row}.{column}"


# --- 四、政府信息公开行政复议、行政诉讼情况: fifteen cells in one row ---------------------------

REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation.direct", "litigation.after_review")
OUTCOMES: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_KEYS: tuple[str, ...] = tuple(f"{g}.{o}" for g in REVIEW_GROUPS for o in OUTCOMES)


def active_keys(fmt: str) -> tuple[str, ...]:
    """Table 二's keys in printed order."""
    return tuple(f"active.{row}.{c}" for row, _, cols in ACTIVE_TABLE[fmt] for c in cols)


def value_kind(key: str) -> str:
    """count, signed (本年增/减, printed with its sign) or amount (a decimal)."""
    if key.endswith(".change"):
        return "signed"
    if key.endswith(".amount"):
        return "amount"
    return "count"


__all__ = [
    "ACTIVE_HEADERS",
    "ACTIVE_TABLE",
    "APPLICANT_COLUMNS",
    "APPLICANT_PARTS",
    "APPLICATION_GROUPS",
    "NOT_OUTCOMES",
    "OUTCOMES",
    "REVIEW_GROUPS",
    "REVIEW_KEYS",
    "active_keys",
    "application_key",
    "application_rows",
    "application_table",
    "value_kind",
]
