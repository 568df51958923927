"""The prose settles a glued table run when nothing else can.

A run of digits printed without separators (63412 for three cells) may have several cuts
that fit every rule; the reader then leaves the row's cells ambiguous with their
candidates. When the prose states a figure that can only mean one of those cells
(现行有效行政规范性文件412件: the in-force column alone), and it equals that cell's value in
exactly one remaining cut, that cut is taken. The cells are then read from the table and
the prose together: `settled_by_prose` names the prose figure used, and that figure is
reported as used to read the table (`used_to_read`), not as independent agreement. A
figure that fits no cut settles nothing: the row stays ambiguous.
"""

from __future__ import annotations

from extractor.ingest.files import Document
from extractor.ingest.sections import Section
from extractor.prose.align import readings
from extractor.prose.audit import prose_regions
from extractor.prose.claims import PART, find_claims
from schemas import ReportRecord, Span


def _equal(cell: float | int | None, stated: float | int) -> bool:
    return cell is not None and abs(cell - stated) < 1e-6


def settle_runs(record: ReportRecord, doc: Document, sections: dict[str, Section]) -> list[str]:
    """Settle the reader's open rows by the prose where one figure decides the cut; return
    the keys settled."""
    open_rows = record._open_rows
    if not open_rows or record.format == "pre2019":
        return []
    text = doc.text.text
    found = [
        f
        for _, start, end in prose_regions(record, sections, len(text))
        for f in find_claims(text, start, end)
        if not f.topic.endswith(PART) and "@" not in f.topic
    ]
    settled: list[str] = []
    for row, (keys, options) in list(open_rows.items()):
        live = options
        used: dict[str, Span] = {}
        for f in found:
            only = readings(f.topic, record)
            # A topic with one single-cell reading names that cell and nothing else.
            if len(only) != 1 or len(only[0]) != 1 or only[0][0] not in keys:
                continue
            key = only[0][0]
            if key not in record.ambiguous:
                continue
            i = keys.index(key)
            kept = [o for o in live if _equal(o[i], f.value)]
            if not kept:
                continue  # the prose fits no cut: a contradiction to report, not a reading
            live = kept
            s, e, quote = doc.text.snippet(f.start, f.end)
            used[key] = Span(start=s, end=e, snippet=quote)
        if len(live) != 1 or not used:
            continue
        was = [k for k in keys if k in record.ambiguous]
        span = next(iter(used.values()))
        for key, value in zip(keys, live[0], strict=True):
            record.cells[key] = value
            record.ambiguous.pop(key, None)
            record.read_by[key] = "rules"
        for key in was:
            record.settled_by_prose[key] = used.get(key, span)
        del open_rows[row]
        settled.extend(was)
    return settled
