"""Speed-up of `--jobs N` over `--jobs 1`: `python eval/bench_jobs.py [--reports 2000] [--jobs N]`.

Writes the real corpus (eval/fixtures/real, provenance line cut off) and the examples,
repeated to about `--reports` files, then runs `extract DIR -o FILE -q` with `--jobs 1` and
`--jobs N` in turn, `--pairs` times, each run a fresh process timed from start to exit. Prints
each run's reports per second, each pair's ratio and the median ratio, whether the outputs
are byte-identical, and the load average, since on a shared machine the absolute figures
move with the neighbours' work while the ratio of a pair run back to back moves less. It
also prints the speed-up the CPU spent implies on N idle cores: N times the CPU seconds of
one job over those of N jobs (the workers and the parent together), which the neighbours'
work does not change.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.real import REAL, load  # noqa: E402
from extractor.batch.pool import usable_cores  # noqa: E402


def corpus(folder: Path, target: int) -> int:
    """The real reports and the examples, repeated to about `target` files; the count."""
    reports = [(f"{c.name}.txt", c.data) for c in load(REAL)]
    reports += [(p.name, p.read_bytes()) for p in sorted((ROOT / "examples").rglob("*.txt"))]
    copies = max(1, round(target / len(reports)))
    for i in range(copies):
        sub = folder / f"{i:04d}"
        sub.mkdir()
        for name, data in reports:
            (sub / name).write_bytes(data)
    return copies * len(reports)


def timed(folder: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the run and its workers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    cmd = [sys.executable, "-m", "extractor.cli", str(folder), "-o", str(out), "-q"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([*cmd, "--no-resume", "--jobs", str(jobs)], check=False, env=env, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="about this many inputs")
    parser.add_argument("--jobs", type=int, default=usable_cores(), help="N (default: cores)")
    parser.add_argument("--pairs", type=int, default=3, help="runs of each, alternated")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-jobs-"))
    try:
        folder = work / "in"
        folder.mkdir()
        n = corpus(folder, args.reports)
        print(f"inputs:   {n} (real corpus and examples, repeated); usable cores {usable_cores()}")
        print(f"load:     {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
        ratios, bounds = [], []
        for pair in range(args.pairs):
            one, cpu_one = timed(folder, work / "one.jsonl", 1)
            many, cpu_many = timed(folder, work / "many.jsonl", args.jobs)
            ratios.append(one / many)
            # On N idle cores the speed-up is N times the share of the work that stayed the
            # same: the CPU the N workers and the parent spent against what one job spent.
            bounds.append(args.jobs * cpu_one / cpu_many)
            same = (work / "one.jsonl").read_bytes() == (work / "many.jsonl").read_bytes()
            print(
                f"pair {pair + 1}:   --jobs 1 {n / one:6.0f} reports/s ({one:.1f} s, CPU "
                f"{cpu_one:.1f} s), --jobs {args.jobs} {n / many:6.0f} reports/s ({many:.1f} s, "
                f"CPU {cpu_many:.1f} s), speed-up {one / many:.2f}, on idle cores "
                f"{bounds[-1]:.2f}, output {'identical' if same else 'DIFFERS'}"
            )
        print(f"speed-up: median {statistics.median(ratios):.2f} over {len(ratios)} pairs (wall)")
        print(
            f"          median {statistics.median(bounds):.2f} on {args.jobs} idle cores "
            "(from the CPU each run spent)"
        )
        print(f"load:     {' '.join(f'{x:.2f}' for x in os.getloadavg())} (after)")
    finally:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
