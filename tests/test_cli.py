"""The `extract` command: outputs, exit status, and a batch that survives bad inputs."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.cli import build_parser, main
from schemas import ReportRecord

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_help_describes_every_option():
    text = build_parser().format_help()
    for option in ("--output", "--format", "--backend", "--quiet", "PATH"):
        assert option in text
    assert "Exit status" in text


def test_jsonl_on_the_examples_follows_the_contract(capsys):
    code, out, err = run([str(EXAMPLES)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 8
    records = [ReportRecord.model_validate_json(line) for line in lines]
    expected = sorted(p.relative_to(EXAMPLES) for p in EXAMPLES.rglob("*.txt"))
    assert [Path(r.source).relative_to(EXAMPLES) for r in records] == expected
    for r in records:
        assert r.extraction.backend == "rules"
        # Evidence for every cell read, and for the ambiguous ones (where the run was).
        read = {k for k, v in r.cells.items() if v is not None}
        assert set(r.evidence) == read | set(r.ambiguous)
    assert "8 report(s) read, 0 unreadable" in err
    assert (
        "failed checks: column_sum 1, format_outdated 2, narrative_mismatch 1, outcome_sum 1" in err
    )
    # The glued run of the changed example is cut as its prose states (3 and 41).
    assert "ambiguous cell(s)" not in err
    assert "; 3 glued cell(s) cut as the prose states (see `settled_by_prose`)" in err


def test_json_and_csv_formats(tmp_path, capsys):
    source = str(EXAMPLES / "003_3bfaa367c900be67.txt")
    code, out, _ = run([source, "--format", "json", "-q"], capsys)
    assert code == 0
    [record] = json.loads(out)
    assert record["cells"]["active.procurement.amount"] == 13619
    target = tmp_path / "cells.csv"
    code, out, _ = run([source, "--format", "csv", "-o", str(target), "-q"], capsys)
    assert code == 0 and out == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    rows = [r for r in rows if r["kind"] == "cell"]
    assert len(rows) == len(record["cells"])
    amount = next(r for r in rows if r["key"] == "active.procurement.amount")
    assert (amount["value"], amount["unit"], amount["status"], amount["snippet"]) == (
        "13619",
        "万元",
        "read",
        "13619万元",
    )


def test_bad_inputs_get_error_records_and_the_batch_goes_on(tmp_path, capsys):
    shutil.copy(EXAMPLES / "001_f216bc686eab11d1.txt", tmp_path / "a_good.txt")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.html").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "d_prose.md").write_text(
        "# 春游\n今天天气很好，我们去公园散步。\n", encoding="utf-8"
    )
    good_gbk = (EXAMPLES / "004_60513614211ed1ea.txt").read_text(encoding="utf-8")
    (tmp_path / "e_gbk.txt").write_bytes(good_gbk.encode("gb18030"))
    code, out, err = run([str(tmp_path), str(tmp_path / "missing.txt")], capsys)
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    kinds = {Path(r["source"]).name: r.get("error", {}).get("kind") for r in records}
    assert kinds == {
        "a_good.txt": None,
        "b_empty.txt": "empty",
        "c_binary.html": "binary",
        "d_prose.md": "not_a_report",
        "e_gbk.txt": None,
        "missing.txt": "missing",
    }
    assert (
        len(
            [line for line in err.splitlines() if line.startswith("extract: ") and ": " in line[9:]]
        )
        >= 4
    )
    assert "2 report(s) read, 4 unreadable" in err


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as e:
        main(["--format", "xml", "x"])
    assert e.value.code == 2


def test_the_installed_console_script_runs():
    exe = Path(sys.executable).with_name("extract")
    if not exe.exists():
        pytest.skip("console script not installed in this environment")
    result = subprocess.run(
        [str(exe), str(EXAMPLES / "000_36d00f834dab91d3.txt"), "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["body"] == "抚远市"


@pytest.fixture
def no_model(monkeypatch):
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)


def test_auto_without_a_model_says_it_runs_the_rules(no_model, capsys):
    code, out, err = run([str(EXAMPLES / "002_00e19431bcd07e12.txt")], capsys)
    assert code == 0
    assert "no model configured" in err and "backend rules" in err
    assert json.loads(out)["extraction"]["backend"] == "rules"


@pytest.mark.parametrize("backend", ["llm", "hybrid"])
def test_a_model_backend_without_a_model_is_a_usage_error(no_model, capsys, backend):
    code, out, err = run([str(EXAMPLES), "--backend", backend], capsys)
    assert code == 2 and out == ""
    # Everything missing is named at once, not one at a time.
    assert err.count("\n") == 1 and err.startswith("extract: error: ")
    assert f"--backend {backend} needs an endpoint (--base-url or OPENAI_BASE_URL" in err
    assert "and a model name (--model or OPENAI_MODEL)" in err


def test_a_key_without_a_model_name_is_a_usage_error(no_model, monkeypatch, capsys):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-used-anywhere-000")
    code, _, err = run([str(EXAMPLES), "--backend", "hybrid"], capsys)
    assert code == 2 and "needs a model name (--model or OPENAI_MODEL)" in err
    assert "endpoint" not in err
    assert "sk-test" not in err


def test_csv_opens_in_excel_and_carries_the_findings(tmp_path, capsys):
    """UTF-8 with a BOM (Excel on Chinese Windows reads GBK otherwise), and the findings in
    the same table, told apart by `kind`."""
    source = str(EXAMPLES / "002_00e19431bcd07e12.txt")
    code, out, _ = run([source, "--format", "csv", "-q"], capsys)
    assert code == 0
    assert out.startswith("\ufeffkind,source,")
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    findings = [r for r in rows if r["kind"] == "finding"]
    [outdated] = [r for r in findings if r["rule"] == "format_outdated"]
    assert (outdated["severity"], outdated["status"]) == ("warning", "failed")
    assert outdated["body"] == "工农区人民政府" and outdated["reason"]
    review = tmp_path / "review"
    assert run([source, "--html", str(review), "-q"], capsys)[0] == 0
    data = (review / "findings.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfsource,")
    assert ",format_outdated,warning,failed," in data.decode("utf-8-sig")


NOTICE = """关于召开2025年度资料归档工作推进会的通知

