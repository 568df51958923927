"""Fault injection against a misbehaving OpenAI-compatible server on loopback: every fault
ends in a retried success or in the reader's cells with the reason recorded; no report is
lost."""

from __future__ import annotations

import json
import socket

import pytest

from extractor.cli import main
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
from extractor.model.backends import ModelSettings
from extractor.model.llm import LLM, LLMConfig
from tests.fake_model import SECRET, completion
from tests.fake_server import FakeServer
from tests.test_backends import AMBIGUOUS

NATURAL = "applications.granted.natural"


def good(body: dict) -> bytes:
    tool = body["tools"][0]["function"]["name"]
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")  # re-asks append
    if tool == "TableReading":
        rows = []
        if "予以公开 | 110000011" in user:
            rows = [
                {
                    "row": "granted",
                    "quote": "(一)予以公开 | 110000011",
                    "values": [1, 10, 0, 0, 0, 0, 11],
                }
            ]
        return completion(tool, {"rows": rows}).content
    return completion(tool, {"figures": []}).content


def extract(server: FakeServer, **overrides):
    config = LLMConfig(
        model="fake",
        base_url=server.url,
        api_key=SECRET,
        timeout=1.0,
        attempts=3,
        reasks=1,
        max_wait=0.05,
        **overrides,
    )
    doc = parse_document(AMBIGUOUS.encode("utf-8"), "mem.txt")
    return extract_document(doc, "hybrid", ModelSettings(LLM(config)))


@pytest.mark.parametrize(
    "fault",
    [
        ("status", 429, {"retry-after": "0.01"}),
        ("status", 500),
        ("status", 503),
        ("sleep", 1.5),
        ("malformed",),
        ("violation",),
        ("reset",),
    ],
    ids=[
        "429-retry-after",
        "500",
        "503",
        "timeout",
        "malformed-json",
        "schema-violation",
        "connection-reset",
    ],
)
def test_a_passing_fault_ends_in_a_retried_success(fault):
    with FakeServer(good, [fault]) as server:
        record = extract(server)
    assert record.cells[NATURAL] == 1 and NATURAL not in record.ambiguous
    assert record.extraction.errors == []
    assert len(server.requests) >= 2


def test_a_truncated_answer_falls_back_to_the_reader_with_the_reason():
    with FakeServer(good, [("length",)]) as server:
        record = extract(server)
    assert record.cells[NATURAL] is None and NATURAL in record.ambiguous
    assert record.cells["applications.new.total"] == 11  # the reader's cells stand
    assert any("truncated" in e for e in record.extraction.errors)


def test_a_server_that_stays_down_falls_back_to_the_reader():
    with FakeServer(good, [("status", 503)] * 10) as server:
        record = extract(server)
    assert NATURAL in record.ambiguous
    assert record.extraction.errors and all("transport" in e for e in record.extraction.errors)
    # Every request sent is counted, although no answer ever came back.
    assert record.extraction.attempts == len(server.requests) > 0


def test_a_batch_survives_a_dead_endpoint_and_keeps_the_key_out_of_everything(
    tmp_path, monkeypatch, capsys
):
    for i in range(3):
        (tmp_path / f"r{i}.txt").write_text(AMBIGUOUS, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with FakeServer(good, [("status", 500)] * 50) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        monkeypatch.setenv("OPENAI_MODEL", "fake")
        code = main(
            [
                str(tmp_path),
                "-o",
                str(out),
                "--backend",
                "hybrid",
                "--cache",
                str(tmp_path / "c.db"),
                "--timeout",
                "1",
                "--jobs",
                "2",
                "--attempts",
                "2",
            ]
        )
    err = capsys.readouterr().err
    assert code == 1  # every record written, but not read as asked
    assert "3 with failed model calls" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["source"].rsplit("/", 1)[-1] for r in records] == ["r0.txt", "r1.txt", "r2.txt"]
    assert all(
        r["extraction"]["errors"] and r["cells"]["applications.new.total"] == 11 for r in records
    )
    assert all(
        {k.lower(): v for k, v in h.items()}["authorization"] == f"Bearer {SECRET}"
        for h in server.headers
    )
    for text in (
        out.read_text(encoding="utf-8"),
        err,
        (tmp_path / "c.db").read_bytes().decode("latin-1"),
    ):
        assert SECRET not in text


def test_the_llm_backend_against_a_failing_endpoint_blames_nothing_on_the_report():
    """A failed model call is no reading: the reader's cells stand, no finding is made
    against the report, and every request sent is counted."""
    from pathlib import Path

    source = Path(__file__).resolve().parent.parent / "examples" / "000_36d00f834dab91d3.txt"
    doc = parse_document(source.read_bytes(), str(source))
    with FakeServer(good, [("status", 503)] * 200) as server:
        config = LLMConfig(
            model="fake",
            base_url=server.url,
            api_key=SECRET,
            timeout=1.0,
            attempts=2,
            reasks=0,
            max_wait=0.01,
        )
        record = extract_document(doc, "llm", ModelSettings(LLM(config, notify=lambda line: None)))
    rules = extract_document(doc, "rules")
    assert record.cells == rules.cells
    assert sum(v is not None for v in record.cells.values()) == 200
    assert not [f for f in record.findings if f.rule in ("table_missing", "row_missing")]
    assert [f.rule for f in record.findings if f.status == "failed"] == [
        f.rule for f in rules.findings if f.status == "failed"
    ]
    x = record.extraction
    assert x.errors and all("transport" in e for e in x.errors)
    assert x.calls == len(x.errors) and x.attempts == 2 * x.calls
    assert set(record.read_by.values()) == {"rules"}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_refused_endpoint_stops_the_batch_at_once_naming_its_url(
    tmp_path, monkeypatch, capsys, jobs
):
    for i in range(3):
        (tmp_path / f"r{i}.txt").write_text(AMBIGUOUS, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with socket.socket() as probe:  # a port nothing listens on: bound, never listening
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
        monkeypatch.setenv("OPENAI_API_KEY", SECRET)
        code = main(
            [
                str(tmp_path),
                "-o",
                str(out),
                "--backend",
                "llm",
                "--base-url",
                url,
                "--model",
                "fake",
                "--no-cache",
                "--jobs",
                jobs,
            ]
        )
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [
        f"extract: error: the model endpoint {url} cannot be reached ([Errno 111] Connection "
        "refused): check --base-url / OPENAI_BASE_URL, or give --backend rules"
    ]
    assert out.read_text(encoding="utf-8") == ""
