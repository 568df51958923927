"""Per backend and per example report: cell accuracy, grounded share, calls, tokens, time.

    python eval/llm_seeds.py              # live, against OPENAI_BASE_URL / OPENAI_MODEL
    python eval/llm_seeds.py --replay     # from the recorded cassettes (no model; times meaningless)

Accuracy counts every gold cell of eval/fixtures/seeds (a cell left null where the gold has
a number is wrong). Grounded share: of the cell values a model gave, how many were found in
the report and used; the rest were dropped. Sent / report tokens: prompt tokens sent (every
attempt) over the report's own size (estimated as the chunker does, one token per Chinese
character and one per two others).
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.extract import extract_document  # noqa: E402
from extractor.ingest.files import read_document  # noqa: E402
from extractor.model.backends import ModelSettings  # noqa: E402
from extractor.model.chunks import estimate_tokens  # noqa: E402
from extractor.model.llm import LLM, LLMConfig  # noqa: E402
from schemas import GoldReport  # noqa: E402

# The recorded tests whose cassettes --replay reads (tests/test_recorded.py).
CASSETTE_TESTS = {
    "hybrid": "test_hybrid_reproduces_every_gold_cell_and_asks_only_about_the_prose",
    "llm": "test_llm_backend_reads_the_tables_and_reports_what_it_could_not_ground",
}


def replay(backend: str, stem: str):
    import vcr

    path = ROOT / "cassettes" / "test_recorded" / f"{CASSETTE_TESTS[backend]}[{stem}].yaml"
    return vcr.VCR(record_mode="none", match_on=("method", "path", "body")).use_cassette(str(path))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="rules,hybrid,llm")
    parser.add_argument(
        "--replay", action="store_true", help="replay the cassettes instead of calling a model"
    )
    parser.add_argument("--chunk-tokens", type=int, default=600)
    args = parser.parse_args()
    if args.replay:
        config = LLMConfig(model="local", base_url="http://127.0.0.1:8765/v1", api_key="replay")
    else:
        config = LLMConfig.from_env()
    golds = [
        GoldReport.model_validate_json(p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "eval" / "fixtures" / "seeds").glob("*.json"))
    ]
    print(
        "| backend | report | cell accuracy | grounded share | calls | prompt tokens | completion tokens "
        "| sent / report tokens | wall s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for backend in args.backends.split(","):
        if backend != "rules" and config is None:
            print(f"| {backend} | (no model configured) | | | | | | |")
            continue
        totals = [0, 0, 0, 0, 0, 0, 0, 0.0, 0]
        for gold in golds:
            doc = read_document(ROOT / gold.source, gold.source)
            stem = Path(gold.source).stem
            settings = ModelSettings(LLM(config), args.chunk_tokens) if backend != "rules" else None
            context = replay(backend, stem) if args.replay and backend != "rules" else nullcontext()
            start = time.perf_counter()
            with context:
                record = extract_document(doc, backend, settings)
            wall = time.perf_counter() - start
            right = sum(record.cells.get(k, "absent") == v for k, v in gold.cells.items())
            by_model = sum(1 for v in record.read_by.values() if v in ("llm", "both"))
            x = record.extraction
            offered = by_model + x.ungrounded
            share = f"{by_model / offered:.2f}" if offered else "-"
            own = estimate_tokens(doc.text.original)
            print(
                f"| {backend} | {stem[:3]} | {right}/{len(gold.cells)} = {right / len(gold.cells):.3f} | {share} | "
                f"{x.calls} | {x.tokens.prompt} | {x.tokens.completion} | {x.tokens.prompt / own:.2f} | {wall:.1f} |"
            )

            for i, v in enumerate(
                (
                    right,
                    len(gold.cells),
                    by_model,
                    offered,
                    x.calls,
                    x.tokens.prompt,
                    x.tokens.completion,
                    wall,
                    own,
                )
            ):
                totals[i] += v
        right, cells, by_model, offered, calls, prompt, completion, wall, own = totals
        share = f"{by_model / offered:.2f}" if offered else "-"
        print(
            f"| {backend} | all | {right}/{cells} = {right / cells:.3f} | {share} | {calls} | {prompt} | "
            f"{completion} | {prompt / own:.2f} | {wall:.1f} |"
        )


if __name__ == "__main__":
    main()
