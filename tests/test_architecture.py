"""The import contracts in pyproject.toml (`lint-imports`) hold, and an import that breaks
one is caught: the stages are layers, the model is reached through its stage object, and
one module is the edge to the model's libraries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the packages and pyproject.toml under `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_package_keeps_every_import_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def with_import(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the packages and their contracts, with `line` added to `module`'s imports."""
    for name in ("extractor", "schemas"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    path = tmp_path / module
    head = "from __future__ import annotations\n"
    text = path.read_text(encoding="utf-8")
    assert head in text
    path.write_text(text.replace(head, head + line + "\n", 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "module, line, broken, why",
    [
        # The tables' rules reaching up to the pipeline that runs them.
        (
            "extractor/tables/rules.py",
            "from extractor.extract import extract_document",
            "Stages are layers",
            "extractor.tables.rules -> extractor.extract",
        ),
        # The reader's text helpers reaching up to the prose pass.
        (
            "extractor/ingest/sections.py",
            "from extractor.prose.claims import find_claims",
            "Stages are layers",
            "extractor.ingest.sections -> extractor.prose.claims",
        ),
        # The review pages calling the model directly rather than through the pipeline.
        (
            "extractor/review/summary.py",
            "from extractor.model.grounding import Grounded",
            "The model is set up by the CLI",
            "extractor.review.summary -> extractor.model.grounding",
        ),
        # A second module talking to the model's client library.
        (
            "extractor/model/assisted.py",
            "import openai",
            "One edge to the model's libraries",
            "extractor.model.assisted -> openai",
        ),
    ],
    ids=["tables-to-run", "ingest-to-prose", "review-to-model", "second-edge"],
)
def test_an_import_against_a_contract_is_caught(tmp_path, module, line, broken, why):
    result = lint(with_import(tmp_path, module, line))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Contracts: 3 kept, 1 broken." in result.stdout, result.stdout
    report = result.stdout.split("Broken contracts", 1)[1]
    assert report.lstrip("-\n").startswith(broken), report
    assert why in report, report
