"""Running many reports: bounded concurrency, output in input order, resume, totals.

Records are written one whole line at a time (`append_line`), so a killed batch leaves only
complete records. Rerunning with the same output file keeps every record that still stands
and reads again what did not: an input that got an error record or a failed model call, and
an input whose file changed since its record (size, mtime, then sha256). A file is one input
however it is named (`examples/a.txt`, `$PWD/examples/a.txt`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.extract import Record, extract_document, extract_file, identity, stamp
from extractor.ingest.files import parse_document
from schemas import ErrorRecord, InputError, InputStamp, ReportRecord

if TYPE_CHECKING:
    from extractor.model.backends import ModelSettings

# `-` as an input: one report read from standard input.
STDIN = Path("-")
STDIN_SOURCE = "<stdin>"


@dataclass
class Totals:
    reports: int = 0
    unreadable: int = 0
    model_failed: int = 0  # reports with a model call that failed for good
    resumed: int = 0  # records kept from an earlier run
    ambiguous: int = 0  # cells with more than one reading
    settled: int = 0  # cells of glued runs whose cut the prose decided
    rules: Counter[str] = field(default_factory=Counter)
    calls: int = 0
    cached: int = 0
    prompt: int = 0
    completion: int = 0

    def add(self, record: Record) -> None:
        if isinstance(record, ErrorRecord):
            self.unreadable += 1
            return
        self.reports += 1
        self.rules.update(f.rule for f in record.findings if f.status == "failed")
        self.ambiguous += len(record.ambiguous)
        self.settled += len(record.settled_by_prose)
        x = record.extraction
        self.model_failed += bool(x.errors)
        self.calls += x.calls
        self.cached += x.cached
        self.prompt += x.tokens.prompt
        self.completion += x.tokens.completion

    def cost(self, prices: dict[str, float] | None) -> float | None:
        """USD, from prices per million prompt and completion tokens."""
        if not prices:
            return None
        return (
            self.prompt * prices.get("prompt", 0) + self.completion * prices.get("completion", 0)
        ) / 1e6


def unique(paths: Iterable[Path]) -> list[Path]:
    """`paths` without a second name for a file already listed (standard input kept)."""
    seen: set[str] = set()
    out = []
    for path in paths:
        if path == STDIN:
            out.append(path)
            continue
        key = identity(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def _unchanged(old: InputStamp | None, path: Path) -> bool:
    if old is None:
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    if st.st_size != old.size:
        return False
    if st.st_mtime_ns == old.mtime_ns:
        return True
    try:  # touched, perhaps rewritten: the content decides
        return hashlib.sha256(path.read_bytes()).hexdigest() == old.sha256
    except OSError:
        return False


def _cut_torn_line(path: Path) -> None:
    """A kill in the middle of a write leaves a torn last line: cut it off."""
    with open(path, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        if size == 0:
            return
        pos = size
        while pos > 0:
            step = min(1 << 16, pos)
            f.seek(pos - step)
            block = f.read(step)
            nl = block.rfind(b"\n")
            if nl >= 0:
                end = pos - step + nl + 1
                if end < size:
                    f.truncate(end)
                return
            pos -= step
        f.truncate(0)


# The longest line an earlier output holds (a record of a very long report is a few MB): a
# longer one is not ours, and is never read whole.
MAX_RECORD_LINE = 64 << 20


class OutputRefused(Exception):
    """An output target that is not ours to append to."""


def resumable(path: Path) -> bool:
    """Whether a run writing JSONL to `path` resumes it: True for a regular file that is
    missing, empty or an earlier output (every complete line a record, a torn last line
    allowed); False for what is not a regular file (a device, a pipe), which is written and
    never read. A regular file holding anything else raises `OutputRefused`: appending to
    it would cut its last line and add records to someone else's file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False  # opening it for writing says why
    if not stat.S_ISREG(st.st_mode):
        return False
    refuse = f"{path} exists and is not an earlier output of extract"
    try:
        with open(path, "rb") as f:
            number = 0
            while line := f.readline(MAX_RECORD_LINE + 1):
                number += 1
                if len(line) > MAX_RECORD_LINE:
                    raise OutputRefused(f"{refuse} (line {number} is longer than any record)")
                if not line.endswith(b"\n"):
                    break  # a torn last line: a killed run's
                if _parse(line.decode("utf-8", errors="replace")) is None:
                    raise OutputRefused(f"{refuse} (line {number} is not a record)")
    except OSError as e:
        raise OutputRefused(f"cannot read {path} to resume it: {e.strerror or e}") from e
    return True


