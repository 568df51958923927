"""Claims against the table: which cells a figure can mean, and whether any of them agree.

Prose is loose about what it counts: "收到/受理 N件" may be the new applications, new plus
carried over, or all handled; "办理/办结" usually all handled; "因不掌握等原因无法提供" the
row or the whole category. Each topic therefore has readings, each a sum of cells. A claim is
consistent when some reading matches, a contradiction when every reading that can be
computed differs, unclear when none can be computed (blank cells, a table not read, a topic
the tables do not have).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extractor.budget import check
from extractor.prose.claims import PART
from schemas import Contradiction, Finding, ReadingTried, ReportRecord, Span
from schemas import keys as K

Number = int | float
Reading = tuple[str, ...]


def _app(row: str) -> str:
    return K.application_key(row, "total")


_OUTCOMES = ("granted", "partial", "denied", "unavailable", "not_processed", "other")


def _category(cells, name: str) -> tuple[str, ...]:
    if name in ("granted", "partial"):
        return (_app(name),)
    return tuple(k for k in cells if k.startswith(f"applications.{name}.") and k.endswith(".total"))


def _active(row: str, what: str, fmt: str) -> list[Reading]:
    columns = {
        ("2021", "issued"): ("issued",),
        ("2021", "repealed"): ("repealed",),
        ("2021", "in_force"): ("in_force",),
        ("2021", "any"): ("issued", "repealed", "in_force"),
        ("2019", "issued"): ("made", "published"),
        ("2019", "in_force"): ("total_public",),
        ("2019", "any"): ("made", "published", "total_public"),
    }.get((fmt, what), ())
    return [(f"active.{row}.{c}",) for c in columns]


_ORG_COLUMNS = ("commercial", "research", "nonprofit", "legal", "other_org")


def _column(reading: Reading, who: str) -> Reading:
    """The same sum over one applicant column, or over every organisation column (org)."""
    columns = _ORG_COLUMNS if who == "org" else (who,)
    return tuple(k.removesuffix(".total") + f".{c}" for k in reading for c in columns)


def readings(topic: str, record: ReportRecord) -> list[Reading]:
    """The cell sums a claim on `topic` can mean in this report's layout (most likely first)."""
    if topic.endswith(PART):  # a part of the applications: checked against the whole
        return readings(topic[: -len(PART)], record)
    if "@" in topic:  # 自然人申请13件: that column, or the total if all came from them
        base, who = topic.split("@")
        whole = readings(base, record)
        return [_column(r, who) for r in whole] + whole
    cells = record.cells
    fmt = record.format or "2021"
    if topic == "received":
        return [(_app("new"),), (_app("new"), _app("carried_in")), (_app("total"),)]
    if topic in ("handled", "applications"):  # 申请 without a verb: received or handled
        return [(_app("total"),), (_app("new"), _app("carried_in")), (_app("new"),)]
    if topic in ("carried_in", "carried_out", "granted", "partial"):
        return [(_app(topic),)]
    if topic == "granted_partial":
        return [(_app("granted"), _app("partial"))]
    if topic in ("denied", "unavailable", "not_processed"):
        return [_category(cells, topic)]
    if topic.endswith("+"):  # 不予公开等其他类型: that outcome and the ones after it
        first = topic[:-1]
        rest = _OUTCOMES[_OUTCOMES.index(first) :]
        return [tuple(k for name in rest for k in _category(cells, name)), _category(cells, first)]
    if topic == "other_processing":
        return [_category(cells, "other")]
    if topic.split(".")[0] in ("denied", "unavailable", "not_processed"):
        # "因不掌握等原因无法提供7件": the row, or the category the reason leads
        return [(_app(topic),), _category(cells, topic.split(".")[0])]
    if topic.startswith("other."):  # 逾期不补正N件: that row where the layout prints it
        own = (_app(topic),)
        return [own, _category(cells, "other")] if own[0] in cells else [_category(cells, "other")]
    if topic == "procurement.items":
        return [("active.procurement.items",)] if fmt == "2019" else []
    if topic == "review":
        return [("review.total",)]
    if topic.startswith("review.") and topic != "review.all_upheld":
        return [(topic,)]
    if topic == "review.all_upheld":  # "均获维持": nothing corrected, otherwise decided or pending
        return [("review.corrected", "review.other", "review.pending")]
    if topic == "litigation":
        # Both kinds of suit, or the direct ones alone: a suit after 复议 is also counted
        # among the 复议 cases, and reports that say 行政诉讼N件 mean either.
        return [
            ("litigation.direct.total", "litigation.after_review.total"),
            ("litigation.direct.total",),
        ]
    if topic in ("litigation.direct", "litigation.after_review"):
        return [(f"{topic}.total",)]
    if topic.startswith("litigation.") and topic.count(".") == 1:
        # 行政诉讼…，其中维持N件: both kinds of suit, or the direct ones alone (as above)
        outcome = topic.split(".")[1]
        return [
            (f"litigation.direct.{outcome}", f"litigation.after_review.{outcome}"),
            (f"litigation.direct.{outcome}",),
        ]
    if topic.startswith("rules+normative_docs"):
        column = topic.split(".")[1] if "." in topic else "any"
        both = zip(
            _active("rules", column, fmt), _active("normative_docs", column, fmt), strict=True
        )
        return [a + b for a, b in both]
    if topic in ("normative_docs", "rules"):
        return _active(topic, "any", fmt)
    if topic.startswith("normative_docs.") or topic.startswith("rules."):
        row, what = topic.split(".")
        return _active(row, what, fmt)
    if topic in ("licensing", "penalty", "coercion"):
        return [(f"active.{topic}.decisions",)]
    if topic == "fees":
        return [("active.fees.amount",)] if fmt == "2021" else []
    return []


