"""Running many reports: bounded concurrency, output in input order, resume, totals.

Records are written one whole line at a time (`append_line`), so a killed batch leaves only
complete records; rerunning with the same output file skips every input already in it.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from extractor.backends import ModelSettings
from extractor.extract import Record, extract_file
from schemas import ErrorRecord


@dataclass
class Totals:
    reports: int = 0
    unreadable: int = 0
    skipped: int = 0
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
        x = record.extraction
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


def finished_sources(path: Path) -> set[str]:
    """The inputs an earlier run already wrote to `path` (JSONL). A torn last line, left by a
    kill in the middle of a write, is cut off so that appending goes on cleanly."""
    if not path.exists():
        return set()
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        with open(path, "r+b") as f:
            f.truncate(end)
    done = set()
    for line in data[:end].splitlines():
        try:
            done.add(json.loads(line)["source"])
        except (ValueError, KeyError):
            continue
    return done


def append_line(fd: int, line: str) -> None:
    """Write one record with one system call on an O_APPEND descriptor: whole or not at all."""
    data = (line + "\n").encode("utf-8")
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def run(
    inputs: Iterable[Path],
    backend: str,
    model: ModelSettings | None,
    jobs: int = 1,
) -> Iterator[tuple[Record, str | None]]:
    """(record, decoded text) of `inputs`, in input order, at most `jobs` reports in flight."""
    if jobs <= 1:
        for path in inputs:
            yield extract_file(path, backend, model)
        return
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future[tuple[Record, str | None]]] = []
        for path in inputs:
            pending.append(pool.submit(extract_file, path, backend, model))
            while len(pending) >= 2 * jobs:
                yield pending.pop(0).result()
        while pending:
            yield pending.pop(0).result()
