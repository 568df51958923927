"""Reading reports in worker processes, so that `--jobs N` uses N cores.

Reading a report (decoding, a PDF's layout, the tables, the rules, the prose) is CPU work
under one interpreter lock, so threads would take turns on one core. Here each worker is a
process that reads one input at a time and sends back the record's JSON line, already
serialised, and its counts; the parent writes the lines in input order and turns a line back
into a record only when an output needs one (`--summary`, `--html`, `--db`, csv or json).

A worker that dies (killed, out of memory, a crash inside a C library) costs the input it was
reading and no other: that input gets an error record of kind `internal`, a new worker takes
the dead one's place, and a rerun with `-o FILE` reads that input again (an error record
does not stand).

Model calls are I/O: within a worker, reports that need a model are read by threads, and one
semaphore shared by every worker bounds the calls in flight across the batch (`--calls`).
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.batch import STDIN, Totals, extract_input, run
from extractor.errors import ConfigError
from extractor.review.output import to_json
from schemas import ErrorRecord, InputError, ReportRecord

if TYPE_CHECKING:
    from extractor.extract import Record
    from extractor.ingest.pdf import PdfLimits
    from extractor.model.backends import ModelSettings
    from extractor.model.llm import LLMConfig


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask where the system has one)."""
    count = getattr(os, "process_cpu_count", None)  # Python 3.13
    if count is not None:
        return count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Done:
    """One input's result: its record and its JSON line, each made from the other on demand,
    its counts, and its decoded text when an output shows it."""

    def __init__(
        self,
        record: Record | None = None,
        line: str | None = None,
        original: str | None = None,
        tally: Totals | None = None,
    ) -> None:
        assert record is not None or line is not None
        self._record, self._line, self.original = record, line, original
        self._tally = tally

    @property
    def record(self) -> Record:
        if self._record is None:
            self._record = _parse_line(self._line)  # type: ignore[arg-type]
        return self._record

    @property
    def line(self) -> str:
        if self._line is None:
            self._line = to_json(self._record)  # type: ignore[arg-type]
        return self._line

    @property
    def tally(self) -> Totals:
        if self._tally is None:
            self._tally = tally(self.record)
        return self._tally


def _parse_line(line: str) -> Record:
    if line.startswith('{"source"') and '"error":' in line[:2000]:
        try:
            return ErrorRecord.model_validate_json(line)
        except ValueError:
            pass
    return ReportRecord.model_validate_json(line)


def tally(record: Record) -> Totals:
    """The counts of one record, to be added to the batch's."""
    one = Totals()
    one.add(record)
    return one


def add_tally(totals: Totals, part: Totals) -> None:
    """Add the counts of `part` to `totals`."""
    for f in fields(Totals):
        mine = getattr(totals, f.name)
        if hasattr(mine, "update"):
            mine.update(getattr(part, f.name))
        else:
            setattr(totals, f.name, mine + getattr(part, f.name))


@dataclass(frozen=True)
class ModelSpec:
    """What a worker needs to build its own model client (a client and an SQLite connection
    do not cross a process boundary)."""

    config: LLMConfig
    cache: Path | None
    chunk_tokens: int

    @classmethod
    def of(cls, model: ModelSettings) -> ModelSpec:
        cache = model.llm.cache.path if model.llm.cache is not None else None
        return cls(model.llm.config, cache, model.chunk_tokens)

    def build(self, gate: Any = None) -> ModelSettings:
        from extractor.model.backends import ModelSettings
        from extractor.model.cache import ResponseCache
        from extractor.model.llm import LLM

        cache = ResponseCache(self.cache) if self.cache is not None else None
        return ModelSettings(LLM(self.config, cache=cache, gate=gate), self.chunk_tokens)


def read_all(
    inputs: list[Path],
    backend: str,
    model: ModelSettings | None,
    jobs: int,
    calls: int = 1,
    originals: bool = False,
) -> Generator[Done, None, None]:
    """The results of `inputs`, in input order: `jobs` worker processes, at most `calls`
    model calls in flight. One job (or standard input among the inputs) reads in this
    process, with `calls` threads when a model is used. The workers start at once, before
    the caller starts any thread of its own (a progress bar's), since they are forked."""
    if jobs <= 1 or len(inputs) <= 1 or STDIN in inputs:
        return _in_process(inputs, backend, model, calls if model is not None else 1, originals)
    from extractor.ingest.pdf import current_limits

    spec = ModelSpec.of(model) if model is not None else None
    pool = Pool(min(jobs, len(inputs)), backend, spec, calls, originals, current_limits())
    return _drain(pool.__enter__(), inputs)


def _in_process(
    inputs: list[Path], backend: str, model: ModelSettings | None, threads: int, originals: bool
) -> Generator[Done, None, None]:
    for record, original in run(inputs, backend, model, threads):
        yield Done(record=record, original=original if originals else None)


def _drain(pool: Pool, inputs: list[Path]) -> Generator[Done, None, None]:
    try:
        yield from pool.map(inputs)
    finally:
        pool.__exit__(None, None, None)