def read_records(path: Path) -> Iterator[Record]:
    """The records of a JSONL output file, in order (lines that are not records skipped)."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = _parse(line)
            if record is not None:
                yield record


def _parse(line: str) -> Record | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if not isinstance(data, dict) or "source" not in data:
        return None
    try:
        if "error" in data:
            return ErrorRecord.model_validate(data)
        return ReportRecord.model_validate(data)
    except ValueError:
        return None


def _stands(record: Record) -> bool:
    """A record worth keeping: the report was read, and every model call it made succeeded."""
    return isinstance(record, ReportRecord) and not record.extraction.errors


def record_identity(record: Record) -> str:
    """The input a record is of, by `identity`."""
    if isinstance(record, ReportRecord) and record.extraction.input is not None:
        return record.extraction.input.path
    return identity(Path(record.source))


def finished_sources(path: Path) -> set[str]:
    """The sources of the records in `path` that stand (after cutting a torn last line)."""
    if not path.exists():
        return set()
    _cut_torn_line(path)
    return {r.source for r in read_records(path) if _stands(r)}


def prepare_resume(path: Path, inputs: list[Path]) -> tuple[list[Path], int]:
    """The inputs still to read, and how many records of `path` stand for the others (of
    this run's inputs).

    Records of this run's inputs that do not stand (an error, a failed model call, a file
    changed since, a second record of one file) are taken out of `path`, so that the new
    record replaces them. Records of inputs not named in this run are kept as they are."""
    if not path.exists():
        return inputs, 0
    _cut_torn_line(path)
    wanted = {identity(p): p for p in inputs if p != STDIN}
    kept: set[str] = set()
    drop: list[int] = []
    count = 0
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            record = _parse(line)
            if record is None:
                continue
            who = record_identity(record)
            if who not in wanted:
                continue  # another run's input: kept as it is, not counted
            ok = (
                who not in kept
                and _stands(record)
                and _unchanged(record.extraction.input, wanted[who])  # type: ignore[union-attr]
            )
            if ok:
                kept.add(who)
                count += 1
            else:
                drop.append(i)
    if drop:
        _drop_lines(path, set(drop))
    return [p for p in inputs if p == STDIN or identity(p) not in kept], count


def _drop_lines(path: Path, drop: set[int]) -> None:
    """Rewrite `path` without the given lines, atomically (a kill leaves the old file)."""
    tmp = path.with_name(path.name + ".tmp")
    with open(path, "rb") as src, open(tmp, "wb") as dst:
        for i, line in enumerate(src):
            if i not in drop:
                dst.write(line)
    os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)


def append_line(fd: int, line: str) -> None:
    """Write one record with one system call on an O_APPEND descriptor: whole or not at all."""
    data = (line + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def extract_input(
    path: Path, backend: str, model: ModelSettings | None
) -> tuple[Record, str | None]:
    """(record, decoded text) of one input: a file, stamped so that a rerun can tell whether
    it changed, or standard input."""
    if path == STDIN:
        return _extract_stdin(backend, model)
    record, original = extract_file(path, backend, model)
    if isinstance(record, ReportRecord):
        record.extraction.input = stamp(path)
    return record, original


def _extract_stdin(backend: str, model: ModelSettings | None) -> tuple[Record, str | None]:
    from extractor.errors import ConfigError, UnreadableInput

    try:
        doc = parse_document(sys.stdin.buffer.read(), STDIN_SOURCE)
        return extract_document(doc, backend, model), doc.text.original
    except UnreadableInput as e:
        return ErrorRecord(
            source=STDIN_SOURCE, error=InputError(kind=e.kind, message=e.message)
        ), None
    except ConfigError:
        raise
    except Exception as e:  # a bug on one input must not lose the batch
        error = InputError(kind="internal", message=f"{e.__class__.__name__}: {e}")
        return ErrorRecord(source=STDIN_SOURCE, error=error), None


def run(
    inputs: Iterable[Path],
    backend: str,
    model: ModelSettings | None,
    jobs: int = 1,
) -> Iterator[tuple[Record, str | None]]:
    """(record, decoded text) of `inputs`, in input order, at most `jobs` reports in flight."""
    if jobs <= 1:
        for path in inputs:
            yield extract_input(path, backend, model)
        return
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        pending: list[Future[tuple[Record, str | None]]] = []
        for path in inputs:
            pending.append(pool.submit(extract_input, path, backend, model))
            while len(pending) >= 2 * jobs:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
    except BaseException:
        # Interrupted, or the batch stopped: queued reports are dropped and the ones in
        # flight (a model call may take minutes) are not waited for.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
