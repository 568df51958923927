"""Output targets that are not ours are never eaten: a file that is not an earlier output is
refused, a device or pipe is written and never read back, `/dev/stdout` is `-`, and the
closing count speaks of this run's inputs only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import extractor.batch
from extractor.batch import OutputRefused, resumable
from extractor.cli import main

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "examples" / "002_00e19431bcd07e12.txt"


@pytest.fixture
def report(tmp_path) -> Path:
    path = tmp_path / "a.txt"
    shutil.copy(REPORT, path)
    return path


def test_an_existing_file_that_is_not_an_earlier_output_is_refused_untouched(
    tmp_path, report, capsys
):
    notes = tmp_path / "f.txt"
    notes.write_text("会议纪要\n第二行没有换行", encoding="utf-8")
    before = notes.read_bytes()
    assert main([str(report), "-o", str(notes), "--backend", "rules"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"extract: error: {notes} exists and is not an earlier output")
    assert "--no-resume" in err
    assert notes.read_bytes() == before


def test_with_no_resume_the_same_file_is_overwritten_with_records(tmp_path, report):
    notes = tmp_path / "f.txt"
    notes.write_text("会议纪要\n", encoding="utf-8")
    assert main([str(report), "-o", str(notes), "--no-resume", "-q"]) == 0
    [line] = notes.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["source"] == str(report)


def test_an_earlier_output_with_a_torn_last_line_is_resumed(tmp_path, report):
    out = tmp_path / "o.jsonl"
    assert main([str(report), "-o", str(out), "-q"]) == 0
    whole = out.read_bytes()
    out.write_bytes(whole + b'{"source": "b.txt", "bo')  # killed mid-write
    assert resumable(out) is True
    assert main([str(report), "-o", str(out), "-q"]) == 0
    assert out.read_bytes() == whole


def test_a_line_longer_than_any_record_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(extractor.batch, "MAX_RECORD_LINE", 1000)
    big = tmp_path / "o.jsonl"
    big.write_bytes(b"0" * 5000)  # no line break at all, as a device of zeros gives
    with pytest.raises(OutputRefused, match="line 1 is longer than any record"):
        resumable(big)


def test_devices_are_written_and_never_read_back():
    assert resumable(Path("/dev/zero")) is False
    assert resumable(Path("/dev/null")) is False


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_writing_to_a_full_device_fails_at_once_with_exit_3(report, capsys):
    assert main([str(report), "-o", "/dev/full", "-q"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("extract: error: writing the output failed: No space left")


def test_dev_stdout_is_written_as_dash(report, capsys):
    assert main([str(report), "-o", "-", "-q"]) == 0
    dash = capsys.readouterr().out
    assert main([str(report), "-o", "/dev/stdout", "-q"]) == 0
    assert capsys.readouterr().out == dash
    assert json.loads(dash)["source"] == str(report)


def test_the_closing_count_names_the_kept_records_of_this_runs_inputs_only(
    tmp_path, report, capsys
):
    other = tmp_path / "b.txt"
    shutil.copy(REPORT, other)
    out = tmp_path / "o.jsonl"
    assert main([str(report), "-o", str(out)]) == 0
    capsys.readouterr()
    # b.txt is new; a.txt's record stays in the file but is not this run's.
    assert main([str(other), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "extract: 1 report(s) read, 0 unreadable" in err
    assert "kept from" not in err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    assert main([str(report), "-o", str(out)]) == 0
    assert f"extract: 1 report(s) read (1 kept from {out}), 0 unreadable" in (
        capsys.readouterr().err
    )