@dataclass
class _Worker:
    process: Any
    conn: Connection
    held: list[int]  # inputs sent to it and not yet answered, in the order sent


class Pool:
    """Worker processes reading inputs, each reading at most `threads` inputs at once."""

    def __init__(
        self,
        jobs: int,
        backend: str,
        spec: ModelSpec | None,
        calls: int,
        originals: bool,
        limits: PdfLimits,
    ) -> None:
        # fork starts a worker in milliseconds with the package already imported; elsewhere
        # spawn, which gets everything it needs through its arguments.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.ctx: Any = multiprocessing.get_context(method)
        self.threads = max(1, math.ceil(calls / jobs)) if spec is not None else 1
        gate = self.ctx.BoundedSemaphore(calls) if spec is not None else None
        self.args = (backend, spec, gate, self.threads, originals, limits)
        self.jobs = jobs
        self.workers: list[_Worker] = []

    def __enter__(self) -> Pool:
        self.workers = [self._start() for _ in range(self.jobs)]
        return self

    def __exit__(self, *exc: object) -> None:
        for w in self.workers:
            with contextlib.suppress(OSError):
                w.conn.send(None)
        for w in self.workers:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.kill()
                w.process.join()
            w.conn.close()

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_serve, args=(child, *self.args), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent, [])

    def pids(self) -> list[int]:
        """The worker processes' ids (a test kills one)."""
        return [w.process.pid for w in self.workers]

    def map(self, inputs: list[Path]) -> Iterator[Done]:
        """The results of `inputs` in input order; a bounded window of them read ahead."""
        # Each worker holds one input more than it reads at once, queued in its pipe, so
        # that it need not wait for this process between two inputs.
        depth = self.threads + 1
        window = 4 * self.jobs * depth
        results: dict[int, Done] = {}
        self.again: deque[int] = deque()  # inputs a dead worker held but had not begun
        sent = out = 0
        while out < len(inputs):
            for w in self.workers:
                while len(w.held) < depth:
                    if self.again:
                        index = self.again.popleft()
                    elif sent < len(inputs) and sent < out + window:
                        index, sent = sent, sent + 1
                    else:
                        break
                    w.conn.send((index, str(inputs[index])))
                    w.held.append(index)
            if out in results:  # then back to dispatch: the window has moved on
                yield results.pop(out)
                out += 1
                continue
            busy = [w for w in self.workers if w.held]
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for i, w in enumerate(self.workers):
                woke = w.conn in ready or w.process.sentinel in ready
                if woke and not self._receive(w, results):
                    self.workers[i] = self._lost(w, inputs, results)

    def _receive(self, w: _Worker, results: dict[int, Done]) -> bool:
        """Take what `w` has sent; False when it has died."""
        try:
            while w.conn.poll():
                index, line, original, counts = w.conn.recv()
                if line is None:
                    raise ConfigError(original)
                results[index] = Done(line=line, original=original, tally=counts)
                w.held.remove(index)
        except (EOFError, OSError):
            return False
        return w.process.is_alive()

    def _lost(self, w: _Worker, inputs: list[Path], results: dict[int, Done]) -> _Worker:
        """Error records for the inputs a dead worker was reading, the ones it had not begun
        sent again, and a new worker in its place."""
        w.process.join()
        code = w.process.exitcode
        how = (
            f"signal {signal.Signals(-code).name}"
            if code is not None and code < 0
            else f"exit status {code}"
        )
        # A worker begins its inputs in the order sent: the first `threads` were being read.
        reading, queued = w.held[: self.threads], w.held[self.threads :]
        self.again.extendleft(reversed(queued))
        for index in reading:
            message = f"the worker process reading this input died ({how}); a rerun reads it again"
            error = ErrorRecord(
                source=str(inputs[index]), error=InputError(kind="internal", message=message)
            )
            results[index] = Done(record=error)
        w.conn.close()
        return self._start()


def _serve(
    conn: Connection,
    backend: str,
    spec: ModelSpec | None,
    gate: Any,
    threads: int,
    originals: bool,
    limits: PdfLimits,
) -> None:
    """A worker: read each input sent, send back (index, JSON line, text or None, counts)."""
    from extractor.ingest.pdf import set_limits

    # Ctrl-C goes to the whole process group: the parent decides, a worker is told.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    set_limits(limits)
    model = spec.build(gate) if spec is not None else None

    def one(index: int, path: str) -> tuple[int, str | None, str | None, Totals | None]:
        try:
            record, original = extract_input(Path(path), backend, model)
        except ConfigError as e:  # wrong for every input: the parent stops the batch
            return index, None, str(e), None
        return index, to_json(record), original if originals else None, tally(record)

    if threads <= 1:
        while (task := conn.recv()) is not None:
            conn.send(one(*task))
        return
    import threading

    lock = threading.Lock()

    def send(future: Any) -> None:
        with lock:
            conn.send(future.result())

    with ThreadPoolExecutor(threads) as pool:
        while (task := conn.recv()) is not None:
            pool.submit(one, *task).add_done_callback(send)
    sys.stdout.flush()