_MAX_COMBINATIONS = 512
# 规范性文件15件 with no action named (制发, 废止, 现行有效): it may agree with a column, but
# what it counts is not said clearly enough to contradict one.
_NO_ACTION = ("normative_docs", "rules")


def _possible(record: ReportRecord, key: str) -> list[Number] | None:
    """The values a cell may hold: what was read, or every candidate of an ambiguous cell;
    None when nothing is known (blank, unreadable, or a cell the layout does not have)."""
    amb = record.ambiguous.get(key)
    if amb is not None:
        return [v for v in amb.candidates if v is not None] or None
    value = record.cells.get(key)
    return None if value is None else [value]


def candidates_text(values: list[Number | None]) -> str:
    """The readings of an ambiguous cell for a reviewer: [1, 12], a blank as 空白."""
    return "[" + ", ".join("空白" if v is None else str(v) for v in values) + "]"


def _maybe_blank(record: ReportRecord, key: str) -> bool:
    """Whether an ambiguous cell may also be blank (one of its readings leaves it empty)."""
    amb = record.ambiguous.get(key)
    return amb is not None and None in amb.candidates


def try_reading(reading: Reading, stated: Number, record: ReportRecord) -> ReadingTried:
    """Whether `stated` can be the sum of the cells of `reading`.

    An ambiguous cell is tried with each of its candidates: the reading differs only when
    none fits. A blank or unreadable cell leaves the reading not checkable."""
    values = [None if k in record.ambiguous else record.cells.get(k) for k in reading]
    candidates = {k: list(record.ambiguous[k].candidates) for k in reading if k in record.ambiguous}
    options = [_possible(record, k) for k in reading]

    def tried(result: str) -> ReadingTried:
        return ReadingTried(
            cells=list(reading),
            values=values,
            candidates=candidates,
            result=result,  # type: ignore[arg-type]
        )

    if any(o is None for o in options):
        # The unknown cells are counts, never negative: a figure below what the known cells
        # already add up to fits no value they may hold.
        # A cell that may be blank adds nothing for sure.
        known = [
            min(o) for k, o in zip(reading, options, strict=True) if o and not _maybe_blank(record, k)
        ]
        counts = all(K.value_kind(k) == "count" for k in reading)
        if counts and known and stated < sum(known) - 1e-6:
            return tried("differs")
        return tried("not_checkable")
    sums = {0.0}
    for o in options:
        sums = {s + v for s in sums for v in o}  # type: ignore[union-attr]
        if len(sums) > _MAX_COMBINATIONS:
            return tried("not_checkable")
    if any(abs(s - stated) < 1e-6 for s in sums):
        return tried("fits")
    # No number it may hold fits, but a cell that may be blank leaves the reading open.
    return tried("not_checkable" if any(_maybe_blank(record, k) for k in reading) else "differs")


