"""The library entry points: the README's example runs, and `audit_file` / `audit_text`
return the record the `extract` command writes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import audit_file, audit_text
from extractor.errors import UnreadableInput

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CHANGED = "examples/findings/004_changed_table_granted_natural_5_to_7.txt"
# The hand-labelled example the changed report was made from.
GOLD = json.loads(
    (ROOT / "eval" / "fixtures" / "seeds" / "004_60513614211ed1ea.json").read_text("utf-8")
)


def readme_example() -> str:
    """The Python block of the README's "As a library" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## As a library\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, blocks
    return blocks[0]


def test_the_readme_library_example_runs_and_prints_what_the_readme_says():
    code = readme_example()
    assert len(code.strip().splitlines()) <= 6
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{GOLD['body']} {GOLD['year']} {GOLD['format']}"
    # The cell 予以公开/自然人 changed from 5 to 7 breaks the row's sum and the column's.
    assert [line.split(" ", 1)[0] for line in lines[1:]] == ["outcome_sum", "column_sum"]
    assert "予以公开/自然人(7)" in lines[1] and "予以公开/自然人(7)" in lines[2]


def extract_cli(*args: str, stdin: bytes | None = None, status: int = 0) -> dict:
    """The one record `extract` writes for `args`, after checking its exit status."""
    result = subprocess.run(
        [sys.executable, "-m", "extractor", "--quiet", "--backend", "rules", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == status, result.stderr.decode("utf-8", "replace")
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def test_audit_file_returns_the_record_the_cli_writes():
    record = audit_file(CHANGED)
    assert json.loads(record.model_dump_json()) == extract_cli(CHANGED)
    assert record.extraction.input is not None
    assert record.extraction.input.path == str((ROOT / CHANGED).resolve())


def test_audit_text_returns_the_record_the_cli_writes_for_standard_input():
    data = (ROOT / GOLD["source"]).read_bytes()
    record = audit_text(data.decode("utf-8"), "<stdin>")
    assert json.loads(record.model_dump_json()) == extract_cli("-", stdin=data)
    assert (record.body, record.year, record.format) == (GOLD["body"], GOLD["year"], "2021")
    assert record.cells == GOLD["cells"]


def test_an_unreadable_file_raises_what_the_cli_writes_as_an_error_record(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableInput) as raised:
        audit_file(empty)
    assert raised.value.kind == "empty"
    error = extract_cli(str(empty), status=1)["error"]
    assert (error["kind"], error["message"]) == (raised.value.kind, raised.value.message)
