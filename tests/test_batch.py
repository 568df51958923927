"""Batches that survive: a killed and resumed run, concurrency, the answer cache, progress."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from eval.synth import LAYOUTS, random_cells, render_report
from extractor.batch import finished_sources
from extractor.cli import main
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
from extractor.model.backends import ModelSettings
from extractor.model.cache import ResponseCache
from tests.fake_model import completion
from tests.test_backends import AMBIGUOUS, Responder, granted, responder

ROOT = Path(__file__).resolve().parent.parent


def corpus(folder: Path, n: int) -> None:
    rng = random.Random(1)
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        text = render_report(random_cells(rng, "2021", True), layout=layout, body=f"示例{i}县")
        (folder / f"{i:04d}{'.html' if layout == 'html' else '.txt'}").write_text(
            text, encoding="utf-8"
        )


def extract_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor.cli", *args]


def test_a_killed_and_resumed_batch_of_1000_equals_an_uninterrupted_one(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    corpus(inputs, 1000)
    whole, resumed = tmp_path / "whole.jsonl", tmp_path / "resumed.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    subprocess.run(extract_cmd(str(inputs), "-o", str(whole), "-q"), check=True, env=env, cwd=ROOT)
    run = subprocess.Popen(extract_cmd(str(inputs), "-o", str(resumed), "-q"), env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline and (not resumed.exists() or resumed.stat().st_size < 200_000):
        time.sleep(0.05)
    run.send_signal(signal.SIGKILL)
    run.wait()
    done_before = len(finished_sources(resumed))
    assert 0 < done_before < 1000
    result = subprocess.run(
        extract_cmd(str(inputs), "-o", str(resumed)),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    # The closing summary counts every input of this run, those kept from the killed one too.
    assert f"1000 report(s) read ({done_before} kept from {resumed}), 0 unreadable" in (
        result.stderr
    )
    assert resumed.read_bytes() == whole.read_bytes()


def test_a_torn_last_line_is_cut_before_resuming(tmp_path):
    out = tmp_path / "out.jsonl"
    records = [
        extract_document(
            parse_document(
                render_report(random_cells(random.Random(i), "2021", True)).encode(), f"{name}.txt"
            )
        )
        for i, name in enumerate("abc")
    ]
    lines = [r.model_dump_json() for r in records]
    out.write_text(lines[0] + "\n" + lines[1] + "\n" + lines[2][:300], encoding="utf-8")
    assert finished_sources(out) == {"a.txt", "b.txt"}
    assert out.read_text(encoding="utf-8").endswith(lines[1] + "\n")


def test_jobs_keep_the_input_order(tmp_path, capsys):
    corpus(tmp_path, 12)
    assert main([str(tmp_path), "-q"]) == 0
    one = capsys.readouterr().out
    assert main([str(tmp_path), "-q", "--jobs", "4"]) == 0
    assert capsys.readouterr().out == one


def test_no_progress_bar_when_stderr_is_not_a_terminal_and_quiet_silences_the_summary(
    tmp_path, capsys
):
    corpus(tmp_path, 3)
    main([str(tmp_path)])
    err = capsys.readouterr().err
    assert "\r" not in err and "3 report(s) read" in err
    main([str(tmp_path), "-q"])
    assert capsys.readouterr().err == ""


def test_a_rerun_is_served_from_the_cache_and_costs_no_tokens(tmp_path):
    answer = responder({"予以公开": granted([1, 10, 0, 0, 0, 0, 11])})
    cache = ResponseCache(tmp_path / "answers.sqlite3")
    doc = parse_document(AMBIGUOUS.encode("utf-8"), "mem.txt")
    first = Responder(answer)
    a = extract_document(doc, "hybrid", ModelSettings(first.llm(cache=cache)))
    second = Responder(answer)
    b = extract_document(doc, "hybrid", ModelSettings(second.llm(cache=cache)))
    assert a.cells == b.cells and b.cells["applications.granted.natural"] == 1
    assert len(first.requests) >= 1 and second.requests == []
    assert (b.extraction.calls, b.extraction.tokens.prompt, b.extraction.cached) == (
        0,
        0,
        a.extraction.calls,
    )


def test_the_closing_summary_prices_the_tokens(tmp_path, monkeypatch, capsys):
    from tests.fake_server import FakeServer

    (tmp_path / "r.txt").write_text(AMBIGUOUS, encoding="utf-8")
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"fake": {"prompt": 1.0, "completion": 2.0}}), encoding="utf-8")

    def good(body):
        return completion(
            body["tools"][0]["function"]["name"],
            {"rows": []},
            prompt_tokens=1000,
            completion_tokens=500,
        ).content

    with FakeServer(good) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_MODEL", "fake")
        code = main(
            [str(tmp_path / "r.txt"), "--backend", "hybrid", "--no-cache", "--prices", str(prices)]
        )
    err = capsys.readouterr().err
    calls = len(server.requests)
    assert code == 0
    assert (
        f"{calls} model call(s), 0 from cache, {1000 * calls} prompt + {500 * calls} completion tokens"
        in err
    )
    assert f"cost ${(1000 * calls * 1.0 + 500 * calls * 2.0) / 1e6:.4f}" in err
