"""One input path to one output record: read, validate, never raise for a bad input."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from extractor.errors import UnreadableInput
from extractor.ingest import Document, discover, read_document
from extractor.reader import read_report
from extractor.rules import validate
from schemas import ErrorRecord, InputError, ReportRecord

Record = ReportRecord | ErrorRecord


def extract_document(doc: Document) -> ReportRecord:
    """The record of one decoded document: cells by the deterministic reader, findings."""
    record = read_report(doc)
    record.findings = validate(record)
    return record


def extract_path(path: Path) -> Record:
    """The record of one input file, or an error record saying why it could not be read."""
    source = str(path)
    try:
        return extract_document(read_document(path, source))
    except UnreadableInput as e:
        return ErrorRecord(source=source, error=InputError(kind=e.kind, message=e.message))
    except RecursionError as e:
        return ErrorRecord(source=source, error=InputError(kind="internal", message=repr(e)))
    except Exception as e:  # a bug on one input must not lose the batch
        return ErrorRecord(
            source=source,
            error=InputError(kind="internal", message=f"{e.__class__.__name__}: {e}"),
        )


def extract_paths(paths: Iterable[str]) -> Iterator[Record]:
    for path in discover(paths):
        yield extract_path(path)
