"""Work per damaged report: `python eval/bench_damage.py [--seed S] [--count N]`.

Reads N reports of `eval/damage.py` (real reports with random damage) the way `extract`
reads a `.txt` file, each once, and prints the slowest reports (name, ms, outcome), how
many took over 1 s and over 2 s, and the error kinds. The floor of issue 18: no damaged
report over 2 s, and none an `internal` error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.damage import damaged  # noqa: E402
from extractor.extract import extract_file  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--show", type=int, default=10, help="slowest reports listed")
    args = parser.parse_args(argv)
    import tempfile

    times: list[tuple[float, str, str]] = []
    kinds: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in damaged(args.seed, args.count):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            t = time.perf_counter()
            record, _ = extract_file(path)
            took = time.perf_counter() - t
            error = getattr(record, "error", None)
            outcome = f"error {error.kind}: {error.message[:60]}" if error else "record"
            kinds[error.kind if error else "record"] += 1
            times.append((took, name, outcome))
            path.unlink()
    times.sort(reverse=True)
    print(f"damaged reports: {len(times)} (seed {args.seed})")
    print(
        f"total: {sum(t for t, _, _ in times):.1f} s; median {times[len(times) // 2][0] * 1000:.0f} ms"
    )
    print(
        f"over 1 s: {sum(t > 1 for t, _, _ in times)}; over 2 s: {sum(t > 2 for t, _, _ in times)}"
    )
    print("outcomes: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print("slowest:")
    for took, name, outcome in times[: args.show]:
        print(f"  {took * 1000:8.0f} ms  {name}  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