def assess(
    topic: str | None, stated: Number, record: ReportRecord
) -> tuple[str, Reading, Number | None, list[ReadingTried], str | None]:
    """(verdict, the cells it rests on, their value, every reading tried, the reading doubt).

    A contradiction only when no reading of the table that is still possible fits: a
    figure about a cell we are unsure of (ambiguous, unreadable, blank) is never one, unless
    it is smaller than what the cells we are sure of already add up to, or every reading the
    table prints differs and the rest are open only by cells the report printed blank."""
    options = [r for r in readings(topic, record) if r] if topic else []
    tried = [try_reading(r, stated, record) for r in options]
    for r, t in zip(options, tried, strict=True):
        if t.result == "fits":
            return "consistent", r, _value(record, r) if not t.candidates else stated, tried, None
    # A reading left open only by cells the report printed blank, beside cells it printed,
    # does not save a figure that every reading the table prints contradicts: if the figure
    # were right, the report would have left blank a cell it needs. The reading is still
    # shown with its blank.
    differs = any(t.result == "differs" for t in tried)
    open_ = [
        (r, t)
        for r, t in zip(options, tried, strict=True)
        if t.result == "not_checkable" and not (differs and _blank_beside_printed(record, r))
    ]
    if open_:
        r, t = open_[0]
        doubt = _doubt(record, r)
        return "unclear", r, None, tried, doubt
    if tried and topic and topic.endswith(PART):
        # A count of some of the applications (网上申请…) may be any part of the whole, but
        # not more than every reading of the whole the table prints.
        most = [
            _most(record, r)
            for r, t in zip(options, tried, strict=True)
            if t.result != "not_checkable"
        ]
        if most and all(m is not None and stated > m + 1e-6 for m in most):
            return "contradiction", options[0], _value(record, options[0]), tried, None
        return "unclear", options[0], _value(record, options[0]), tried, None
    if tried and topic and topic in _NO_ACTION:
        return "unclear", options[0], _value(record, options[0]), tried, None
    if tried:
        r = options[0]
        return "contradiction", r, _value(record, r), tried, None
    return "unclear", options[0] if options else (), None, tried, None


def _blank_beside_printed(record: ReportRecord, reading: Reading) -> bool:
    """Whether the unknown cells of `reading` are all printed blank (not unreadable, not
    ambiguous, not missing from the layout) and some other cell of it is printed."""
    unknown = [k for k in reading if record.cells.get(k) is None]
    return (
        len(unknown) < len(reading)
        and all(k in record.cells for k in unknown)
        and not any(k in record.unreadable or k in record.ambiguous for k in unknown)
    )


def _doubt(record: ReportRecord, reading: Reading) -> str:
    parts = []
    for k in reading:
        if k in record.ambiguous:
            parts.append(f"{K.label(k)} 可读作 {candidates_text(record.ambiguous[k].candidates)}")
        elif k in record.unreadable:
            parts.append(f"{K.label(k)} 未能读取")
        elif record.cells.get(k) is None:
            parts.append(f"{K.label(k)} {'空白' if k in record.cells else '表格中没有'}")
    return "；".join(parts) or "表格读数存疑"


def _most(record: ReportRecord, reading: Reading) -> Number | None:
    """The largest sum the cells of `reading` may hold (None when a cell is unknown)."""
    most: Number = 0
    for key in reading:
        values = _possible(record, key)
        if values is None:
            return None
        most += max(values)
    return most if reading else None


def _value(record: ReportRecord, reading: Reading) -> Number | None:
    if not reading or any(record.cells.get(k) is None for k in reading):
        return None
    return sum(record.cells[k] for k in reading)  # type: ignore[misc]


def judge(
    topic: str | None, stated: Number, record: ReportRecord
) -> tuple[str, Reading, Number | None]:
    """(verdict, the cells it rests on, their value)."""
    verdict, cells, value, _, _ = assess(topic, stated, record)
    return verdict, cells, value