各科室、各下属单位：

经研究，定于2025年3月12日在二楼会议室召开资料归档工作推进会。请各单位安排2名同志参加，会期1天。

示例镇综合服务中心
2025年3月5日
"""

TOOL_README = """# archive-helper

Reads annual reports (政府信息公开工作年度报告) and prints their tables.

## Usage

    archive-helper 2024/ --jobs 4

| option | default |
|---|---|
| --jobs | 1 |
| --limit | 300 |

It reads 予以公开 and 部分公开 rows, 行政复议 counts, and 2023年 or 2024年 reports alike;
a run over 120 files takes 3 s. 收到申请 15件 in the example is only an example.
"""


def test_a_folder_of_a_report_and_other_files_yields_one_report(tmp_path, capsys, report_2021):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "report.txt").write_text(report_2021, encoding="utf-8")
    (folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (folder / "README.md").write_text(TOOL_README, encoding="utf-8")
    # An earlier run wrote its review pages and summary into the folder that is read now.
    code, _, _ = run(
        [
            str(folder / "report.txt"),
            "--html",
            str(folder / "review"),
            "--summary",
            str(folder / "summary.md"),
            "-q",
            "-o",
            str(tmp_path / "first.jsonl"),
        ],
        capsys,
    )
    assert code == 0
    pages = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    assert len(pages) == 2 and "review/index.html" in pages
    code, out, _ = run([str(folder), "-q"], capsys)
    records = [json.loads(line) for line in out.splitlines()]
    kinds = {
        Path(r["source"]).relative_to(folder).as_posix(): r.get("error", {}).get("kind")
        for r in records
    }
    assert kinds == {
        "report.txt": None,
        "notice.txt": "not_a_report",
        "README.md": "not_a_report",
        "summary.md": "not_a_report",
        **{page: "not_a_report" for page in pages},
    }
    assert code == 1
    [report] = [r for r in records if "error" not in r]
    assert report["body"] == "示例县人民政府"
    assert not [f for f in report["findings"] if f["severity"] == "error"]
    own = [r for r in records if r["source"].endswith((".html", "summary.md"))]
    assert len(own) == 3
    assert all("written by report-audit" in r["error"]["message"] for r in own)


def test_a_dangling_symbolic_link_in_a_folder_is_counted_and_named(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "000_36d00f834dab91d3.txt", folder / "a.txt")
    (folder / "moved.txt").symlink_to(tmp_path / "gone" / "moved.txt")
    (folder / "old.pdf").symlink_to(tmp_path / "nowhere.pdf")
    code, out, err = run([str(folder)], capsys)
    assert code == 0
    assert [json.loads(line)["body"] for line in out.splitlines()] == ["抚远市"]
    line = next(x for x in err.splitlines() if "point nowhere" in x)
    assert line.startswith("extract: skipped: 2 symbolic link(s) that point nowhere (")
    assert "moved.txt" in line and "old.pdf" in line
    # Named explicitly, it is an input that is missing.
    code, out, _ = run([str(folder / "moved.txt"), "-q"], capsys)
    assert code == 1 and json.loads(out)["error"]["kind"] == "missing"
