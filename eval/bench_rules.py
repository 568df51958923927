"""Speed of the rules-only path on real reports: `python eval/bench_rules.py [--rounds N]`.

Reads every report of the real corpus (eval/fixtures/real, provenance line cut off) the way
`extract` reads a `.txt` file: decode, normalise, sections, tables, validator, prose claims,
JSON serialisation. One process pinned to one core; each report is timed `--rounds` times
and its median kept, so a busy machine moves the figures less. Prints reports per second,
the median report, the slowest report (name and ms), every report's time, and peak memory.
The floor of issue 9: ≥ 200 reports/s and no report slower than 25 ms.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.real import REAL, load  # noqa: E402
from extractor.extract import extract_document  # noqa: E402
from extractor.ingest.files import parse_document  # noqa: E402
from extractor.review.output import to_json  # noqa: E402

FLOOR_REPORTS_PER_SECOND = 200
FLOOR_SLOWEST_MS = 25.0


def one(name: str, data: bytes) -> int:
    """Read one report as `extract` does; the length of its JSON line."""
    return len(to_json(extract_document(parse_document(data, f"{name}.txt", ".txt"))))


def bench(reports: list[tuple[str, bytes]], rounds: int) -> tuple[dict[str, float], float]:
    """(each report's median seconds, wall seconds of all rounds)."""
    times: dict[str, list[float]] = {name: [] for name, _ in reports}
    start = time.perf_counter()
    for _ in range(rounds):
        for name, data in reports:
            t = time.perf_counter()
            one(name, data)
            times[name].append(time.perf_counter() - t)
    wall = time.perf_counter() - start
    return {name: statistics.median(ts) for name, ts in times.items()}, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="times each report is read")
    parser.add_argument(
        "--corpus", type=Path, default=REAL, help="a folder laid out as the real corpus"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the floor is not met (not run in CI)"
    )
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    reports = [(c.name, c.data) for c in load(args.corpus)]
    for name, data in reports:  # warm the regex and import caches
        one(name, data)
    medians, wall = bench(reports, args.rounds)
    per_second = len(reports) * args.rounds / wall
    slowest = max(medians, key=medians.__getitem__)
    median_ms = 1000 * statistics.median(medians.values())
    size = sum(len(d) for _, d in reports) / len(reports)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"reports:            {len(reports)} real reports (average {size / 1024:.1f} KiB), {args.rounds} rounds, one core"
    )
    print(f"reports per second: {per_second:.0f}")
    print(f"median report:      {median_ms:.2f} ms")
    print(f"slowest report:     {slowest} {1000 * medians[slowest]:.2f} ms")
    print(f"peak RSS:           {rss:.0f} MiB (whole process)")
    print()
    for name in sorted(medians, key=medians.__getitem__, reverse=True):
        print(f"  {1000 * medians[name]:8.2f} ms  {name}")
    met = per_second >= FLOOR_REPORTS_PER_SECOND and 1000 * medians[slowest] <= FLOOR_SLOWEST_MS
    print(
        f"\nfloor (≥ {FLOOR_REPORTS_PER_SECOND} reports/s, none slower than {FLOOR_SLOWEST_MS:.0f} ms): "
        + ("met" if met else "NOT met")
    )
    return 0 if met or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
