"""The contract and the notes a clone needs are in the repository, the schema describes every
field, and the README's first command shows what the tool finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from extractor.cli import main
from extractor.review.summary import RULE_NAMES
from schemas import Extraction, ReportRecord
from schemas.__main__ import EXPORTS

ROOT = Path(__file__).resolve().parent.parent
FORMAT = ROOT / "docs" / "format.md"
LOCAL_LLM = ROOT / "docs" / "local-llm.md"
SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"}


def project_files() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*")
        if p.is_file()
        and not SKIP & set(p.relative_to(ROOT).parts)
        and not any(part.endswith(".egg-info") for part in p.parts)
        and p.suffix in {".py", ".md", ".json", ".toml", ""}
    ]


def test_nothing_points_outside_the_repository_for_the_contract():
    assert FORMAT.is_file() and LOCAL_LLM.is_file()
    for path in project_files():
        if path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for outside in ("../shared", "shared/FORMAT", "shared/LOCAL_LLM", "FORMAT.md"):
            assert outside not in text, f"{path.relative_to(ROOT)} cites {outside}"


def test_the_readme_the_help_and_the_script_link_the_documents():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "](docs/format.md)" in readme and "](docs/local-llm.md)" in readme
    assert "docs/local-llm.md" in (ROOT / "scripts" / "local-llm").read_text(encoding="utf-8")
    from extractor.cli import build_parser

    assert "docs/format.md" in build_parser().format_help()


def test_every_field_of_the_exported_schema_has_a_description():
    for name, model in EXPORTS.items():
        schema = model.model_json_schema()
        assert json.loads((ROOT / "schemas" / name).read_text(encoding="utf-8")) == schema
        models = {"root": schema, **schema.get("$defs", {})}
        for model_name, definition in models.items():
            for field, spec in definition.get("properties", {}).items():
                assert spec.get("description"), f"{name}: {model_name}.{field}"
    described = json.dumps(ReportRecord.model_json_schema(), ensure_ascii=False)
    assert "docs/format.md" in described


def test_the_format_document_names_every_rule_and_field():
    text = FORMAT.read_text(encoding="utf-8")
    for rule in set(RULE_NAMES) - {"unreadable"}:
        assert f"`{rule}`" in text, rule
    for field in (*ReportRecord.model_fields, *Extraction.model_fields):
        assert f"`{field}`" in text, field
    for key in ("applications.granted.natural", "review.<outcome>", "active.fees.amount"):
        assert key.split(".")[0] in text
    assert "raw.decode" in text or 'decode(record["extraction"]["encoding"])' in text


def test_the_readme_gives_exactly_two_set_up_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in setup.splitlines() if line.startswith("    ")]
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/extract examples/ "
        "-o records.jsonl --summary summary.md",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest",
    ]


def test_the_outputs_the_readme_suggests_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for name in ("/records.jsonl", "/summary.md", "/review/"):
        assert name in ignored, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "-o records.jsonl --summary summary.md" in readme and "--html review/" in readme
    tests = readme[readme.index("Run the tests") :][:600]
    assert "scripts/install-browser" in tests


def test_the_first_command_shows_each_kind_of_finding(capsys):
    """`extract examples/`: a contradiction, failing rules and a glued run, each from an
    example made from a real one by one change that its name and the README state."""
    assert main([str(ROOT / "examples"), "-q", "--backend", "rules"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_name = {Path(r["source"]).name: r for r in records}
    made = sorted((ROOT / "examples" / "findings").glob("*.txt"))
    assert len(made) == 3
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in made:
        assert "_changed_" in path.name and f"`{path.name}`" in readme
        [base] = (ROOT / "examples").glob(f"{path.name[:3]}_*.txt")
        before = base.read_text(encoding="utf-8").splitlines()
        after = path.read_text(encoding="utf-8").splitlines()
        assert len(before) == len(after)
        assert sum(a != b for a, b in zip(before, after, strict=True)) == 1, path.name

    def failed(r):
        return {f["rule"] for f in r["findings"] if f["status"] == "failed"}

    prose = by_name["002_changed_prose_granted_9_to_10.txt"]
    assert "narrative_mismatch" in failed(prose)
    assert [c["quote"] for c in prose["contradictions"] if c["verdict"] == "contradiction"] == [
        "予以公开10件"
    ]
    table = by_name["004_changed_table_granted_natural_5_to_7.txt"]
    assert failed(table) == {"outcome_sum", "column_sum"}
    glued = by_name["001_changed_table_normative_docs_glued_3741.txt"]
    keys = [f"active.normative_docs.{c}" for c in ("issued", "repealed", "in_force")]
    # 3741 has several cuts that fit every rule; the prose states 3 issued and 41 in force,
    # which leaves one: the cells are read from the table and the prose together.
    assert glued["ambiguous"] == {}
    assert [glued["cells"][k] for k in keys] == [3, 7, 41]
    assert set(glued["settled_by_prose"]) == set(keys)
    used = [c["quote"] for c in glued["contradictions"] if c["used_to_read"]]
    assert used == ["发布行政规范性文件 3 件", "现行有效41个行政规范性文件"]
    assert not failed(glued)
    # The real reports alone still show only their one genuine finding.
    real = [r for r in records if "findings" not in Path(r["source"]).parts]
    assert sorted(rule for r in real for rule in failed(r)) == ["format_outdated"]
    assert re.search(r"五份|five real reports", readme)


def test_the_readme_figures_are_those_of_the_saved_evaluation():
    """README.md's figures table is what `python -m eval.readme` writes from eval/figures.json
    and eval/thresholds.json (tests/test_eval.py checks eval/figures.json against a fresh
    evaluation)."""
    from eval.readme import FIGURES, README, THRESHOLDS, load, rewrite, table

    readme = README.read_text(encoding="utf-8")
    figures, thresholds = load(FIGURES), load(THRESHOLDS)
    assert rewrite(readme, figures, thresholds) == readme, "run python -m eval.readme"
    written = table(figures, thresholds)
    # every floor and target is in the table, with its figure
    for kind, sign in (("floors", "≥"), ("targets", "≥")):
        for name, limits in thresholds[kind].items():
            for key, value in limits.items():
                bound = f"≤ {value}" if key.endswith("_max") else f"{sign} {value}"
                metric = key.removesuffix("_max")
                assert any(
                    f"| {metric} | " in line and f"| {bound} |" in line
                    for line in written.splitlines()
                ), (kind, name, key)
    stale = dict(figures, real=dict(figures["real"], cell_accuracy=0.5))
    assert rewrite(readme, stale, thresholds) != readme


# --- the contract matches the output --------------------------------------------------------


def _constants_passed(call_name: str, keyword: str | None = None) -> set[str]:
    """The string constants the package passes to `call_name(...)`: as its first argument,
    or as `keyword=`."""
    import ast

    found: set[str] = set()
    for path in (ROOT / "extractor").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != call_name:
                continue
            args = [kw.value for kw in node.keywords if kw.arg == keyword] if keyword else []
            if not keyword and node.args:
                args = [node.args[0]]
            found |= {
                a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return found


def _kinds_of_subclasses(base: str) -> set[str]:
    """The kinds that subclasses of `base` pass to `super().__init__(kind, ...)`."""
    import ast

    found: set[str] = set()
    for path in (ROOT / "extractor").rglob("*.py"):
        for cls in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(cls, ast.ClassDef):
                continue
            if base not in {getattr(b, "id", getattr(b, "attr", None)) for b in cls.bases}:
                continue
            for node in ast.walk(cls):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "attr", None) == "__init__"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return found


def test_every_error_kind_the_code_writes_is_in_the_schema_the_docs_and_the_summary():
    from extractor.review.summary import INPUT_ERRORS
    from schemas.report import ERROR_KINDS

    raised = _constants_passed("UnreadableInput") | _constants_passed("InputError", "kind")
    raised |= _kinds_of_subclasses("UnreadableInput")
    assert {"unsupported_format", "not_a_report", "corrupt", "too_large", "internal"} <= raised
    assert "timeout" in raised  # extractor.budget.OverBudget
    error_schema = json.loads((ROOT / "schemas" / "error.schema.json").read_text("utf-8"))
    enum = error_schema["$defs"]["InputError"]["properties"]["kind"]["enum"]
    doc = FORMAT.read_text(encoding="utf-8")
    for kind in raised:
        assert kind in ERROR_KINDS and kind in enum, kind
        assert f"| `{kind}` |" in doc, kind
        assert kind in INPUT_ERRORS, kind
    # and nothing documented that the code never writes
    assert set(ERROR_KINDS) == set(enum) == set(INPUT_ERRORS) == raised


def test_every_rule_the_code_reports_is_documented_and_named_in_chinese():
    from extractor.tables.rules import _REVIEW_RULES, ARITHMETIC_RULES

    rules = _constants_passed("Finding", "rule") | ARITHMETIC_RULES | set(_REVIEW_RULES.values())
    assert {"balance", "pre2019_layout", "reading_doubt", "narrative_sum"} <= rules
    doc = FORMAT.read_text(encoding="utf-8")
    for rule in rules:
        assert f"`{rule}`" in doc, rule
        assert rule in RULE_NAMES, rule


def test_every_evidence_field_is_in_the_docs():
    from schemas import Span

    doc = FORMAT.read_text(encoding="utf-8")
    contract = doc[doc.index("## Output contract") :]
    evidence = contract[contract.index("- `evidence`") : contract.index("- `findings`")]
    for field in Span.model_fields:
        assert f"`{field}`" in evidence, field


def test_every_input_type_is_named_in_the_readme_and_the_help():
    from extractor.cli import build_parser
    from extractor.ingest.files import SUFFIXES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    usage = readme[readme.index("`PATH` is a report file") :][:200]
    helptext = build_parser().format_help()
    for suffix in SUFFIXES:
        assert f"`{suffix}`" in usage, suffix
        assert suffix in helptext, suffix
    assert "`pdf`" in FORMAT.read_text(encoding="utf-8")
