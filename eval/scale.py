"""Time and cost of a province, the country and the 2019-2025 archive: `python eval/scale.py`.

Prints the Markdown table of docs/scale.md from measured per-report figures given as
options: the rules path's reports per second on one core for text reports (`eval/bench_rules.py`,
`eval/bench_jobs.py`) and for PDFs (`eval/bench_pdf.py`), the speed-up of a whole machine's
cores over one (bench_jobs' ratio per core), and for the hybrid path the tokens per report,
counted here from the recorded answers of a real model (`cassettes/test_recorded/test_hybrid_*`,
one cassette per example report), a price per million tokens, the seconds one model call
takes and the calls in flight the endpoint allows.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes" / "test_recorded"
SCOPES = (("a province", 3_000), ("the country, one year", 100_000), ("2019-2025 archive", 700_000))


def tokens_per_report() -> tuple[float, float, float]:
    """(calls, prompt tokens, completion tokens) per report, the mean over the hybrid cassettes."""
    per = []
    for path in sorted(CASSETTES.glob("test_hybrid_*.yaml")):
        calls = prompt = completion = 0
        for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
            usage = json.loads(interaction["response"]["body"]["string"]).get("usage") or {}
            calls += 1
            prompt += usage.get("prompt_tokens", 0)
            completion += usage.get("completion_tokens", 0)
        per.append((calls, prompt, completion))
    return tuple(statistics.mean(x[i] for x in per) for i in range(3))  # type: ignore[return-value]


def duration(seconds: float) -> str:
    if seconds < 1:
        return "< 1 s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--text-rate", type=float, default=250, help="text reports/s on one core")
    p.add_argument("--pdf-rate", type=float, default=3, help="PDF reports/s on one core")
    p.add_argument("--efficiency", type=float, default=0.9, help="speed-up per core added")
    p.add_argument("--cores", type=int, default=16, help="cores of one machine")
    p.add_argument("--nodes", type=int, default=10, help="machines of the Ray cluster")
    p.add_argument("--price-prompt", type=float, default=0.27, help="USD per million tokens")
    p.add_argument("--price-completion", type=float, default=1.10, help="USD per million")
    p.add_argument("--call-seconds", type=float, default=8.0, help="seconds one call takes")
    p.add_argument("--in-flight", type=int, default=64, help="calls the endpoint takes at once")
    args = p.parse_args(argv)
    calls, prompt, completion = tokens_per_report()
    usd = (prompt * args.price_prompt + completion * args.price_completion) / 1e6
    print(
        f"Hybrid, per report (mean of {len(list(CASSETTES.glob('test_hybrid_*.yaml')))} recorded "
        f"reports): {calls:.1f} calls, {prompt:.0f} prompt + {completion:.0f} completion tokens, "
        f"${usd:.5f} at ${args.price_prompt}/${args.price_completion} per million.\n"
    )
    where = {
        "one core": 1,
        f"one {args.cores}-core machine": 1 + (args.cores - 1) * args.efficiency,
        f"Ray, {args.nodes} x {args.cores} cores": args.nodes
        * (1 + (args.cores - 1) * args.efficiency),
    }
    print("| reports | where | rules, text | rules, PDF | hybrid, PDF: time | hybrid: cost |")
    print("|---|---|---|---|---|---|")
    for scope, n in SCOPES:
        for name, speed in where.items():
            text = n / (args.text_rate * speed)
            pdf = n / (args.pdf_rate * speed)
            # The model path waits for the endpoint: at most --in-flight calls at once.
            model = n * calls * args.call_seconds / args.in_flight
            print(
                f"| {scope} ({n:,}) | {name} | {duration(text)} | {duration(pdf)} | "
                f"{duration(max(pdf, model))} | ${n * usd:,.0f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
