"""What the model reads: table chunks, the title, prose figures, and the multiple-choice
question about the prose numbers the rules left undecided; every value grounded.

Each function sends chunks to the model through `LLM.ask`, aligns the snippets it returns
with the report (`Grounder`), and keeps only what was found there. A failed call is
recorded and the report goes on with what the other calls and the deterministic reader
gave.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from extractor.ingest.sections import Section
from extractor.model.chunks import Chunk, head_chunk, prose_chunks, table_chunks
from extractor.model.grounding import Grounded, Grounder, Number
from extractor.model.llm import LLM, LLMError, Usage
from extractor.model.prompts import Prompt, load_prompt
from extractor.prose.claims import chinese_number
from extractor.tables.grid import row_label
from schemas import keys as K
from schemas.llm import (
    NEEDS,
    TOPIC_CHOICES,
    TOPIC_OF_LABEL,
    NumberAnswers,
    ProseFigures,
    ReportMeta,
    TableReading,
)

TABLE_TITLES = {
    "二": "二、主动公开政府信息情况 (第二十条 items)",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
}
_APP_COLUMNS = "自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他 (法人或其他组织), 总计"
_REVIEW_COLUMNS = (
    "行政复议: 结果维持, 结果纠正, 其他结果, 尚未审结, 总计; then 行政诉讼 未经复议直接起诉: the same "
    "five; then 行政诉讼 复议后起诉: the same five (15 numbers)"
)
_NOT_A_COUNT = re.compile(r"\s*(?:年|月|日|%|％|个百分点|‰)")
# Prose worth a call: a number within a few characters of a word the tables count.
_CLAIM_HINT = re.compile(
    r"(?:申请|公开|复议|诉讼|规范性文件|许可|处罚|强制|收费|结转|办结|答复|不掌握|不予)[^。\n]{0,24}?\d"
    r"|\d[^。\n]{0,12}?(?:件|次|个|万元)"
    r"|[〇零一二两三四五六七八九十百千](?:件|起|宗|份)(?!事)"
)


# Worked examples, one per table and layout: (row, printed, values). The numbers are
# invented and appear in no report the model path is scored on (tests/test_prompts.py).
_EXAMPLES: dict[str, tuple[tuple[str, str, list[Number | None]], ...]] = {
    "二/2021": (
        ("normative_docs", "行政规范性文件 | 4 | 2 | 61", [4, 2, 61]),
        ("licensing", "行政许可 | 738", [738]),
    ),
    "二/2019": (
        ("licensing", "行政许可 | 52 | +6 | 389", [52, 6, 389]),
        ("procurement", "政府集中采购 | 27 | 2816.5万元", [27, 2816.5]),
    ),
    "三": (
        ("granted", "（一）予以公开 | 21 | 3 | 0 | 1 | 0 | 0 | 25", [21, 3, 0, 1, 0, 0, 25]),
        (
            "partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 2 |  | 0 | 0 | 0 | 0 | 2",
            [2, None, 0, 0, 0, 0, 2],
        ),
    ),
    "四": (
        (
            "review",
            "1 | 0 | 0 | 0 | 1 | 0 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0",
            [1, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0],
        ),
    ),
}


@dataclass(frozen=True)
class TableSpec:
    numeral: str
    columns: str
    rows: tuple[tuple[str, str, tuple[str, ...]], ...]  # (row key, printed label, cell keys)
    example: str  # key of _EXAMPLES

    def widths(self) -> dict[str, int]:
        return {row: len(keys) for row, _, keys in self.rows}

    def prompt_values(self) -> dict[str, str]:
        """The table-specific variables of the table_cells prompt."""
        rows = "\n".join(
            f"- {row}: {label} ({len(keys)} value{'s' if len(keys) > 1 else ''})"
            for row, label, keys in self.rows
        )
        example = _EXAMPLES[self.example]
        answer = ",\n ".join(
            json.dumps({"row": r, "quote": q, "values": v}, ensure_ascii=False)
            for r, q, v in example
        )
        return {
            "table": TABLE_TITLES[self.numeral],
            "columns": self.columns,
            "rows": rows,
            "example_text": "\n".join(q for _, q, _ in example),
            "example_answer": f"[{answer}]",
        }


def table_spec(numeral: str, fmt: str, other_split: bool) -> TableSpec:
    if numeral == "二":
        rows = []
        for row, cols in K.ACTIVE_ROWS[fmt]:
            name = K.active_row_name(row, fmt)
            header = ", ".join(K.ACTIVE_NAMES[c] for c in cols)
            rows.append(
                (row, f"{name}, columns {header}", tuple(f"active.{row}.{c}" for c in cols))
            )
        return TableSpec(numeral, "each row's own, listed with the row", tuple(rows), f"二/{fmt}")
    if numeral == "三":
        return TableSpec(
            numeral,
            _APP_COLUMNS,
            tuple(
                (
                    r,
                    K.PRINTED_ROW_LABELS[r],
                    tuple(K.application_key(r, c) for c in K.APPLICANT_COLUMNS),
                )
                for r in K.application_rows(other_split)
            ),
            "三",
        )
    return TableSpec(
        numeral,
        _REVIEW_COLUMNS,
        (("review", "the row of 15 numbers under the header", K.REVIEW_KEYS),),
        "四",
    )


@dataclass
class ModelReading:
    """What the model contributed to one report."""

    cells: dict[str, tuple[Grounded, str]] = field(default_factory=dict)  # key -> (value, chunk)
    ungrounded: dict[str, str] = field(default_factory=dict)  # key -> why it was not used
    chunks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    prompts: set[str] = field(default_factory=set)
    failed_tables: set[str] = field(default_factory=set)  # a call about them failed for good


def _ask(
    llm: LLM,
    model,
    prompt: Prompt,
    messages,
    usage: Usage,
    out: ModelReading,
    chunk: Chunk,
    context=None,
):
    out.chunks.append(chunk.id)
    out.prompts.add(prompt.ref)
    try:
        return llm.ask(model, messages, usage, context)
    except LLMError as e:
        out.errors.append(f"{chunk.id}: {e.kind}: {e}")
        return None


def _table_budget(budget: int) -> int:
    """The share of the chunk budget a table chunk gets. A table's answer repeats every row
    with its values and a re-ask sends it back with the error, so a table chunk is kept to
    half the budget: with the default 600 a conversation fits a model with an 8k context."""
    return max(200, budget // 2)


def read_tables(
    text: str,
    regions: dict[str, tuple[int, int]],
    spec_of: dict[str, TableSpec],
    llm: LLM,
    usage: Usage,
    budget: int,
    out: ModelReading,
) -> None:
    """The model's reading of the given tables, grounded cell by cell."""
    prompt = load_prompt("table_cells")
    grounder = Grounder(text)
    for numeral, (start, end) in regions.items():
        spec = spec_of[numeral]
        keys_of = {row: keys for row, _, keys in spec.rows}
        for chunk in table_chunks(text, numeral, start, end, _table_budget(budget)):
            messages = prompt.render(
                **spec.prompt_values(), context=chunk.context, text=chunk.render(text)
            )
            reading = _ask(
                llm, TableReading, prompt, messages, usage, out, chunk, {"widths": spec.widths()}
            )
            if reading is None:
                out.failed_tables.add(numeral)
                continue
            for row in reading.rows:
                _ground_row(
                    grounder,
                    numeral,
                    row.row,
                    row.quote,
                    row.values,
                    keys_of.get(row.row),
                    chunk,
                    out,
                )