def _shown(record: ReportRecord, t: ReadingTried) -> str:
    """One reading for a reviewer: 「予以公开/总计 = 52」, 「本年新收/总计 + 上年结转/总计 = 10 + 2 = 12」."""
    labels = " + ".join(K.label(k) for k in t.cells)
    parts = []
    for k, v in zip(t.cells, t.values, strict=True):
        if k in t.candidates:
            parts.append(f"{candidates_text(t.candidates[k])} 之一")
        elif v is None:
            parts.append("未读取" if k in record.unreadable else "空白")
        else:
            parts.append(str(v))
    if len(parts) == 1:
        return f"{labels} = {parts[0]}"
    total = _value(record, tuple(t.cells))
    return f"{labels} = {' + '.join(parts)}" + (f" = {total}" if total is not None else "")


def readings_text(record: ReportRecord, tried: list[ReadingTried]) -> str:
    """The readings tried, the first (most likely) first, for a reviewer."""
    if not tried:
        return ""
    first = _shown(record, tried[0])
    if len(tried) == 1:
        return first
    others = "；".join(_shown(record, t) for t in tried[1:])
    return f"{first}（另试 {others}）"


def check_claims(record: ReportRecord) -> tuple[list[Contradiction], list[Finding]]:
    """Every claim of `record.claims` judged against its cells, and a `narrative_mismatch`
    finding for each contradiction."""
    contradictions: list[Contradiction] = []
    findings: list[Finding] = []
    for claim in record.claims:
        check()
        verdict, cells, table = judge(claim.topic, claim.value, record)
        _, _, _, tried, doubt = assess(claim.topic, claim.value, record)
        contradictions.append(
            Contradiction(
                claim=claim.topic or claim.subject,
                cells=list(cells),
                stated=claim.value,
                table=table,
                quote=claim.quote,
                start=claim.start,
                end=claim.end,
                verdict=verdict,  # type: ignore[arg-type]
                readings=tried,
                doubt=doubt if verdict == "unclear" else None,
                read_by=claim.read_by,
            )
        )
        if verdict == "contradiction":
            where = f"表格 {readings_text(record, tried)}"
            findings.append(
                Finding(
                    rule="narrative_mismatch",
                    severity="error",
                    status="failed",
                    cells=list(cells),
                    left=claim.value,
                    right=table,
                    message=f"正文「{claim.quote}」说 {claim.value}，{where}",
                    evidence=[
                        Span(start=claim.start, end=claim.end, snippet=claim.quote),
                        *(record.evidence[k] for k in cells if k in record.evidence),
                    ],
                )
            )
    return contradictions, findings


# "予以公开23件，占39.7%", "部分公开2件（5%）", "占办结总数的39.7%": a share stated with a
# count of applications, of the applications handled or received.
_PERCENT_AFTER = re.compile(
    r"[ \t]*(?:[，,][ \t]*)?(?:占(?:比)?(?:[^，,。；;\d%]{0,12}?的)?(?:比(?:例|重))?(?:为|达)?|[（(])"
    r"[ \t]*(?P<p>\d+(?:\.\d+)?)[ \t]*[%％]"
)
_SHARE_BASES: tuple[Reading, ...] = (
    (_app("total"),),
    (_app("new"),),
    (_app("new"), _app("carried_in")),
)


