"""One input path to one output record: read, validate, never raise for a bad input."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.budget import budget
from extractor.errors import ConfigError, UnreadableInput
from extractor.ingest.files import Document, discover, read_document
from extractor.ingest.sections import find_sections
from extractor.prose.audit import audit_prose
from extractor.tables.layout import finish_pdf_record
from extractor.tables.reader import read_report
from extractor.tables.rules import validate
from schemas import ErrorRecord, InputError, ReportRecord

if TYPE_CHECKING:
    from extractor.model.backends import ModelSettings

Record = ReportRecord | ErrorRecord


def extract_document(
    doc: Document, backend: str = "rules", model: ModelSettings | None = None
) -> ReportRecord:
    """The record of one decoded document, read by `backend` ("rules", "llm", "hybrid").

    The deterministic reading has a budget of CPU time (`extractor.budget`); past it,
    `OverBudget` (an `UnreadableInput` of kind `timeout`) is raised."""
    if backend != "rules":
        if model is None:
            raise ConfigError(f"backend {backend} needs a model")
        # The model edge (openai, instructor, langchain) is imported only when a model is used.
        from extractor.model.backends import extract_with_model

        record = extract_with_model(doc, backend, model)
    else:
        with budget():
            sections = find_sections(doc.text.text)
            record = read_report(doc, sections)
            for key in record.cells:
                if key not in record.unreadable and key not in record.ambiguous:
                    record.read_by.setdefault(key, "rules")
            record.findings = [*record.findings, *validate(record)]  # the reader's notes first
            audit_prose(record, doc, sections)
    if doc.layout is not None:
        finish_pdf_record(record, doc)
    return record


def extract_path(path: Path, backend: str = "rules", model: ModelSettings | None = None) -> Record:
    """The record of one input file, or an error record saying why it could not be read."""
    return extract_file(path, backend, model)[0]


def extract_file(
    path: Path, backend: str = "rules", model: ModelSettings | None = None
) -> tuple[Record, str | None]:
    """The record of one input file and its decoded text (None when it could not be read),
    for outputs that show the original."""
    source = str(path)
    try:
        doc = read_document(path, source)
        return extract_document(doc, backend, model), doc.text.original
    except UnreadableInput as e:
        return ErrorRecord(source=source, error=InputError(kind=e.kind, message=e.message)), None
    except ConfigError:
        raise  # the set-up is wrong for every input: stop the batch
    except RecursionError as e:
        return ErrorRecord(source=source, error=InputError(kind="internal", message=repr(e))), None
    except Exception as e:  # a bug on one input must not lose the batch
        error = InputError(kind="internal", message=f"{e.__class__.__name__}: {e}")
        return ErrorRecord(source=source, error=error), None


def extract_paths(
    paths: Iterable[str], backend: str = "rules", model: ModelSettings | None = None
) -> Iterator[Record]:
    for path in discover(paths):
        yield extract_path(path, backend, model)
