"""A rerun over an existing output file: what it keeps, what it reads again, what the review
outputs describe."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

from extractor.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
OUTDATED = "002_00e19431bcd07e12.txt"  # the example whose only finding is format_outdated


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def examples(folder: Path) -> Path:
    folder.mkdir()
    for p in sorted(EXAMPLES.glob("*.txt")):
        shutil.copy(p, folder / p.name)
    return folder


def test_a_resumed_run_writes_summary_and_pages_for_every_record_in_the_file(tmp_path, capsys):
    inputs = examples(tmp_path / "in")
    out = tmp_path / "o.jsonl"
    assert main([str(inputs), "-o", str(out), "-q"]) == 0
    before = out.read_bytes()
    summary, review = tmp_path / "s.md", tmp_path / "review"
    code = main([str(inputs), "-o", str(out), "--html", str(review), "--summary", str(summary)])
    err = capsys.readouterr().err
    assert code == 0
    assert out.read_bytes() == before  # nothing read again, nothing appended
    assert "共 5 份报告" in summary.read_text(encoding="utf-8")
    assert summary.read_text(encoding="utf-8").count("\n## ") == 5
    pages = sorted((review / "reports").glob("*.html"))
    assert len(pages) == 5
    index = (review / "index.html").read_text(encoding="utf-8")
    for page in pages:
        assert f"reports/{page.name}" in index
    rows = list(csv.DictReader((review / "findings.csv").open(encoding="utf-8-sig")))
    assert [(Path(r["source"]).name, r["rule"]) for r in rows] == [(OUTDATED, "format_outdated")]
    # The closing summary counts the whole file, findings included.
    assert f"5 report(s) read (5 kept from {out}), 0 unreadable" in err
    assert "failed checks: format_outdated 1" in err


def test_an_input_that_failed_is_read_again_and_its_record_replaced(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(EXAMPLES / OUTDATED, inputs / "a.txt")
    (inputs / "b.txt").write_bytes(b"")  # empty: an error record
    out = tmp_path / "o.jsonl"
    assert main([str(inputs), "-o", str(out), "-q"]) == 1
    assert [("error" in r) for r in records(out)] == [False, True]
    shutil.copy(EXAMPLES / OUTDATED, inputs / "b.txt")
    assert main([str(inputs), "-o", str(out), "-q"]) == 0
    got = records(out)
    assert [Path(r["source"]).name for r in got] == ["a.txt", "b.txt"]
    assert not any("error" in r for r in got)


def test_a_record_whose_model_call_failed_is_read_again(tmp_path):
    source = tmp_path / "a.txt"
    shutil.copy(EXAMPLES / OUTDATED, source)
    out = tmp_path / "o.jsonl"
    assert main([str(source), "-o", str(out), "-q"]) == 0
    [record] = records(out)
    record["extraction"]["errors"] = ["三#1: transport: APIConnectionError: Connection error."]
    out.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main([str(source), "-o", str(out), "-q"]) == 0
    [again] = records(out)
    assert again["extraction"]["errors"] == []


def test_a_file_changed_since_its_record_is_read_again(tmp_path, capsys):
    source = tmp_path / "a.txt"
    text = (EXAMPLES / OUTDATED).read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main([str(source), "-o", str(out), "-q"]) == 0
    [first] = records(out)
    assert first["extraction"]["input"]["size"] == source.stat().st_size
    # Touched only: same bytes, new mtime. The content decides: kept.
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))
    assert main([str(source), "-o", str(out)]) == 0
    assert f"1 report(s) read (1 kept from {out})" in capsys.readouterr().err
    # Rewritten with another body name: read again, and the record replaced.
    source.write_text(text.replace("年度报告", "年度报告（修订）", 1), encoding="utf-8")
    assert main([str(source), "-o", str(out)]) == 0
    assert "kept from" not in capsys.readouterr().err
    [second] = records(out)
    assert second["extraction"]["input"]["sha256"] != first["extraction"]["input"]["sha256"]
    assert second["extraction"]["input"]["size"] == source.stat().st_size


def test_one_file_named_by_two_paths_is_one_input(tmp_path, monkeypatch):
    inputs = examples(tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o.jsonl"
    assert main(["examples/", "-o", str(out), "-q"]) == 0
    assert main([str(inputs.resolve()), "-o", str(out), "-q"]) == 0
    assert len(records(out)) == 5
    # Within one run as well.
    again = tmp_path / "again.jsonl"
    name = f"examples/{OUTDATED}"
    assert main([name, str(Path(name).resolve()), "-o", str(again), "-q"]) == 0
    assert len(records(again)) == 1
