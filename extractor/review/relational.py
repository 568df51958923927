"""Records as rows of five tables: `reports`, `cells`, `findings`, `contradictions`, `claims`.

One definition serves both the SQLite file of `--db` and the Parquet tables of the Ray path,
so that a query written for one answers the same on the other. Columns and keys are
documented in docs/format.md ("Tables").
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from schemas import ErrorRecord, ReportRecord

Record = ReportRecord | ErrorRecord

# table -> (columns with their SQLite types, primary key, indexed columns)
TABLES: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "reports": (
        {
            "source": "TEXT NOT NULL",
            "body": "TEXT",
            "year": "INTEGER",
            "format": "TEXT",
            "status": "TEXT NOT NULL",  # read, or error
            "error_kind": "TEXT",
            "error_message": "TEXT",
            "backend": "TEXT",
            "cells": "INTEGER NOT NULL",
            "ambiguous": "INTEGER NOT NULL",
            "unreadable": "INTEGER NOT NULL",
            "failed_findings": "INTEGER NOT NULL",
            "contradictions": "INTEGER NOT NULL",
            "claims": "INTEGER NOT NULL",
            "model_calls": "INTEGER NOT NULL",
            "model_errors": "INTEGER NOT NULL",
            "sha256": "TEXT",
        },
        ("source",),
        (("body", "year"), ("year",), ("status",)),
    ),
    "cells": (
        {
            "source": "TEXT NOT NULL",
            "key": "TEXT NOT NULL",
            "value": "NUMERIC",
            "unit": "TEXT",
            "status": "TEXT NOT NULL",  # read, blank, ambiguous, unreadable
            "reason": "TEXT",
            "candidates": "TEXT",  # JSON array, for an ambiguous cell
            "read_by": "TEXT",
            "start": "INTEGER",
            "end": "INTEGER",
            "snippet": "TEXT",
        },
        ("source", "key"),
        (("key",), ("status",)),
    ),
    "findings": (
        {
            "source": "TEXT NOT NULL",
            "n": "INTEGER NOT NULL",
            "rule": "TEXT NOT NULL",
            "severity": "TEXT NOT NULL",
            "status": "TEXT NOT NULL",
            "cells": "TEXT NOT NULL",  # JSON array of canonical keys
            "left": "NUMERIC",
            "right": "NUMERIC",
            "message": "TEXT NOT NULL",
            "start": "INTEGER",
            "end": "INTEGER",
            "snippet": "TEXT",
        },
        ("source", "n"),
        (("rule", "status"),),
    ),
    "contradictions": (
        {
            "source": "TEXT NOT NULL",
            "n": "INTEGER NOT NULL",
            "claim": "TEXT NOT NULL",
            "cells": "TEXT NOT NULL",  # JSON array
            "stated": "NUMERIC",
            "table_value": "NUMERIC",
            "verdict": "TEXT NOT NULL",
            "doubt": "TEXT",
            "quote": "TEXT NOT NULL",
            "start": "INTEGER NOT NULL",
            "end": "INTEGER NOT NULL",
        },
        ("source", "n"),
        (("verdict",), ("claim",)),
    ),
    "claims": (
        {
            "source": "TEXT NOT NULL",
            "n": "INTEGER NOT NULL",
            "topic": "TEXT",
            "subject": "TEXT NOT NULL",
            "value": "NUMERIC NOT NULL",
            "quote": "TEXT NOT NULL",
            "read_by": "TEXT NOT NULL",
            "start": "INTEGER NOT NULL",
            "end": "INTEGER NOT NULL",
        },
        ("source", "n"),
        (("topic",),),
    ),
}


def _cell_status(record: ReportRecord, key: str) -> str:
    if key in record.ambiguous:
        return "ambiguous"
    if key in record.unreadable:
        return "unreadable"
    return "read" if record.cells[key] is not None else "blank"


def rows(record: Record) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for one record (an error record: one `reports` row)."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    source = record.source
    if isinstance(record, ErrorRecord):
        out["reports"].append(
            {
                **dict.fromkeys(TABLES["reports"][0]),
                **dict.fromkeys(
                    (
                        "cells",
                        "ambiguous",
                        "unreadable",
                        "failed_findings",
                        "contradictions",
                        "claims",
                        "model_calls",
                        "model_errors",
                    ),
                    0,
                ),
                "source": source,
                "status": "error",
                "error_kind": record.error.kind,
                "error_message": record.error.message,
            }
        )
        return out
    x = record.extraction
    out["reports"].append(
        {
            "source": source,
            "body": record.body,
            "year": record.year,
            "format": record.format,
            "status": "read",
            "error_kind": None,
            "error_message": None,
            "backend": x.backend,
            "cells": len(record.cells),
            "ambiguous": len(record.ambiguous),
            "unreadable": len(record.unreadable),
            "failed_findings": sum(f.status == "failed" for f in record.findings),
            "contradictions": sum(c.verdict == "contradiction" for c in record.contradictions),
            "claims": len(record.claims),
            "model_calls": x.calls,
            "model_errors": len(x.errors),
            "sha256": x.input.sha256 if x.input is not None else None,
        }
    )
    for key, value in record.cells.items():
        status = _cell_status(record, key)
        ev = record.evidence.get(key)
        reason = None
        if status == "ambiguous":
            reason = record.ambiguous[key].reason
        elif status == "unreadable":
            reason = record.unreadable[key].reason
        out["cells"].append(
            {
                "source": source,
                "key": key,
                "value": value,
                "unit": record.units.get(key),
                "status": status,
                "reason": reason,
                "candidates": json.dumps(record.ambiguous[key].candidates)
                if status == "ambiguous"
                else None,
                "read_by": record.read_by.get(key),
                "start": ev.start if ev else None,
                "end": ev.end if ev else None,
                "snippet": ev.snippet if ev else None,
            }
        )
    for n, f in enumerate(record.findings):
        first = f.evidence[0] if f.evidence else None
        out["findings"].append(
            {
                "source": source,
                "n": n,
                "rule": f.rule,
                "severity": f.severity,
                "status": f.status,
                "cells": json.dumps(f.cells),
                "left": f.left,
                "right": f.right,
                "message": f.message,
                "start": first.start if first else None,
                "end": first.end if first else None,
                "snippet": first.snippet if first else None,
            }
        )
    for n, c in enumerate(record.contradictions):
        out["contradictions"].append(
            {
                "source": source,
                "n": n,
                "claim": c.claim,
                "cells": json.dumps(c.cells),
                "stated": c.stated,
                "table_value": c.table,
                "verdict": c.verdict,
                "doubt": c.doubt,
                "quote": c.quote,
                "start": c.start,
                "end": c.end,
            }
        )
    for n, cl in enumerate(record.claims):
        out["claims"].append(
            {
                "source": source,
                "n": n,
                "topic": cl.topic,
                "subject": cl.subject,
                "value": cl.value,
                "quote": cl.quote,
                "read_by": cl.read_by,
                "start": cl.start,
                "end": cl.end,
            }
        )
    return out


def all_rows(records: Iterable[Record]) -> dict[str, list[dict[str, Any]]]:
    """The rows of every table for many records."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for record in records:
        for name, part in rows(record).items():
            out[name].extend(part)
    return out
