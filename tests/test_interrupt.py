"""Ctrl-C: one line saying how many records were written and that a rerun resumes, exit
130, no traceback, on the rules path and with model calls in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.fake_model import SECRET
from tests.fake_server import FakeServer
from tests.test_backends import AMBIGUOUS
from tests.test_batch import ROOT, corpus, extract_cmd
from tests.test_faults import good


def _lines(path: Path) -> int:
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def _interrupt(run: subprocess.Popen, ready) -> tuple[str, int]:
    deadline = time.time() + 120
    while time.time() < deadline and not ready() and run.poll() is None:
        time.sleep(0.05)
    assert run.poll() is None, "the batch ended before it could be interrupted"
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=30)
    return err, run.returncode


def test_ctrl_c_on_the_rules_path_says_what_was_written_and_exits_130(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    corpus(inputs, 400)
    out = tmp_path / "out.jsonl"
    run = subprocess.Popen(
        extract_cmd(str(inputs), "-o", str(out), "-q"),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    err, code = _interrupt(run, lambda: _lines(out) >= 5)
    assert code == 130
    assert "Traceback" not in err
    written = _lines(out)
    assert 5 <= written < 400
    assert err == f"extract: interrupted: {written} records written to {out}; rerun to resume\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_with_model_calls_in_flight_does_not_wait_for_them(tmp_path, jobs):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(4):
        (inputs / f"r{i}.txt").write_text(AMBIGUOUS, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    # Each answer takes far longer than the test waits after Ctrl-C.
    with FakeServer(good, [("sleep", 90)] * 8) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.url,
            "OPENAI_API_KEY": SECRET,
            "OPENAI_MODEL": "fake",
        }
        run = subprocess.Popen(
            extract_cmd(
                str(inputs),
                "-o",
                str(out),
                "--backend",
                "hybrid",
                "--no-cache",
                "--timeout",
                "300",
                "--jobs",
                jobs,
            ),
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        err, code = _interrupt(run, lambda: len(server.requests) >= int(jobs))
    assert code == 130
    assert "Traceback" not in err
    assert err.splitlines() == [
        f"extract: interrupted: 0 records written to {out}; rerun to resume"
    ]
    assert _lines(out) == 0


def test_ctrl_c_while_inputs_are_being_found_is_one_line_too(tmp_path, monkeypatch, capsys):
    import extractor.cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(extractor.cli, "discover", interrupted)
    code = extractor.cli.main([str(tmp_path), "-o", str(tmp_path / "o.jsonl"), "-q"])
    assert code == 130
    assert capsys.readouterr().err == "extract: interrupted: 0 records written\n"
