"""The labelled evaluation set: the examples and synthetic reports, with labelled variants.

    python -m eval.generate [--seed N] [--out DIR]      # write the cases as JSON files

Deterministic for a seed. Every case knows the table as printed, the rules that fail on it
(computed here by `oracle_failures`, written apart from the validator on purpose) and the
prose figures that contradict it. Kinds:

- clean: a report as it is;
- prose_changed: one figure in the prose changed so that no reading of the table fits it;
- table_changed: one table cell changed (prose figures about it now contradict, and the
  arithmetic breaks), placed by the evaluation's own locator (eval/locate.py), never by the
  product's evidence;
- both_changed: table and prose changed together, consistently (clean);
- layout_noise: the same report in another layout with scraping noise (clean);
- hard_negative: figures that are not claims added to the prose (clean).

Which values a prose figure can mean (`meanings`) is written here from the national format,
apart from the product's `extractor.prose.align` on purpose: a contradiction is labelled from what
the generator changed and its own reading of the table, so a broken judge cannot grade itself.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from eval import national_format as F  # noqa: E402
from eval.locate import locate, replace  # noqa: E402
from eval.synth import LAYOUTS, random_cells, render_report  # noqa: E402
from schemas import Case, ExpectedClaim, ExpectedFailure, GoldReport  # noqa: E402

Cells = dict[str, int | float | None]
APP = F.application_key
SEEDS = ROOT / "eval" / "fixtures" / "seeds"
SEED_CLAIMS = ROOT / "eval" / "fixtures" / "seed_claims.json"

# --- the oracle: which rules fail on a table -------------------------------------------


def oracle_failures(cells: Cells, fmt: str, year: int) -> list[ExpectedFailure]:
    """Failing arithmetic and layout rules, each anchored on the first cell the validator
    names (balance: new.<col>; outcome_sum: total.<col>; column_sum: <row>.total; the 复议/诉讼
    sums: <group>.total; format_outdated: its first cell)."""
    out: list[ExpectedFailure] = []

    def v(key: str) -> int | float:
        return cells[key] or 0

    split = APP("other.overdue_correction", "total") in cells
    rows = [
        k.split(".", 1)[1].rsplit(".", 1)[0]
        for k in cells
        if k.startswith("applications.") and k.endswith(".total")
    ]
    outcomes = [r for r in rows if r not in ("new", "carried_in", "total", "carried_out")]
    for c in F.APPLICANT_COLUMNS:
        if v(APP("new", c)) + v(APP("carried_in", c)) != v(APP("total", c)) + v(
            APP("carried_out", c)
        ):
            out.append(ExpectedFailure(rule="balance", cells=[APP("new", c)]))
    for c in F.APPLICANT_COLUMNS:
        if v(APP("total", c)) != sum(v(APP(r, c)) for r in outcomes):
            out.append(ExpectedFailure(rule="outcome_sum", cells=[APP("total", c)]))
    for r in rows:
        if v(APP(r, "total")) != sum(v(APP(r, c)) for c in F.APPLICANT_PARTS):
            out.append(ExpectedFailure(rule="column_sum", cells=[APP(r, "total")]))
    for group, rule in (
        ("review", "review_sum"),
        ("litigation.direct", "litigation_direct_sum"),
        ("litigation.after_review", "litigation_after_review_sum"),
    ):
        if v(f"{group}.total") != sum(
            v(f"{group}.{o}") for o in ("upheld", "corrected", "other", "pending")
        ):
            out.append(ExpectedFailure(rule=rule, cells=[f"{group}.total"]))
    if year >= 2021 and fmt == "2019":
        out.append(ExpectedFailure(rule="format_outdated", cells=[F.active_keys("2019")[0]]))
    if year >= 2021 and not split:
        out.append(ExpectedFailure(rule="format_outdated", cells=[APP("other.total", "natural")]))
    return out


def meanings(topic: str, cells: Cells, fmt: str) -> list[int | float]:
    """The values a prose figure on `topic` may mean in this table, as a reader of the
    national format takes the words (收到 may count the new applications, new plus carried
    over, or all handled; 因不掌握…无法提供 the row or the whole category). Readings with a
    blank cell are left out; an empty list means the figure cannot be checked."""

    def add(*values: int | float | None) -> int | float | None:
        return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]

    def total(row: str) -> int | float | None:
        return cells.get(APP(row, "total"))

    def group(prefix: str) -> int | float | None:
        keys = [
            k for k in cells if k.startswith(f"applications.{prefix}.") and k.endswith(".total")
        ]
        return add(*(cells[k] for k in keys)) if keys else None

    new, carried_in, handled = total("new"), total("carried_in"), total("total")
    head = topic.split(".")[0]
    if topic == "received":
        options = [new, add(new, carried_in), handled]
    elif topic == "handled":
        options = [handled, add(new, carried_in), new]
    elif topic in ("carried_in", "carried_out", "granted", "partial"):
        options = [total(topic)]
    elif topic == "granted_partial":
        options = [add(total("granted"), total("partial"))]
    elif topic in ("denied", "unavailable", "not_processed"):
        options = [group(topic)]
    elif topic == "unavailable.not_held":
        options = [total(topic), group("unavailable")]
    elif head in ("denied", "unavailable", "not_processed"):
        options = [total(topic)]
    elif topic == "review" or topic in ("litigation.direct", "litigation.after_review"):
        options = [cells.get(f"{topic}.total")]
    elif head == "review":
        options = [cells.get(topic)]
    elif topic == "litigation":
        options = [
            add(cells.get("litigation.direct.total"), cells.get("litigation.after_review.total"))
        ]
    elif topic == "normative_docs.issued":
        columns = ("issued",) if fmt == "2021" else ("made", "published")
        options = [cells.get(f"active.normative_docs.{c}") for c in columns]
    elif topic == "normative_docs.in_force":
        column = "in_force" if fmt == "2021" else "total_public"
        options = [cells.get(f"active.normative_docs.{column}")]
    elif topic in ("licensing", "penalty", "coercion"):
        options = [cells.get(f"active.{topic}.decisions")]
    else:
        raise KeyError(f"the generator writes no figure on {topic!r}")
    return [v for v in options if v is not None]


def contradicts(topic: str, stated: int | float, cells: Cells, fmt: str) -> bool:
    """No meaning of the figure fits the table (and at least one can be computed)."""
    values = meanings(topic, cells, fmt)
    return bool(values) and all(abs(v - stated) > 1e-6 for v in values)


def contradicted(
    claims: list[tuple[str, int | float]], cells: Cells, fmt: str
) -> list[ExpectedClaim]:
    """The figures a changed table leaves contradicted: known from what was changed."""
    return [ExpectedClaim(topic=t, stated=v) for t, v in claims if contradicts(t, v, cells, fmt)]


def changed_value(
    topic: str, value: int | float, cells: Cells, fmt: str, rng: random.Random
) -> int:
    """A number for a claim on `topic` that no meaning of the table fits."""
    for _ in range(50):
        new = int(value) + rng.choice((1, 2, 3, 5, 10, -1, -2))
        if new >= 0 and new != value and contradicts(topic, new, cells, fmt):
            return new
    raise ValueError(f"no contradicting value for {topic}={value}")


# --- synthetic prose ----------------------------------------------------------------------

Sentence = tuple[str, str, Callable[[Cells], int | float]]  # (topic, template with {n}, value)


def _t(row: str) -> Callable[[Cells], int | float]:
    return lambda c: c[APP(row, "total")] or 0


def _sum(prefix: str) -> Callable[[Cells], int | float]:
    return lambda c: sum(
        v or 0
        for k, v in c.items()
        if k.startswith(f"applications.{prefix}.") and k.endswith(".total")
    )


APPLICATION_SENTENCES: tuple[Sentence, ...] = (
    ("received", "{year}年，共收到政府信息公开申请{n}件", _t("new")),
    ("received", "全年共受理依申请公开政府信息{n}件", _t("new")),
    ("received", "本年度新收政府信息公开申请{n}件", _t("new")),
    (
        "received",
        "共接收依申请公开申请{n}件（含上年结转）",
        lambda c: _t("new")(c) + _t("carried_in")(c),
    ),
    ("handled", "全年共办理依申请公开事项{n}件", _t("total")),
    ("handled", "本年度共处理政府信息公开申请{n}件", _t("total")),
    ("handled", "依法办结依申请公开{n}件", _t("total")),
)
OUTCOME_SENTENCES: tuple[Sentence, ...] = (
    ("granted", "其中予以公开{n}件", _t("granted")),
    ("granted", "同意公开{n}件", _t("granted")),
    ("partial", "部分公开{n}件", _t("partial")),
    ("granted_partial", "予以公开及部分公开{n}件", lambda c: _t("granted")(c) + _t("partial")(c)),
    ("denied", "不予公开{n}件", _sum("denied")),
    ("unavailable", "无法提供{n}件", _sum("unavailable")),
    (
        "unavailable.not_held",
        "因本机关不掌握相关政府信息等原因无法提供{n}件",
        _t("unavailable.not_held"),
    ),
    ("not_processed", "不予处理{n}件", _sum("not_processed")),
    ("carried_out", "结转下年度继续办理{n}件", _t("carried_out")),
    ("carried_out", "转下年办理{n}件", _t("carried_out")),
)
OTHER_SENTENCES: tuple[Sentence, ...] = (
    ("review", "全年发生政府信息公开行政复议案件{n}件", lambda c: c["review.total"]),
    ("review.corrected", "行政复议结果纠正{n}件", lambda c: c["review.corrected"]),
    (
        "litigation",
        "行政诉讼案件{n}件",
        lambda c: c["litigation.direct.total"] + c["litigation.after_review.total"],
    ),
    (
        "normative_docs.issued",
        "制发行政规范性文件{n}件",
        lambda c: c.get("active.normative_docs.issued") or 0,
    ),
    (
        "normative_docs.in_force",
        "现行有效行政规范性文件{n}件",
        lambda c: c.get("active.normative_docs.in_force") or 0,
    ),
    ("licensing", "作出行政许可决定{n}件", lambda c: c["active.licensing.decisions"]),
    ("penalty", "作出行政处罚决定{n}件", lambda c: c["active.penalty.decisions"]),
)
NEGATIVE = {
    "review": "全年未发生政府信息公开行政复议案件",
    "litigation": "未发生政府信息公开行政诉讼案件",
}
HARD_NEGATIVES = (
    "政府门户网站发布各类信息{a}条，政务新媒体发布信息{b}条。",
    "受理并办结12345热线工单{a}件，群众满意率达{p}%。",
    "全年办理政务服务事项{a}件，网上可办率{p}%。",
    "组织政务公开业务培训{s}次，参训人员{b}人次。",
    "依申请公开答复率达100%，咨询电话：0468-{a}。",
    "{year}年{m}月{d}日召开政务公开工作会议，印发文件{s}个。",
    "网站总访问量达{b}次，独立访客{a}个。",
)


def render_prose(
    cells: Cells, fmt: str, year: int, rng: random.Random, override: dict[int, str] | None = None
) -> tuple[str, list[tuple[str, int | float]], list[tuple[str, str, int | float]]]:
    """Consistent prose about `cells`: (text, claims (topic, value), the sentences used).
    `override` replaces sentence i's number text, to make one figure wrong."""
    chosen: list[tuple[str, str, int | float]] = [rng.choice(APPLICATION_SENTENCES)]
    chosen += rng.sample(OUTCOME_SENTENCES, k=rng.randint(2, 5))
    others = [s for s in OTHER_SENTENCES if fmt == "2021" or not s[0].startswith("normative")]
    chosen += rng.sample(others, k=rng.randint(1, 3))
    used = []
    for topic, template, value in chosen:
        used.append((topic, template, value(cells)))
    return _prose(used, year, override)