def check_shares(record: ReportRecord, original: str) -> tuple[list[Contradiction], list[Finding]]:
    """A percentage stated right after a count of applications the table agrees with,
    checked against that count over the applications handled or received: a contradiction
    when no base the table prints gives it (to the precision it is printed with)."""
    found: list[Contradiction] = []
    findings: list[Finding] = []
    for c in record.contradictions:
        if c.verdict != "consistent" or c.stated is None or not c.cells:
            continue
        if not all(k.startswith("applications.") for k in c.cells):
            continue
        m = _PERCENT_AFTER.match(original, c.end)
        if m is None:
            continue
        stated = float(m.group("p"))
        places = len(m.group("p").partition(".")[2])
        tolerance = 10.0**-places + 1e-9  # rounded or cut to the printed places
        tried: list[ReadingTried] = []
        shares: list[float] = []
        for base in _SHARE_BASES:
            whole = _value(record, base)
            if not whole or any(k in record.ambiguous for k in (*c.cells, *base)):
                continue
            share = 100 * c.stated / whole
            shares.append(share)
            tried.append(
                ReadingTried(
                    cells=[*c.cells, *base],
                    values=[
                        *(record.cells.get(k) for k in c.cells),
                        *(record.cells[k] for k in base),
                    ],
                    result="fits" if abs(share - stated) <= tolerance else "differs",
                )
            )
        if not tried:
            continue
        verdict = "consistent" if any(t.result == "fits" for t in tried) else "contradiction"
        quote = original[c.start : m.end()]
        first = tried[0]
        found.append(
            Contradiction(
                claim=f"{c.claim}%",
                cells=list(first.cells),
                stated=stated,
                table=round(shares[0], places + 1),
                quote=quote,
                start=c.start,
                end=m.end(),
                verdict=verdict,  # type: ignore[arg-type]
                readings=tried,
                read_by=c.read_by,
            )
        )
        if verdict == "contradiction":
            bases = "；".join(
                f"{c.stated:g} ÷ {' + '.join(K.label(k) for k in t.cells[len(c.cells) :])} = {x:.{places + 1}f}%"
                for t, x in zip(tried, shares, strict=True)
            )
            findings.append(
                Finding(
                    rule="narrative_mismatch",
                    severity="error",
                    status="failed",
                    cells=list(first.cells),
                    left=stated,
                    right=round(shares[0], places + 1),
                    message=f"正文「{quote}」说占 {m.group('p')}%，表格 {bases}",
                    evidence=[
                        Span(start=c.start, end=m.end(), snippet=quote),
                        *(record.evidence[k] for k in first.cells if k in record.evidence),
                    ],
                )
            )
    return found, findings


# 共计发布795条，其中A 87条、B 265条、C 443条: the parts must add up to the total.
# A number longer than any count is no count (and more than int() converts).
_COUNT = r"(?P<n>(?<!\d)\d{1,18}(?!\d))"
_TOTAL = re.compile(
    r"(?:共|共计|合计|总计)[^,，。;；\d]{0,12}?" + _COUNT + r"\s*(?P<u>条|件|个|项|次|篇|期)"
)
_PART = re.compile(_COUNT + r"\s*(?P<u>条|件|个|项|次|篇|期)")


def narrative_sums(
    text: str, start: int, end: int
) -> Iterator[tuple[int, int, int, list[int], int]]:
    """(phrase start, phrase end, stated total, parts, sum) for each 共计…其中… (or 共计…（…）,
    共计…：…) whose parts do not add up: no run of parts from the first equals the total,
    and all of them exceed it."""
    for m in _TOTAL.finditer(text, start, end):
        bracket = _OPEN.match(text, m.end())
        if bracket:  # 共30件（予以公开13件、…）: the parts are in the parenthesis
            close = _CLOSE.search(text, bracket.end(), end)
            stop = close.start() if close else end
        elif "其中" in text[m.end() : m.end() + 4] or _LIST.match(text, m.end()):
            stop = text.find("。", m.end(), end)
            stop = end if stop < 0 else stop
        else:
            continue
        parts = [
            (int(p.group("n")), p.end())
            for p in _PART.finditer(text, m.end(), stop)
            if p.group("u") == m.group("u") and not _NOT_PART.match(text, p.end())
        ]
        if len(parts) < 2:
            continue
        total = int(m.group("n"))
        running = 0
        settled = False
        for value, _ in parts:
            running += value
            if running == total:
                settled = True
                break
        # A list that ends with the rest (其他信息N条) names every part: it must add up.
        whole = bool(_REST.search(text, max(m.end(), parts[-2][1]), parts[-1][1]))
        if not settled and (running > total or whole):
            yield m.start(), parts[-1][1], total, [v for v, _ in parts], running


_REST = re.compile(r"其他|其它|其余")
_NOT_PART = re.compile(r"\s*(?:%|次/)")
_OPEN = re.compile(r"\s*[（(]")
_CLOSE = re.compile(r"[）)]")
_LIST = re.compile(r"\s*[：:]")
