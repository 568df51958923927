"""The Ray path on a local Ray with two CPUs: the records `extract` writes, the tables as
Parquet, a rerun that skips what stands, and a model on loopback read by an actor pool."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from extractor.cli import main as extract
from tests.fake_model import completion
from tests.fake_server import FakeServer

ray = pytest.importorskip("ray")  # installed by the dev extra, so CI runs this module

from extractor.ray import main as on_ray  # noqa: E402
from extractor.ray import start  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "eval" / "fixtures" / "real"


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    start(2, quiet=True)
    yield
    ray.shutdown()


@pytest.fixture
def reports(tmp_path):
    """The real corpus (provenance line cut, as the evaluation reads it) and the examples."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(REAL.glob("*.txt")):
        (folder / path.name).write_bytes(path.read_bytes().split(b"\n\n", 1)[1])
    shutil.copytree(ROOT / "examples", folder / "examples")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_records_on_ray_are_those_of_extract_and_the_tables_come_as_parquet(
    reports, tmp_path, capsys
):
    import pyarrow.parquet as pq

    cli, on = tmp_path / "cli.jsonl", tmp_path / "ray.jsonl"
    assert extract([str(reports), "-q", "-o", str(cli), "--jobs", "1"]) == 1
    assert on_ray([str(reports), "-q", "-o", str(on), "--parquet", str(tmp_path / "pq")]) == 1
    assert on.read_bytes() == cli.read_bytes()
    records = [json.loads(line) for line in cli.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 11 + 8 + 1
    read = [r for r in records if "error" not in r]
    tables = {t: pq.read_table(tmp_path / "pq" / f"{t}.parquet") for t in ("reports", "cells")}
    assert tables["reports"].num_rows == len(records)
    assert tables["cells"].num_rows == sum(len(r["cells"]) for r in read)
    by_source = dict(
        zip(
            tables["reports"].column("source").to_pylist(),
            tables["reports"].column("status").to_pylist(),
            strict=True,
        )
    )
    assert by_source[str(reports / "empty.txt")] == "error"
    findings = pq.read_table(tmp_path / "pq" / "findings.parquet")
    assert findings.num_rows == sum(len(r["findings"]) for r in read)
    # A rerun reads nothing again but the input that failed, and keeps the file as it was.
    capsys.readouterr()
    assert on_ray([str(reports), "-o", str(on)]) == 1
    assert (
        f"report(s) read ({len(records) - 1} kept from " in capsys.readouterr().err
    )
    assert sorted(on.read_text(encoding="utf-8").splitlines()) == sorted(
        cli.read_text(encoding="utf-8").splitlines()
    )


def _answer(body):
    tool = body["tools"][0]["function"]["name"]
    if tool == "NumberAnswers":  # every undecided number: not a table quantity
        from schemas.llm import NOT_A_TABLE_QUANTITY

        asked = re.findall(r"^\d+\. ", body["messages"][-1]["content"], flags=re.MULTILINE)
        empty = {"answers": [NOT_A_TABLE_QUANTITY] * len(asked)}
    else:
        empty = {"rows": []} if "Table" in tool else {"figures": []}
    return completion(tool, empty, prompt_tokens=300, completion_tokens=7).content


def test_hybrid_on_ray_asks_the_model_on_loopback_and_writes_what_extract_writes(
    reports, tmp_path, monkeypatch
):
    inputs = [str(reports)]
    with FakeServer(_answer) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_MODEL", "fake")
        common = ["-q", "--backend", "hybrid", "--no-cache"]
        cli, on = tmp_path / "cli.jsonl", tmp_path / "ray.jsonl"
        assert extract([*inputs, *common, "-o", str(cli), "--jobs", "1"]) == 1  # empty.txt
        asked_by_cli = len(server.requests)
        assert on_ray([*inputs, *common, "-o", str(on), "--calls", "2"]) == 1
        asked_on_ray = len(server.requests) - asked_by_cli
    assert asked_by_cli > 0 and asked_on_ray == asked_by_cli
    assert on.read_bytes() == cli.read_bytes()
    records = [json.loads(line) for line in on.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 11 + 8 + 1
    read = [r for r in records if "error" not in r]
    assert sum(r["extraction"]["calls"] for r in read) == asked_by_cli
    assert {r["extraction"]["backend"] for r in read} == {"hybrid"}


def test_inputs_named_by_uri_are_read_through_pyarrow_and_skipped_on_a_rerun(tmp_path, capsys):
    folder = tmp_path / "remote"
    shutil.copytree(ROOT / "examples", folder)
    cli, on = tmp_path / "cli.jsonl", tmp_path / "ray.jsonl"
    assert extract([str(folder), "-q", "-o", str(cli), "--jobs", "1"]) == 0
    assert on_ray([f"file://{folder}", "-q", "-o", str(on)]) == 0

    def without_stamp(path):
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        stamps = [r["extraction"].pop("input") for r in records]
        return records, stamps

    (by_cli, _), (by_ray, stamps) = without_stamp(cli), without_stamp(on)
    assert len(by_ray) == 8 and by_ray == by_cli  # sources are the paths, in the same order
    first = folder / "000_36d00f834dab91d3.txt"
    assert stamps[0]["size"] == first.stat().st_size and stamps[0]["mtime_ns"] == 0
    capsys.readouterr()
    assert on_ray([f"file://{folder}", "-o", str(on)]) == 0
    assert "8 report(s) read (8 kept from " in capsys.readouterr().err
    assert len(on.read_text(encoding="utf-8").splitlines()) == 8
    # An input that could not be read is read again, and its new record replaces the old.
    (folder / "broken.txt").write_bytes(b"")
    assert on_ray([f"file://{folder}", "-q", "-o", str(on)]) == 1
    (folder / "broken.txt").write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    assert on_ray([f"file://{folder}", "-q", "-o", str(on)]) == 0
    records = [json.loads(line) for line in on.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 9 and not any("error" in r for r in records)
    assert [r["body"] for r in records if r["source"].endswith("broken.txt")] == ["抚远市"]


def test_the_ray_command_has_help_naming_its_own_options(capsys):
    with pytest.raises(SystemExit):
        on_ray(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("usage: python -m extractor.ray")
    assert "--parquet DIR" in text and "RAY_ADDRESS" in text