_OUTCOMES = {(t, tpl) for t, tpl, _ in OUTCOME_SENTENCES}


def _prose(
    used: list[tuple[str, str, int | float]], year: int, override: dict[int, str] | None = None
):
    """The prose of `used` sentences: applications and their outcomes in one sentence, each
    other figure in its own, as reports write them."""
    phrases, claims = [], []
    for i, (topic, template, n) in enumerate(used):
        value = int(override[i]) if override and i in override else n
        if topic in NEGATIVE and value == 0:
            phrases.append(NEGATIVE[topic])
        else:
            phrases.append(template.format(n=value, year=year))
        claims.append((topic, value))
    outcomes = sum(1 for t, tpl, _ in used if (t, tpl) in _OUTCOMES)
    first = "，".join(phrases[: 1 + outcomes]) + "。"
    return first + "".join(p + "。" for p in phrases[1 + outcomes :]), claims, used


def sum_breaks(total: int | float, parts: list[int | float]) -> bool:
    """The narrative_sum rule: the parts listed after a stated total fail to make it up (no
    run of them from the first equals it, and together they exceed it)."""
    running = 0
    for p in parts:
        running += p
        if running == total:
            return False
    return running > total


def synthetic_sum_failures(used, claims) -> list[ExpectedFailure]:
    """narrative_sum where the application sentence states a total (共…N件) and lists its
    outcomes right after it (，其中…)."""
    if len(used) < 2 or "共" not in used[0][1] or not used[0][1].endswith("{n}件"):
        return []
    if not used[1][1].startswith("其中"):
        return []
    outcomes = [
        v for (t, tpl, _), (_, v) in zip(used, claims, strict=True) if (t, tpl) in _OUTCOMES
    ]
    return [ExpectedFailure(rule="narrative_sum")] if sum_breaks(claims[0][1], outcomes) else []


