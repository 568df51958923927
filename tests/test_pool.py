"""`--jobs N` in worker processes: the same bytes as one job, a killed worker costs one input,
and `--calls` bounds the model calls in flight across the workers."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from extractor.batch.pool import usable_cores
from extractor.cli import main
from tests.fake_model import completion
from tests.test_backends import AMBIGUOUS
from tests.test_batch import corpus

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "eval" / "fixtures" / "real"


def _real_and_examples(folder: Path) -> None:
    """The real corpus (provenance line cut, as the evaluation reads it) and the examples."""
    for path in sorted(REAL.glob("*.txt")):
        data = path.read_bytes()
        (folder / path.name).write_bytes(data.split(b"\n\n", 1)[1])
    shutil.copytree(ROOT / "examples", folder / "examples")


def test_two_jobs_write_the_same_bytes_as_one(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    corpus(inputs, 40)
    _real_and_examples(inputs)
    (inputs / "empty.txt").write_bytes(b"")  # an error record among them
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main([str(inputs), "-q", "-o", str(one), "--jobs", "1"]) == 1
    assert main([str(inputs), "-q", "-o", str(two), "--jobs", "2"]) == 1
    assert two.read_bytes() == one.read_bytes()
    lines = one.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 40 + 11 + 8 + 1
    assert sum('"kind":"empty"' in line for line in lines) == 1
    for fmt in ("csv", "json"):
        a, b = tmp_path / f"one.{fmt}", tmp_path / f"two.{fmt}"
        main([str(inputs), "-q", "-o", str(a), "--jobs", "1"])
        main([str(inputs), "-q", "-o", str(b), "--jobs", "2"])
        assert b.read_bytes() == a.read_bytes()


def test_the_summary_and_the_closing_count_are_those_of_one_job(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    corpus(tmp_path / "in", 12)
    summaries = []
    for jobs in ("1", "2"):
        out = tmp_path / f"s{jobs}.md"
        main(
            [
                str(tmp_path / "in"),
                "-o",
                str(tmp_path / f"r{jobs}.jsonl"),
                "--jobs",
                jobs,
                "--summary",
                str(out),
            ]
        )
        summaries.append((out.read_text(encoding="utf-8"), capsys.readouterr().err))
    assert summaries[0][0] == summaries[1][0]
    assert "12 report(s) read, 0 unreadable" in summaries[1][1]
    assert summaries[0][1].replace("r1.jsonl", "r2.jsonl") == summaries[1][1]


def _children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def _holding(pids: list[int], path: Path) -> int | None:
    """The process among `pids` that has `path` open."""
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == str(path):
                    return pid
            except OSError:
                continue
    return None


def test_a_worker_killed_mid_batch_costs_its_one_input_and_the_rerun_reads_it(tmp_path):
    # The middle input is a named pipe: the worker that opens it waits there, so the test
    # knows which worker holds which input when it sends SIGKILL.
    first, last = tmp_path / "a", tmp_path / "c"
    first.mkdir()
    last.mkdir()
    corpus(first, 30)
    corpus(last, 30)
    for p in last.iterdir():
        p.rename(last / f"z{p.name}")
    held = tmp_path / "b.txt"
    os.mkfifo(held)
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    args = [str(first), str(held), str(last), "-o", str(out)]
    cmd = [sys.executable, "-m", "extractor.cli", *args, "--jobs", "2"]
    run = subprocess.Popen([*cmd, "-q"], env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    # Opening the pipe's other end lets the worker's open return; it then waits to read.
    writer, deadline = None, time.time() + 60
    while writer is None and time.time() < deadline:
        try:
            writer = os.open(held, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            time.sleep(0.05)
    assert writer is not None
    victim = None
    while victim is None and time.time() < deadline:
        victim = _holding(_children(run.pid), held)
    assert victim is not None and victim != run.pid
    os.kill(victim, signal.SIGKILL)
    os.close(writer)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 1  # one input not read
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 61
    errors = [r for r in records if "error" in r]
    assert [r["source"] for r in errors] == [str(held)]
    assert errors[0]["error"]["kind"] == "internal"
    assert "died (signal SIGKILL)" in errors[0]["error"]["message"]
    assert err == f"extract: {held}: {errors[0]['error']['message']}\n"
    # In its place a report; the rerun reads it and keeps the other sixty.
    held.unlink()
    shutil.copy(next(first.iterdir()), held)
    rerun = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert "61 report(s) read (60 kept from " in rerun.stderr and ", 0 unreadable" in rerun.stderr
    whole = tmp_path / "whole.jsonl"
    subprocess.run(
        [sys.executable, "-m", "extractor.cli", *args[:3], "-o", str(whole), "-q", "--jobs", "1"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == sorted(
        whole.read_text(encoding="utf-8").splitlines()
    )


def test_calls_bound_the_model_calls_in_flight_across_workers(tmp_path, monkeypatch):
    from tests.fake_server import FakeServer

    for i in range(6):
        (tmp_path / f"r{i}.txt").write_text(AMBIGUOUS.replace("示例", f"示例{i}"), encoding="utf-8")
    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def slow(body):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
        return completion(body["tools"][0]["function"]["name"], {"rows": []}).content

    most = {}
    for calls in (1, 2):
        state["most"] = 0
        with FakeServer(slow) as server:
            monkeypatch.setenv("OPENAI_BASE_URL", server.url)
            monkeypatch.setenv("OPENAI_MODEL", "fake")
            code = main(
                [
                    str(tmp_path),
                    "-q",
                    "--backend",
                    "hybrid",
                    "--no-cache",
                    "--jobs",
                    "2",
                    "--calls",
                    str(calls),
                    "-o",
                    str(tmp_path / f"out{calls}.jsonl"),
                ]
            )
        assert code == 0
        assert len(server.requests) >= 6
        most[calls] = state["most"]
    assert most == {1: 1, 2: 2}


def test_the_default_jobs_are_the_usable_cores_and_the_help_says_so(capsys):
    assert usable_cores() == len(os.sched_getaffinity(0))
    with contextlib.suppress(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "default: the usable cores; 1 when reading standard input" in text
    assert "model calls in flight at most, across all worker processes" in text
