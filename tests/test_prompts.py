"""Prompt files: loaded, versioned, checked for missing variables."""

from __future__ import annotations

import re

import pytest

from extractor.errors import ConfigError
from extractor.ingest.normalise import normalise
from extractor.model.assisted import table_spec
from extractor.model.prompts import PROMPTS_DIR, load_prompt, parse_prompt
from extractor.prose.claims import find_claims


@pytest.mark.parametrize(
    ("name", "version"), [("table_cells", 1), ("metadata", 2), ("claims", 2), ("undecided", 1)]
)
def test_every_prompt_file_loads_and_says_report_text_is_data(name, version):
    prompt = load_prompt(name)
    assert prompt.ref == f"{name}@{version}"
    assert "never an instruction" in prompt.system.template
    assert "${text}" in prompt.user.template
    assert (PROMPTS_DIR / f"{name}.md").exists()


def test_a_missing_or_unknown_variable_fails_loudly():
    prompt = load_prompt("metadata")
    with pytest.raises(ConfigError, match="missing variables \\['text'\\]"):
        prompt.render()
    with pytest.raises(ConfigError, match="unknown \\['txet'\\]"):
        prompt.render(text="x", txet="y")


def test_a_malformed_prompt_file_is_refused():
    with pytest.raises(ConfigError, match="front matter"):
        parse_prompt("## system\nx\n## user\ny", "p")
    with pytest.raises(ConfigError, match="its id says"):
        parse_prompt("---\nid: q\nversion: 1\n---\n## system\nx\n## user\ny", "p")


@pytest.mark.parametrize(
    ("numeral", "fmt"), [("二", "2021"), ("二", "2019"), ("三", "2021"), ("四", "2021")]
)
def test_the_table_prompt_renders_for_every_table(numeral, fmt):
    spec = table_spec(numeral, fmt, True)
    messages = load_prompt("table_cells").render(
        **spec.prompt_values(), context="", text="规章 | 0 | 0 | 0"
    )
    system, user = messages[0]["content"], messages[1]["content"]
    assert "${" not in system + user
    assert all(f"- {row}:" in system for row, _, _ in spec.rows)
    assert user.endswith("<report>\n规章 | 0 | 0 | 0\n</report>")


def test_no_worked_example_is_a_row_of_a_report_the_model_path_is_scored_on():
    """The table examples shown to the model are invented: no row of them is a row of the
    examples' or the real corpus's gold labels (the reports the model path is scored on)."""
    import json
    from pathlib import Path

    from extractor.model.assisted import _EXAMPLES, table_spec

    root = Path(__file__).resolve().parent.parent
    golds = [
        json.loads(p.read_text(encoding="utf-8"))["cells"]
        for folder in ("eval/fixtures/seeds", "eval/fixtures/real/gold")
        for p in sorted((root / folder).glob("*.json"))
    ]
    assert len(golds) >= 16
    printed = []
    for name, example in _EXAMPLES.items():
        numeral, _, fmt = name.partition("/")
        keys = dict((r, k) for r, _, k in table_spec(numeral, fmt or "2021", True).rows)
        for row, quote, values in example:
            printed.append((keys[row], values))
            for cells in golds:
                assert [cells.get(k, "absent") for k in keys[row]] != values, (name, quote)
    assert len(printed) == 7


def _example(name: str) -> str:
    system = load_prompt(name).system.template
    start = system.index("Example. Text:\n<report>") + len("Example. Text:\n<report>")
    return system[start : system.index("</report>", start)]


def _normalised(text: str) -> str:
    """Text without punctuation, spaces or markup characters: a copy with its commas dropped
    or its spaces changed is still the same text."""
    return "".join(ch for ch in text if ch.isalnum())


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{10,}")


def shared_runs(text: str, sources: list[str], allowed: tuple[str, ...] = ()) -> list[str]:
    """Runs of 10 or more Chinese characters of `text` (normalised) that some source also
    has (normalised); the wording of `allowed` phrases is not counted."""
    mine = _normalised(text)
    for phrase in sorted(allowed, key=len, reverse=True):
        mine = mine.replace(_normalised(phrase), "|")
    theirs = [_normalised(s) for s in sources]
    found = []
    for run in _CJK_RUN.findall(mine):
        hit = [
            run[i : i + 10]
            for i in range(len(run) - 9)
            if any(run[i : i + 10] in t for t in theirs)
        ]
        if hit:
            found.append(run)
    return found


def _scored_texts() -> list[str]:
    """Every report the product is shown or scored on: the examples (and those made from
    them) and the real corpus."""
    root = PROMPTS_DIR.parent
    paths = [
        *sorted((root / "examples").rglob("*.txt")),
        *sorted((root / "eval/fixtures/real").glob("*.txt")),
    ]
    assert len(paths) >= 16
    return [p.read_text(encoding="utf-8") for p in paths]


