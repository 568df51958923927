"""One report to one record: the pipeline of stages, and the library's entry points.

`audit_file` and `audit_text` (exported by `extractor`) return the record the CLI writes;
`extract_file` turns a bad input into an error record instead of raising, for batches."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from extractor.budget import budget
from extractor.errors import ConfigError, UnreadableInput
from extractor.ingest.files import Document, discover, parse_document, read_document
from extractor.ingest.sections import Section, find_sections
from extractor.prose.audit import ProseModel, audit_prose
from extractor.prose.settle import settle_runs
from extractor.tables.layout import finish_pdf_record
from extractor.tables.reader import read_report
from extractor.tables.rules import validate
from schemas import ErrorRecord, Finding, InputError, InputStamp, ReportRecord

if TYPE_CHECKING:
    from extractor.model.backends import ModelSettings

Record = ReportRecord | ErrorRecord


class ModelStage(ProseModel, Protocol):
    """The model as a stage of the pipeline (`extractor.model.backends.ReportModel`), one per
    report; absent for the rules backend."""

    replaces_reader: bool  # the model's tables are the only reading (`llm`)

    def tables(
        self,
        record: ReportRecord,
        doc: Document,
        sections: dict[str, Section],
        guessed: set[str],
    ) -> list[Finding]:
        """Fold the model's reading where the reader doubts into `record`; the disagreements."""
        ...

    def finish(self, record: ReportRecord, doc: Document) -> None:
        """Write what the model did into `record.extraction`."""
        ...


def extract_document(
    doc: Document, backend: str = "rules", model: ModelSettings | None = None
) -> ReportRecord:
    """The record of one decoded document, read by `backend` ("rules", "llm", "hybrid").

    The one pipeline, for every backend: ingest (the sections) → tables (the reader) → the
    model where the reader doubts → rules → prose (with the model's figures) → finish. The
    model is a stage that `rules` leaves out. The reading has a budget of CPU time
    (`extractor.budget`, checked by the reader); past it, `OverBudget` (an `UnreadableInput`
    of kind `timeout`) is raised."""
    stage: ModelStage | None = None
    if backend != "rules":
        if model is None:
            raise ConfigError(f"backend {backend} needs a model")
        stage = model.stage(backend)
    with budget():
        sections = find_sections(doc.text.text)
        # cells read by a guess about the layout: where the model stage may be asked
        guessed: set[str] = set()
        record = read_report(doc, sections, guessed if stage is not None else None)
    doubts = stage.tables(record, doc, sections, guessed) if stage is not None else []
    if stage is None or not stage.replaces_reader:
        # A glued run neither the reader nor the model could cut, cut as the prose states.
        settle_runs(record, doc, sections)
        for key in record.cells:
            if key not in record.unreadable and key not in record.ambiguous:
                record.read_by.setdefault(key, "rules")
    # The reader's notes first, then the rules, then where the model and the reader differ.
    record.findings = [*record.findings, *validate(record), *doubts]
    audit_prose(record, doc, sections, stage)
    if stage is not None:
        stage.finish(record, doc)
    if doc.layout is not None:
        finish_pdf_record(record, doc)
    return record


def identity(path: Path) -> str:
    """One name per file, however the user named it."""
    return str(path.resolve())


def stamp(path: Path) -> InputStamp | None:
    """Size, mtime and sha256 of an input file, to tell later whether it changed."""
    try:
        st = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return InputStamp(path=identity(path), size=st.st_size, mtime_ns=st.st_mtime_ns, sha256=digest)


def audit_file(
    path: str | PathLike[str], *, backend: str = "rules", model: ModelSettings | None = None
) -> ReportRecord:
    """The record `extract PATH` writes for one report file (.txt, .md, .html, .docx, .pdf).

    Raises `UnreadableInput` (with the `kind` and `message` of the CLI's error record) when
    the file cannot be read as a report, and `ConfigError` when `backend` needs a `model`."""
    path = Path(path)
    record = extract_document(read_document(path, str(path)), backend, model)
    record.extraction.input = stamp(path)
    return record


def audit_text(
    text: str,
    source: str = "<text>",
    *,
    backend: str = "rules",
    model: ModelSettings | None = None,
) -> ReportRecord:
    """The record of one report given as text (plain or HTML), named `source`; its offsets
    index `text`. Raises as `audit_file` does."""
    doc = parse_document(text.encode("utf-8"), source)
    return extract_document(doc, backend, model)


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
