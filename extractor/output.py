"""Records to JSONL, JSON or CSV (one row per report × cell)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import TextIO

from schemas import ErrorRecord, ReportRecord

Record = ReportRecord | ErrorRecord
FORMATS = ("jsonl", "json", "csv")
CSV_COLUMNS = (
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
)


def to_json(record: Record) -> str:
    return record.model_dump_json(exclude_none=False)


def _csv_rows(record: Record) -> Iterable[dict[str, object]]:
    if isinstance(record, ErrorRecord):
        yield {
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


class Writer:
    """Writes records as they come, so that a crash loses nothing already written."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        self.out, self.fmt, self.count = out, fmt, 0
        if fmt == "csv":
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

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()