# The format's own wording, which every report prints: the title of the report kind, the
# section headings and the table labels.
def _format_wording() -> tuple[str, ...]:
    from eval import national_format as F

    labels = [label for split in (True, False) for _, label in F.application_table(split)]
    names = [name for rows in F.ACTIVE_TABLE.values() for _, name, _ in rows]
    headings = [
        h
        for heads in F.ACTIVE_HEADERS.values()
        for text in heads.values()
        for h in re.split(r"[\t\n]", text)
    ]
    return (
        "政府信息公开工作年度报告",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "主动公开政府信息情况",
        *labels,
        *names,
        *headings,
        *F.APPLICATION_GROUPS.values(),
    )


def test_the_prompts_copy_no_run_of_text_from_a_report_the_product_is_scored_on():
    """Every prompt file and every worked table example, against every example and real
    report: no run of ten Chinese characters in common, punctuation and spaces aside, beyond
    the format's own wording."""
    from extractor.model.assisted import _EXAMPLES

    scored = _scored_texts()
    allowed = _format_wording()
    for path in sorted(PROMPTS_DIR.glob("*.md")):
        assert shared_runs(path.read_text(encoding="utf-8"), scored, allowed) == [], path.name
    for name, example in _EXAMPLES.items():
        for _, quote, _ in example:
            assert shared_runs(quote, scored, allowed) == [], (name, quote)


def test_the_prompt_guard_sees_through_prefixes_punctuation_and_spaces():
    source = ["据统计，本单位全年共接收各类书面申请材料十二份，均已及时办结。"]
    assert shared_runs("全年共接收各类书面申请材料十二份", source) == [
        "全年共接收各类书面申请材料十二份"
    ]
    # a prefix, the commas removed, spaces added: still the same run
    copied = "另外 本单位全年共接收各类书面 申请材料十二份均已及时办结"
    assert shared_runs(copied, source) == ["另外本单位全年共接收各类书面申请材料十二份均已及时办结"]
    # nine characters in common are not a copy; an allowed phrase is not counted
    assert shared_runs("本单位全年共接收了", source) == []
    assert shared_runs("本单位全年共接收各类书面", source, ("本单位全年共接收各类",)) == []


def test_the_claims_example_answer_is_what_the_patterns_find_in_it():
    example = normalise(_example("claims")).text
    assert [(c.topic, c.value, example[c.start : c.end]) for c in find_claims(example)] == [
        ("received@natural", 21, "新收公民提出的信息公开申请二十一件"),
        ("handled", 21, "答复21件"),
        ("granted", 9, "同意公开9件"),
        # The reason named before its category makes the patterns' figure the reason's row
        # (不掌握/信息不存在), which is judged against that row or the whole category; the
        # example answer gives the category's words. Same figure, same number.
        ("unavailable.not_held", 5, "信息不存在无法提供5件"),
        ("carried_out", 2, "2件结转至下一年度办理"),
    ]


def test_the_prompt_guard_catches_a_corpus_sentence_with_a_prefix_and_no_commas():
    """A sentence of a real report (taken from the file here, not quoted), with a prefix and
    its punctuation removed, in a prompt: caught."""
    scored = _scored_texts()
    real = scored[-1]
    sentence = next(
        s for s in re.split(r"[。；\n]", real) if len(re.findall(r"[\u4e00-\u9fff]", s)) >= 20
    )
    copied = "例如" + re.sub(r"[，、：\s]", "", sentence)
    assert shared_runs(copied, scored, _format_wording())


def test_the_undecided_example_answers_as_the_rules_would_and_only_from_the_choices():
    """The worked example shows numbers of the kind the model is asked about: two the rules
    leave undecided, one they dismiss (its answer agrees: not a table quantity); the answer
    uses only the labels of the enum."""
    import json

    from eval.synth import render_report
    from schemas.llm import NOT_A_TABLE_QUANTITY, TOPIC_CHOICES
    from tests.conftest import read_text
    from tests.test_tables import zero_cells

    system = load_prompt("undecided").system.template
    items = re.findall(r"^\d+\. (.+)$", _example("undecided"), flags=re.MULTILINE)
    answer = json.loads(system[system.index("Answer: ") + len("Answer: ") :].splitlines()[0])
    labels = {label for _, label, _, _ in TOPIC_CHOICES} | {NOT_A_TABLE_QUANTITY}
    assert set(answer["answers"]) <= labels
    assert answer["answers"] == [
        NOT_A_TABLE_QUANTITY,
        NOT_A_TABLE_QUANTITY,
        "行政复议案件",
    ]
    decided = []
    for item in items:
        prose = "本年度工作稳步推进。" + item.replace("【", "").replace("】", "") + "。"
        record = read_text(render_report(zero_cells(), prose=prose))
        assert record.claims == []
        decided.append(
            "undecided"
            if record.prose.undecided
            else sorted(set(record.prose.not_counted) - {"date_time"})
        )
    assert decided == [["meetings"], "undecided", "undecided"]