def _ground_row(
    grounder, numeral, row, quote, values, keys, chunk: Chunk, out: ModelReading
) -> None:
    if keys is None or len(values) != len(keys):
        return
    if all(k in out.cells for k in keys):
        return  # already read from an earlier chunk
    span = grounder.find(quote, chunk.start, chunk.end)
    if span is None:
        for k in keys:
            out.ungrounded.setdefault(k, f"模型引用的行在 {chunk.id} 中找不到")
        return
    start, end = span
    label = row_label(numeral, row)
    if label is not None:
        m = label.search(grounder.text, start, end)
        if m is None:
            for k in keys:
                out.ungrounded.setdefault(k, f"模型引用的文字不含 {row} 行的标签")
            return
        start = m.end()
    for key, hit, value in zip(keys, grounder.values(values, start, end), values, strict=True):
        if value is None:
            out.cells.setdefault(key, (Grounded(None, start, start), chunk.id))
        elif hit is None:
            out.ungrounded.setdefault(key, f"模型读数 {value} 不在所引用的行中")
        else:
            out.cells.setdefault(key, (hit, chunk.id))


def read_title(
    text: str, sections: dict[str, Section], llm: LLM, usage: Usage, budget: int, out: ModelReading
) -> tuple[str, int] | None:
    """(body, year) from the model, or None when its title could not be found in the text."""
    prompt = load_prompt("metadata")
    chunk = head_chunk(text, sections, budget)
    meta = _ask(llm, ReportMeta, prompt, prompt.render(text=chunk.render(text)), usage, out, chunk)
    if meta is None:
        return None
    grounder = Grounder(text)
    span = grounder.find(meta.quote, chunk.start, chunk.end)
    body_span = grounder.find(meta.body, *span) if span else None
    if span is None or body_span is None or grounder.find(str(meta.year), *span) is None:
        out.errors.append(f"{chunk.id}: ungrounded title {meta.quote!r}")
        return None
    return meta.body, meta.year


