"""`--db FILE.sqlite`: every record of the batch as rows, kept up to date on resume, and the
README's SQL questions answered."""

from __future__ import annotations

import json
import random
import re
import sqlite3
from pathlib import Path

from eval.synth import random_cells, render_report
from extractor.cli import main
from tests.test_batch import corpus

ROOT = Path(__file__).resolve().parent.parent


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _check_against_jsonl(db: Path, records: list[dict]) -> None:
    con = sqlite3.connect(db)
    reports = {
        row[0]: row[1:]
        for row in con.execute("SELECT source, body, year, format, status, error_kind FROM reports")
    }
    assert len(reports) == len(records)
    for r in records:
        if "error" in r:
            assert reports[r["source"]] == (None, None, None, "error", r["error"]["kind"])
            continue
        assert reports[r["source"]] == (r["body"], r["year"], r["format"], "read", None)
        cells = dict(con.execute("SELECT key, value FROM cells WHERE source = ?", (r["source"],)))
        assert cells == r["cells"]
        statuses = dict(
            con.execute("SELECT key, status FROM cells WHERE source = ?", (r["source"],))
        )
        for key in r["ambiguous"]:
            assert statuses[key] == "ambiguous"
        spans = {
            key: (start, end)
            for key, start, end in con.execute(
                'SELECT key, start, "end" FROM cells WHERE source = ? AND start IS NOT NULL',
                (r["source"],),
            )
        }
        assert spans == {k: (e["start"], e["end"]) for k, e in r["evidence"].items()}
        findings = con.execute(
            "SELECT rule, status, message FROM findings WHERE source = ? ORDER BY n",
            (r["source"],),
        ).fetchall()
        assert findings == [(f["rule"], f["status"], f["message"]) for f in r["findings"]]
        contradictions = con.execute(
            "SELECT quote, verdict FROM contradictions WHERE source = ? ORDER BY n",
            (r["source"],),
        ).fetchall()
        assert contradictions == [(c["quote"], c["verdict"]) for c in r["contradictions"]]
        claims = con.execute(
            "SELECT quote, value, topic FROM claims WHERE source = ? ORDER BY n", (r["source"],)
        ).fetchall()
        assert claims == [(c["quote"], c["value"], c["topic"]) for c in r["claims"]]
    con.close()


def test_the_tables_hold_every_record_of_the_jsonl(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    corpus(inputs, 20)
    (inputs / "empty.txt").write_bytes(b"")
    out, db = tmp_path / "out.jsonl", tmp_path / "r.sqlite"
    assert main([str(inputs), str(ROOT / "examples"), "-q", "-o", str(out), "--db", str(db)]) == 1
    records = _jsonl(out)
    assert len(records) == 20 + 1 + 8
    _check_against_jsonl(db, records)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA foreign_key_list(cells)").fetchone()[2] == "reports"
    indexes = {row[1] for row in con.execute("PRAGMA index_list(findings)")}
    assert "findings_rule_status" in indexes


def test_the_tables_survive_a_resumed_run_and_a_changed_input(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    corpus(inputs, 6)
    out, db = tmp_path / "out.jsonl", tmp_path / "r.sqlite"
    first = sorted(inputs.iterdir())[:4]
    assert main([*map(str, first), "-q", "-o", str(out), "--db", str(db)]) == 0
    # Another report in place of one already read, and two not read yet.
    changed = first[0]
    changed.write_text(
        render_report(random_cells(random.Random(99), "2021", True), body="改写县"),
        encoding="utf-8",
    )
    assert main([str(inputs), "-q", "-o", str(out), "--db", str(db)]) == 0
    records = _jsonl(out)
    assert len(records) == 6
    assert [r["body"] for r in records if r["source"] == str(changed)] == ["改写县"]
    _check_against_jsonl(db, records)
    # A run without resuming writes the file afresh.
    assert main([str(first[1]), "-q", "--db", str(db)]) == 0
    assert sqlite3.connect(db).execute("SELECT source FROM reports").fetchall() == [
        (str(first[1]),)
    ]


def _report(folder: Path, body: str, year: int, balance: bool, contradiction: bool, seed: int):
    cells = random_cells(random.Random(seed), "2021", True)
    if balance:  # 结转下年度 one more than the table's balance allows, in a column and the total
        cells["applications.carried_out.natural"] += 1
        cells["applications.carried_out.total"] += 1
    prose = ""
    if contradiction:
        far = sum(cells[f"applications.{row}.total"] for row in ("new", "carried_in", "total"))
        prose = f"本年度共收到政府信息公开申请{far + 1000}件。"
    text = render_report(cells, body=body, year=year, prose=prose)
    (folder / f"{body}-{year}.txt").write_text(text, encoding="utf-8")
    return cells["applications.new.total"]


def test_the_readme_sql_questions_answer_what_the_reports_say(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    # (body, year, balance broken, prose contradicts)
    plan = [
        ("东山县人民政府", 2022, True, False),
        ("东山县人民政府", 2023, True, False),
        ("东山县人民政府", 2024, False, False),
        ("西河县人民政府", 2022, False, False),
        ("西河县人民政府", 2023, True, False),
        ("南岭县人民政府", 2023, False, True),
    ]
    received = {
        (body, year): _report(inputs, body, year, bal, con, seed)
        for seed, (body, year, bal, con) in enumerate(plan)
    }
    db = tmp_path / "r.sqlite"
    assert main([str(inputs), "-q", "--db", str(db), "-o", str(tmp_path / "o.jsonl")]) == 0
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Results in a database") :]
    questions = re.findall(r"```sql\n(.*?)```", part, re.S)[:3]
    assert len(questions) == 3
    con = sqlite3.connect(db)
    two_years, share, by_year = (con.execute(q).fetchall() for q in questions)
    assert two_years == [("东山县人民政府", 2)]
    assert share == [(2022, 2, 0.0), (2023, 3, round(1 / 3, 3)), (2024, 1, 0.0)]
    assert by_year == sorted((b, y, n) for (b, y), n in received.items())