def hard_negatives(rng: random.Random, year: int) -> str:
    picks = rng.sample(HARD_NEGATIVES, k=3)
    return "".join(
        p.format(
            a=rng.randint(100, 99999),
            b=rng.randint(100, 9999),
            p=rng.randint(80, 100),
            s=rng.randint(2, 30),
            year=year,
            m=rng.randint(1, 12),
            d=rng.randint(1, 28),
        )
        for p in picks
    )


def noisy(text: str, rng: random.Random) -> str:
    """Scraping noise that must not change what is read: page footers inside the table,
    website junk, full-width digits and odd spaces in the prose, CRLF line ends."""
    lines = text.split("\n")
    out = ["首页 > 政务公开 > 政府信息公开年报", "【字体：大 中 小】 打印本页 关闭窗口"]
    page = 1
    in_table = False
    for line in lines:
        if line.startswith("三、收到和处理"):
            in_table = True
        if line.startswith("五、"):
            in_table = False
        out.append(line)
        if in_table and line.strip() and rng.random() < 0.06:
            page += 1
            out.append(f"- {page} -")
    out += ["扫一扫在手机打开当前页", "网站标识码：2300000001 黑ICP备05000000号"]
    joined = "\r\n".join(out)
    prose_end = joined.find("二、主动公开")
    head, tail = joined[:prose_end], joined[prose_end:]
    head = head.translate({ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"}).replace(
        "，", "，\u00a0", 2
    )
    return head + tail


# --- cases from synthetic reports ---------------------------------------------------------


def synthetic_cases(rng: random.Random, n: int) -> list[Case]:
    cases: list[Case] = []
    for i in range(n):
        fmt = "2019" if i % 5 == 4 else "2021"
        split = fmt == "2021" and i % 7 != 3
        year = 2020 if fmt == "2019" else rng.choice((2021, 2022, 2023, 2024))
        cells = random_cells(rng, fmt, split)
        units = {"active.procurement.amount": "万元"} if fmt == "2019" else {}
        body = rng.choice(
            ("示例县人民政府", "某某市", "样例区人民政府", "测试镇人民政府", "某县交通运输局")
        )
        base = f"syn{i:03d}"
        prose, claims, used = render_prose(cells, fmt, year, rng)

        def case(kind, text, table, contradictions, layout_suffix=".txt", prose_failures=()):
            return Case(
                id=f"{base}-{kind}",
                kind=kind,
                base=base,
                suffix=layout_suffix,
                text=text,
                body=body,
                year=year,
                format=fmt,
                cells=table,
                contradictions=contradictions,
                failures=oracle_failures(table, fmt, year) + list(prose_failures),
            )

        def report(table, text_prose, layout="tabs"):
            return render_report(
                table, body=body, year=year, fmt=fmt, layout=layout, units=units, prose=text_prose
            )

        sums = synthetic_sum_failures(used, claims)
        cases.append(case("clean", report(cells, prose), cells, [], prose_failures=sums))

        # One prose figure wrong.
        j = rng.randrange(len(used))
        topic, _, value = used[j]
        wrong = changed_value(topic, value, cells, fmt, rng)
        bad_prose, bad_claims, _ = _prose(used, year, {j: str(wrong)})
        cases.append(
            case(
                "prose_changed",
                report(cells, bad_prose),
                cells,
                [ExpectedClaim(topic=topic, stated=wrong)],
                prose_failures=synthetic_sum_failures(used, bad_claims),
            )
        )

        # One table cell wrong: a cell some claim rests on, with its row total, so the row
        # still adds up but the outcome columns do not.
        changed = dict(cells)
        row = {
            "granted": "granted",
            "partial": "partial",
            "carried_out": "carried_out",
            "unavailable.not_held": "unavailable.not_held",
        }.get(topic, "granted")
        delta = rng.choice((1, 2, 3))
        changed[APP(row, "natural")] += delta
        changed[APP(row, "total")] += delta
        cases.append(
            case(
                "table_changed",
                report(changed, prose),
                changed,
                contradicted(claims, changed, fmt),
                prose_failures=sums,
            )
        )

        # Table and prose changed together, consistently: three more applications granted.
        both = dict(cells)
        for r in ("new", "granted", "total"):
            for c in ("natural", "total"):
                both[APP(r, c)] += 3
        both_used = [(t, tpl, f(both)) for t, tpl, f in _sentences(used)]
        both_prose, both_claims, _ = _prose(both_used, year)
        cases.append(
            case(
                "both_changed",
                report(both, both_prose),
                both,
                [],
                prose_failures=synthetic_sum_failures(both_used, both_claims),
            )
        )

        # The same report in another layout, with scraping noise.
        layout = rng.choice([layout for layout in LAYOUTS if layout != "tabs"])
        text = report(cells, prose, layout)
        if layout != "html":
            text = noisy(text, rng)
        cases.append(
            case("layout_noise", text, cells, [], ".html" if layout == "html" else ".txt", sums)
        )

        # Figures that are not claims.
        cases.append(
            case(
                "hard_negative",
                report(cells, prose + hard_negatives(rng, year)),
                cells,
                [],
                prose_failures=sums,
            )
        )
    return cases


_ALL_SENTENCES = {
    (t, tpl): f for t, tpl, f in (*APPLICATION_SENTENCES, *OUTCOME_SENTENCES, *OTHER_SENTENCES)
}


def _sentences(used):
    return [(t, tpl, _ALL_SENTENCES[(t, tpl)]) for t, tpl, _ in used]


# --- cases from the bundled examples ------------------------------------------------------

_NEGATIVE_REWRITE = {"未出台规范性文件": "出台规范性文件{n}件"}


def seed_cases(rng: random.Random) -> list[Case]:
    labels = json.loads(SEED_CLAIMS.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for path in sorted(SEEDS.glob("*.json")):
        gold = GoldReport.model_validate_json(path.read_text(encoding="utf-8"))
        stem = path.stem
        text = (ROOT / gold.source).read_text(encoding="utf-8")
        cells = dict(gold.cells)
        claims = [(c["topic"], c["value"]) for c in labels[stem]]

        groups = labels["_sums"].get(stem, [])

        def case(
            kind,
            body_text,
            table,
            contradictions,
            n=0,
            values=None,
            gold=gold,
            stem=stem,
            groups=groups,
        ):
            failures = oracle_failures(table, gold.format, gold.year)
            values = values or [label["value"] for label in labels[stem]]
            for g in groups:
                if sum_breaks(values[g["total"]], [values[i] for i in g["parts"]]):
                    failures.append(ExpectedFailure(rule="narrative_sum"))
            return Case(
                id=f"{stem[:3]}-{kind}-{n}",
                kind=kind,
                base=stem,
                text=body_text,
                body=gold.body,
                year=gold.year,
                format=gold.format,
                cells=table,
                contradictions=contradictions,
                failures=failures,
            )

        cases.append(case("clean", text, cells, []))
        for n, label in enumerate(labels[stem]):
            quote, topic, value = label["quote"], label["topic"], label["value"]
            if quote not in text:
                raise ValueError(f"{stem}: labelled claim {quote!r} is not in the text")
            wrong = changed_value(topic, value, cells, gold.format, rng)
            if value == 0 and quote in _NEGATIVE_REWRITE:
                new_quote = _NEGATIVE_REWRITE[quote].format(n=wrong)
            elif value == 0:
                continue  # a negative statement about two tables: rewriting it is not one change
            else:
                digits = re.search(rf"(?<!\d){value}(?!\d)", quote)
                new_quote = quote[: digits.start()] + str(wrong) + quote[digits.end() :]
            values = [label["value"] for label in labels[stem]]
            values[n] = wrong
            cases.append(
                case(
                    "prose_changed",
                    text.replace(quote, new_quote, 1),
                    cells,
                    [ExpectedClaim(topic=topic, stated=wrong)],
                    n,
                    values,
                )
            )
        # A table cell changed where the evaluation's own locator finds it printed (its row's
        # gold values in order), never where the product says it read it; a cell it cannot
        # place for sure gives no case.
        totals = [k for k in cells if k.endswith(".total") and k.startswith("applications.")]
        for n, key in enumerate(rng.sample(totals, 3)):
            new = (cells[key] or 0) + rng.choice((1, 2, 4))
            span = locate(text, cells, key)
            if span is None:
                continue
            changed = dict(cells)
            changed[key] = new
            cases.append(
                case(
                    "table_changed",
                    replace(text, span, new),
                    changed,
                    contradicted(claims, changed, gold.format),
                    n,
                )
            )
        cases.append(case("layout_noise", noisy(text, rng), cells, []))
        first = text.find("一、总体情况")
        line_end = text.find("\n", first) + 1
        cases.append(
            case(
                "hard_negative",
                text[:line_end] + hard_negatives(rng, gold.year) + "\n" + text[line_end:],
                cells,
                [],
            )
        )
    return cases


def generate(seed: int = 2026, synthetic: int = 48) -> list[Case]:
    """The evaluation set: the same cases for the same seed."""
    rng = random.Random(seed)
    return seed_cases(rng) + synthetic_cases(rng, synthetic)


def main() -> None:
    parser = argparse.ArgumentParser(description="write the labelled evaluation cases")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    cases = generate(args.seed)
    for case in cases:
        (args.out / f"{case.id}.json").write_text(case.model_dump_json(indent=2), encoding="utf-8")
    clean = sum(c.clean for c in cases)
    print(f"{len(cases)} cases, {clean} clean ({clean / len(cases):.0%}) -> {args.out}")


if __name__ == "__main__":
    main()