def read_figures(
    text: str,
    spans: list[tuple[str, int, int]],
    llm: LLM,
    usage: Usage,
    budget: int,
    out: ModelReading,
) -> list[tuple[Grounded, str, str, tuple[int, int]]]:
    """Figures the prose states: (value, subject, chunk id, span of the quote)."""
    prompt = load_prompt("claims")
    grounder = Grounder(text)
    found: list[tuple[Grounded, str, str, tuple[int, int]]] = []
    for numeral, start, end in spans:
        for chunk in prose_chunks(text, numeral, start, end, budget):
            if not _CLAIM_HINT.search(text, chunk.start, chunk.end):
                continue  # no number near anything the tables count: nothing to ask
            answer = _ask(
                llm, ProseFigures, prompt, prompt.render(text=chunk.render(text)), usage, out, chunk
            )
            if answer is None:
                continue
            for fig in answer.figures:
                span = grounder.find(fig.quote, chunk.start, chunk.end)
                hit = grounder.values([fig.value], *span)[0] if span else None
                if span is not None and hit is None:
                    hit = _chinese_numeral(text, fig.value, *span)
                if span is None or hit is None:
                    out.ungrounded[f"claim:{chunk.id}:{fig.quote}"] = "引文或数字在原文中找不到"
                    continue
                if (
                    _NOT_A_COUNT.match(text, hit.end)
                    or text[max(0, hit.start - 1) : hit.start] == "第"
                ):
                    continue  # a year, date, percentage or ordinal, whatever the model thought
                if (
                    text[hit.start - 1 : hit.start].isdigit()
                    or text[hit.end : hit.end + 1].isdigit()
                ):
                    continue  # part of a longer number ("1" of "12345"): prose does not glue
                found.append((hit, fig.subject, chunk.id, span))
    return found


# A Chinese numeral counts something only with a count word after it: 十二件, not 进一步.
_CHINESE_NUMERAL = re.compile(
    r"[〇零一二两三四五六七八九十百千]+(?=\s*(?:件|个|起|宗|项|次|例|份|条|万元|元|人))"
)


def _chinese_numeral(text: str, value: Number, start: int, end: int) -> Grounded | None:
    """The Chinese numeral before a count word in text[start:end] that has `value`
    (十二件 = 12), if any."""
    for m in _CHINESE_NUMERAL.finditer(text, start, end):
        if chinese_number(m.group(0)) == value:
            return Grounded(value, m.start(), m.end())
    return None


UNDECIDED_CHUNK = "undecided"


def ask_undecided(
    items: list[str], llm: LLM, usage: Usage, out: ModelReading
) -> dict[int, tuple[str | None, str]] | None:
    """What each item counts, from one call: item index -> (topic, or None when it is not a
    table quantity; the label the model chose). None when the call failed for good.

    Each item is a clause with its number marked; the model only chooses among the labels
    of `schemas.llm.TOPIC_CHOICES` (an enum that instructor validates, re-asking on an
    answer outside it or with more or fewer choices than items). The number's span is
    known, so the answer is grounded by construction; a table quantity whose words the
    clause does not hold is not used (counted as an ungrounded claim) and its number stays
    undecided."""
    prompt = load_prompt("undecided")
    choices = "\n".join(f"- {label}: {cue}" for _, label, cue, _ in TOPIC_CHOICES)
    text = "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    chunk = Chunk(UNDECIDED_CHUNK, "prose", "prose", 0, 0)
    messages = prompt.render(choices=choices, text=text)
    answer = _ask(llm, NumberAnswers, prompt, messages, usage, out, chunk, {"clauses": items})
    if answer is None:
        return None
    chosen: dict[int, tuple[str | None, str]] = {}
    for i, (label, item) in enumerate(zip(answer.answers, items, strict=True)):
        if label in NEEDS and not NEEDS[label].search(item):
            # A table quantity stands only if the item's clause names it: the choice is
            # checked against the report's words, as the values the model reads are.
            out.ungrounded[f"claim:{UNDECIDED_CHUNK}:{i + 1}"] = f"分句中没有「{label}」的用语"
            continue
        chosen[i] = (TOPIC_OF_LABEL.get(label), label)
    return chosen
