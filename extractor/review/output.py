"""Records to JSONL, JSON or CSV.

The CSV is for people who open it in a spreadsheet: UTF-8 with a byte-order mark, so that
Excel on a Chinese Windows does not take it for GBK, and one table for everything: a row per
report and cell (`kind` cell), then a row per finding (`kind` finding), or one row for an
input that could not be read (`kind` error).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from schemas import ErrorRecord, ReportRecord

Record = ReportRecord | ErrorRecord
FORMATS = ("jsonl", "json", "csv")
BOM = "\ufeff"
CSV_COLUMNS = (
    "kind",
    "source",
    "body",
    "year",
    "format",
    "key",
    "value",
    "unit",
    "status",
    "reason",
    "start",
    "end",
    "snippet",
    "rule",
    "severity",
    "left",
    "right",
)


def to_json(record: Record) -> str:
    return record.model_dump_json(exclude_none=False)


def _csv_rows(record: Record) -> Iterable[dict[str, object]]:
    if isinstance(record, ErrorRecord):
        yield {
            "kind": "error",
            "source": record.source,
            "status": "error",
            "reason": f"{record.error.kind}: {record.error.message}",
        }
        return
    base = {
        "source": record.source,
        "body": record.body,
        "year": record.year,
        "format": record.format,
    }
    for key, value in record.cells.items():
        row: dict[str, object] = {
            "kind": "cell",
            **base,
            "key": key,
            "value": value,
            "unit": record.units.get(key, ""),
        }
        if key in record.ambiguous:
            amb = record.ambiguous[key]
            row["status"] = "ambiguous"
            row["reason"] = f"{amb.reason}; candidates {amb.candidates}"
        elif key in record.unreadable:
            row["status"] = "unreadable"
            row["reason"] = record.unreadable[key].reason
        else:
            row["status"] = "read" if value is not None else "blank"
        if key in record.evidence:
            ev = record.evidence[key]
            row.update(start=ev.start, end=ev.end, snippet=ev.snippet)
        yield row
    for f in record.findings:
        first = f.evidence[0] if f.evidence else None
        yield {
            "kind": "finding",
            **base,
            "key": " ".join(f.cells),
            "status": f.status,
            "reason": f.message,
            "rule": f.rule,
            "severity": f.severity,
            "left": f.left,
            "right": f.right,
            **({"start": first.start, "end": first.end, "snippet": first.snippet} if first else {}),
        }


class Writer:
    """Writes records as they come, so that a crash loses nothing already written."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out, self.fmt, self.count = out, fmt, 0
        if fmt == "csv":
            out.write(BOM)
            self.csv = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore")
            self.csv.writeheader()
        elif fmt == "json":
            out.write("[")

    def write(self, record: Record) -> None:
        if self.fmt == "jsonl":
            self.out.write(to_json(record) + "\n")
        elif self.fmt == "json":
            self.out.write(
                ("," if self.count else "")
                + "\n"
                + json.dumps(json.loads(to_json(record)), ensure_ascii=False, indent=2)
            )
        else:
            self.csv.writerows(_csv_rows(record))
        self.count += 1
        self.out.flush()

    def write_line(self, line: str) -> None:
        """Write a record already serialised by `to_json` (JSONL only)."""
        assert self.fmt == "jsonl"
        self.out.write(line + "\n")
        self.count += 1
        self.out.flush()

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
