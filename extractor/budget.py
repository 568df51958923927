"""A budget of CPU time per report: the backstop against an input that makes the reader
work far beyond any report (the reader's own work is bounded where it is known to grow,
e.g. the cuts of a glued digit run; this catches what is not yet known).

The reader checks the budget at the points where its work can grow; past it, the report
is an error record of kind `timeout` and the batch goes on. CPU time of the thread, not
wall time: a busy machine or other jobs do not make a report time out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from extractor.errors import UnreadableInput

# The slowest real report reads in about 25 ms; this is eighty times that.
READ_SECONDS = 2.0

_local = threading.local()


class OverBudget(UnreadableInput):
    """Reading one report took more CPU time than `READ_SECONDS`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            "timeout",
            f"reading took more than {seconds:g} s of CPU time (far beyond any report): "
            "left unread, the batch goes on",
        )


@contextmanager
def budget(seconds: float | None = None) -> Iterator[None]:
    """Check the reading inside against a budget of `seconds` (default `READ_SECONDS`)."""
    seconds = READ_SECONDS if seconds is None else seconds
    saved = getattr(_local, "deadline", None)
    _local.deadline = (time.thread_time() + seconds, seconds)
    try:
        yield
    finally:
        _local.deadline = saved


def check() -> None:
    """Raise `OverBudget` when the current report's budget is spent (no-op outside one)."""
    deadline = getattr(_local, "deadline", None)
    if deadline is not None and time.thread_time() > deadline[0]:
        raise OverBudget(deadline[1])
