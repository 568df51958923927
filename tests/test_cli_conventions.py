"""What a user of well-behaved command-line tools expects: errors in one line with a known
exit status, pipes, `-` for stdin and stdout, formats from the file name, file modes, quick
help, `-V`, `python -m`, `extract-eval`."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import MODE_NAMES, build_parser, main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ONE = EXAMPLES / "003_3bfaa367c900be67.txt"
ENV = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}


def extract(*args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "extractor", *args],
        capture_output=True,
        env=ENV,
        cwd=ROOT,
        **kw,
    )


class ClosedPipe(io.TextIOBase):
    """A stdout whose reader went away."""

    def write(self, s: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        raise io.UnsupportedOperation


def test_a_closed_pipe_ends_quietly(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    code = main([str(EXAMPLES), "-q"])
    assert code == 141
    assert capsys.readouterr().err == ""


def test_extract_piped_into_head_prints_no_traceback():
    run = subprocess.Popen(
        [sys.executable, "-m", "extractor", str(EXAMPLES), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
        cwd=ROOT,
    )
    assert run.stdout is not None and run.stderr is not None
    first = run.stdout.readline()
    run.stdout.close()  # what `head -1` does after one line
    err = run.stderr.read().decode()
    assert run.wait() == 141
    assert json.loads(first)["source"].endswith(".txt")
    assert err == ""


@pytest.mark.parametrize(
    "option,value,shown",
    [
        ("-o", "{missing}/x.jsonl", "cannot write -o {missing}/x.jsonl: No such file or directory"),
        (
            "--summary",
            "{missing}/s.md",
            "cannot write --summary {missing}/s.md: No such file or directory",
        ),
        ("--html", "{file}", "cannot write pages to --html {file}: "),
    ],
)
def test_an_output_that_cannot_be_created_is_one_line_and_status_2(
    tmp_path, capsys, option, value, shown
):
    a_file = tmp_path / "a-file"
    a_file.write_text("x", encoding="utf-8")
    names = {"missing": tmp_path / "missing", "file": a_file}
    code = main([str(ONE), "--backend", "rules", option, value.format(**names)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("extract: error: " + shown.format(**names))
    assert err.count("\n") == 1 and "Traceback" not in err


def test_the_output_file_name_chooses_the_format(tmp_path, capsys):
    for name in ("r.csv", "r.json", "r.jsonl"):
        assert main([str(ONE), "-o", str(tmp_path / name), "-q"]) == 0
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").startswith("kind,source,")
    [record] = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert record["source"] == str(ONE)
    assert json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))["source"] == str(ONE)
    # --format has the last word.
    assert main([str(ONE), "-o", str(tmp_path / "x.csv"), "--format", "jsonl", "-q"]) == 0
    assert json.loads((tmp_path / "x.csv").read_text(encoding="utf-8"))["source"] == str(ONE)


def test_dash_is_stdout_for_output_and_stdin_for_a_path(capsys):
    assert main([str(ONE), "-o", "-", "-q"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    result = extract("-", "-q", input=ONE.read_bytes())
    assert result.returncode == 0, result.stderr
    from_stdin = json.loads(result.stdout)
    assert from_stdin["source"] == "<stdin>"
    assert from_stdin["cells"] == from_file["cells"]
    assert from_stdin["findings"] == from_file["findings"]


@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o077, 0o600)])
def test_files_are_created_with_0666_less_the_umask(tmp_path, umask, mode):
    out, summary, review = tmp_path / "o.jsonl", tmp_path / "s.md", tmp_path / "review"
    old = os.umask(umask)
    try:
        code = main(
            [str(ONE), "-o", str(out), "--summary", str(summary), "--html", str(review), "-q"]
        )
    finally:
        os.umask(old)
    assert code == 0
    for path in (out, summary, review / "index.html", review / "findings.csv"):
        assert path.stat().st_mode & 0o777 == mode, path


@pytest.mark.parametrize("jobs", ["0", "-2", "two"])
def test_jobs_must_be_a_positive_whole_number(capsys, jobs):
    with pytest.raises(SystemExit) as exit_:
        main([str(ONE), "--jobs", jobs])
    assert exit_.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_jobs_is_not_a_model_option_in_the_help():
    text = build_parser().format_help()
    general, model = text.split("\nmodel:\n")
    assert "--jobs" in general and "--jobs" not in model.split("\n  --summary")[0]


def test_dash_capital_v_prints_the_version():
    result = extract("-V")
    assert result.returncode == 0
    assert result.stdout.decode().startswith("extract 0.")


def test_help_version_and_the_rules_path_do_not_import_the_model_edge():
    probe = (
        "import sys\n"
        "from extractor.cli import main\n"
        "for argv in (['--help'], ['--version']):\n"
        "    try: main(argv)\n"
        "    except SystemExit: pass\n"
        f"main([{str(EXAMPLES)!r}, '-q', '-o', '-'])\n"
        "heavy = [m for m in ('openai', 'instructor', 'langchain_text_splitters') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=ENV, cwd=ROOT
    )
    assert "HEAVY []" in result.stderr, result.stderr


def test_the_mode_names_are_the_model_edges_modes():
    from extractor.model.llm import MODES

    assert sorted(MODES) == list(MODE_NAMES)


def test_a_folder_called_eval_is_read_and_the_evaluation_is_a_command_of_its_own(
    tmp_path, monkeypatch, capsys
):
    from extractor.cli import evaluation

    with pytest.raises(SystemExit) as exit_:
        evaluation(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--backends" in out and "--record" in out
    # `extract eval` reads the folder eval of the current directory, like any folder.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "eval").mkdir()
    shutil.copy(ROOT / "examples" / "000_36d00f834dab91d3.txt", tmp_path / "eval" / "a.txt")
    assert main(["eval", "-q"]) == 0
    [record] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert record["source"] == str(Path("eval") / "a.txt") and record["body"] == "抚远市"
    # Without such a folder, one line says where the evaluation is.
    (tmp_path / "eval" / "a.txt").unlink()
    (tmp_path / "eval").rmdir()
    assert main(["eval"]) == 2
    assert "extract-eval" in capsys.readouterr().err


def test_python_dash_m_schemas_help_prints_help_and_writes_nothing(tmp_path):
    schema_files = sorted((ROOT / "schemas").glob("*.schema.json"))
    before = {p: p.stat().st_mtime_ns for p in schema_files}
    result = subprocess.run(
        [sys.executable, "-m", "schemas", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0
    assert "usage:" in result.stdout and "--check" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in schema_files} == before
