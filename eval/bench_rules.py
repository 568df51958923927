"""Speed and memory of the rules-only path: `python eval/bench_rules.py [--copies N]`.

Copies the bundled examples (and synthetic reports in every layout) into a temporary folder
N times, then runs the same code `extract` runs, on one core, in one process: decode,
normalise, sections, tables, validator, JSON serialisation. Prints reports per second and
peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.synth import LAYOUTS, random_cells, render_report  # noqa: E402
from extractor.extract import extract_paths  # noqa: E402
from extractor.output import to_json  # noqa: E402


def corpus(folder: Path, copies: int) -> int:
    """Write `copies` reports into `folder`: the examples and synthetic ones, in turn."""
    sources = [(p.suffix, p.read_bytes()) for p in sorted((ROOT / "examples").glob("*.txt"))]
    rng = random.Random(0)
    for layout in LAYOUTS:
        cells = random_cells(rng, "2021", True)
        suffix = ".html" if layout == "html" else ".txt"
        sources.append((suffix, render_report(cells, layout=layout).encode("utf-8")))
    for i in range(copies):
        suffix, data = sources[i % len(sources)]
        (folder / f"{i:06d}{suffix}").write_bytes(data)
    return sum(len(d) for _, d in sources) // len(sources)


def run(folder: Path) -> tuple[int, int, int]:
    reports = findings = chars = 0
    for record in extract_paths([str(folder)]):
        line = to_json(record)
        chars += len(line)
        reports += 1
        findings += len(getattr(record, "findings", ()))
    return reports, findings, chars


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        avg = corpus(folder, args.copies)
        run(folder)  # warm the page cache and the regex cache
        start = time.perf_counter()
        reports, findings, _chars = run(folder)
        elapsed = time.perf_counter() - start
        tracemalloc.start()
        sample = sorted(folder.iterdir())[: min(200, args.copies)]
        for path in sample:
            for record in extract_paths([str(path)]):
                to_json(record)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports:            {reports} (average {avg / 1024:.1f} KiB each)")
    print(f"wall time:          {elapsed:.2f} s on one core")
    print(f"reports per second: {reports / elapsed:.0f}")
    print(f"ms per report:      {1000 * elapsed / reports:.2f}")
    print(f"findings:           {findings}")
    print(f"peak RSS:           {rss:.0f} MiB (whole process)")
    print(f"peak traced heap:   {traced_peak / 2**20:.1f} MiB over {len(sample)} reports")


if __name__ == "__main__":
    main()
