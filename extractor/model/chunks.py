"""Structure-aware chunks for the model: whole table rows with their header, prose by
paragraph and sentence, each within a token budget and carrying the context it needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from extractor.ingest.sections import Section

_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# A table row starts on a line that does not start with a value: its label (which may
# start with its item number, "1.属于国家秘密").
_ROW_START = r"\n(?=[ \t]*(?:[^\d\s|+\-—/.]|\d{1,2}[.、][^\d]))"
_PROSE_SEPARATORS = ["\n\n", "\n", "。", "；", ";", "，", ","]
_FIRST_VALUE = re.compile(r"(?m)^[^\n]*?\d")
_TRAILING_CELLS = re.compile(r"[ \t]*\t[ \t]*$", re.MULTILINE)
_HEADING_WORDS = (
    r"第二十条|第\(?[一二三四五六七八九十]+\)?项|信息内容|本年[^\d\n]{0,4}(?:件数|数量|金额)|现行有效件数?|"
    r"上一年项目数量|本年增/减|处理决定数量|采购项目数量|采购总金额|申请人情况|自然人|法人或其他组织|"
    r"商业|企业|科研|机构|社会公益组织|法律服务机构|其他|总计|行政复议|行政诉讼|结果|维持|纠正|尚未|审结|"
    r"未经复议直接起诉|复议后起诉"
)
# A line of nothing but column headings (no digit, nothing else).
_HEADING_LINE = re.compile(rf"(?m)^(?:[ \t]*(?:{_HEADING_WORDS}|\([^()\d\n]*\))[ \t]*)+(?:\n|$)")


def estimate_tokens(text: str) -> int:
    """A conservative token count: one per Chinese character, one per two others (digits
    and separators tokenise finely). No tokenizer download is needed, and a budget only has
    to be safe, not exact."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 1) // 2


@dataclass(frozen=True)
class Chunk:
    id: str  # "三/2": section and position, recorded with every value read from it
    section: str
    kind: str  # "table", "prose" or "head"
    start: int  # offsets into the normalised text
    end: int
    context: str = ""  # the table's header rows, when the chunk does not start with them

    def render(self, text: str) -> str:
        """The chunk as the model sees it: tabs as " | " (tabs break small models' JSON)."""
        body = _TRAILING_CELLS.sub("", text[self.start : self.end])
        if self.kind == "table":
            # Column headings are in the prompt; left in the text, small models quote them
            # as if they were rows.
            body = _HEADING_LINE.sub("", body)
        body = re.sub(r"(?m)^[ \t]+", "", body).replace("\t", " | ")
        return re.sub(r"\n[ \t]*\n+", "\n", body).strip()


def _split(
    text: str, start: int, end: int, budget: int, separators: list[str], regex: bool
) -> list[tuple[int, int]]:
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=budget,
        chunk_overlap=0,
        separators=separators,
        is_separator_regex=regex,
        keep_separator="start" if regex else "end",
        length_function=estimate_tokens,
        add_start_index=True,
        strip_whitespace=False,
    )
    spans = []
    for doc in splitter.create_documents([text[start:end]]):
        s = start + doc.metadata["start_index"]
        e = s + len(doc.page_content)
        if text[s:e].strip():
            spans.extend(_fit(text, s, e, budget))
    return spans


def _fit(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """[start, end) in spans within the budget. The splitter leaves a piece whole when it
    holds none of its separators (a crawler record with every space and line break removed
    glues a whole table into one line): such a piece is cut where `_cut` says."""
    spans = []
    while estimate_tokens(text[start:end]) > budget:
        cut = _cut(text, start, end, budget)
        spans.append((start, cut))
        start = cut
    if text[start:end].strip():
        spans.append((start, end))
    return spans


_LABEL_START = re.compile(r"[\u4e00-\u9fff（(一二三四五六七八九十]")


def _cut(text: str, start: int, end: int, budget: int) -> int:
    """Where a chunk from `start` ends: within the budget, at the last line break, else at
    the last place where a row's values end and the next label begins, else at the last
    place not inside a number, else at the budget's end."""
    # estimate_tokens counts a Chinese character as one token and others as half.
    halves, limit = 0, start
    for i in range(start, end):
        halves += 2 if _CJK.match(text[i]) else 1
        if halves > 2 * budget - 2:
            break
        limit = i + 1
    limit = max(limit, start + 1)
    lowest = start + max(1, (limit - start) // 4)
    for prefer in (
        lambda a, b: a == "\n",
        lambda a, b: a.isdigit() and bool(_LABEL_START.match(b)),
        lambda a, b: not (a.isdigit() and b.isdigit()),
    ):
        for i in range(limit, lowest - 1, -1):
            if prefer(text[i - 1], text[i] if i < end else ""):
                return i
    return limit


def table_chunks(text: str, numeral: str, start: int, end: int, budget: int) -> list[Chunk]:
    """A table cut between rows; chunks after the first carry the header as context."""
    first = _FIRST_VALUE.search(text, start, end)
    header_end = text.rfind("\n", start, first.start()) if first else -1
    header_end = header_end if header_end > start else start
    header = text[start:header_end]
    spans = _split(
        text,
        header_end,
        end,
        max(budget - estimate_tokens(header), budget // 2),
        [_ROW_START],
        True,
    )
    chunks = []
    for i, (s, e) in enumerate(spans):
        if i == 0:
            s = start  # the first chunk holds the header rows themselves
        # Later chunks hold rows only; the table, its columns and its row keys are in the
        # prompt, so they say where they continue from rather than repeat the header.
        context = (
            f"(rows continuing table {numeral}, after the rows of chunk {numeral}/{i})" if i else ""
        )
        chunks.append(Chunk(f"{numeral}/{i + 1}", numeral, "table", s, e, context))
    return chunks


def prose_chunks(text: str, numeral: str, start: int, end: int, budget: int) -> list[Chunk]:
    spans = _split(text, start, end, budget, _PROSE_SEPARATORS, False)
    return [Chunk(f"{numeral}/{i + 1}", numeral, "prose", s, e) for i, (s, e) in enumerate(spans)]


def head_chunk(text: str, sections: dict[str, Section], budget: int) -> Chunk:
    """The opening of the report, where its title is."""
    end = sections["一"].start if "一" in sections else len(text)
    end = min(end, 600, len(text))
    while estimate_tokens(text[:end]) > budget:
        end = end * 3 // 4
    return Chunk("head/1", "head", "head", 0, end)
