"""`extract`: read annual reports, check their arithmetic, write one record per report."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from extractor import __version__
from extractor.backends import BACKENDS, ModelSettings
from extractor.batch import Totals, append_line, finished_sources, run
from extractor.cache import DEFAULT_PATH as DEFAULT_CACHE
from extractor.cache import ResponseCache
from extractor.errors import ConfigError, UnreadableInput
from extractor.ingest import discover, read_document
from extractor.llm import LLM, MODES, LLMConfig
from extractor.output import FORMATS, Writer, to_json
from extractor.pages import HtmlWriter
from extractor.pdf import DEFAULT_LIMITS, PdfLimits, set_limits
from extractor.summary import SummaryWriter
from schemas import ErrorRecord

DESCRIPTION = """\
Read 政府信息公开工作年度报告 (government information disclosure annual reports) and audit
their tables. For each input file (.txt, .md, .html, .htm, .docx, .pdf; folders are walked
recursively, and files of other types in them are counted and named) write one record: the canonical cells of the four tables, where each value was
read in the original text, and the findings of the arithmetic checks (勾稽关系).

Exit status: 0 when every input was read (findings are data, not errors); 1 when some input
could not be read (it gets an error record and a line on stderr, the others are still
written); 2 on a usage error.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extract",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders")
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write records to FILE instead of stdout"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="jsonl",
        help="jsonl (default): one JSON object per line; json: one array; "
        "csv: one row per report and cell",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="auto",
        help="rules: the deterministic reader alone (no model); llm: the model reads every "
        "table; hybrid: the reader, with the model only where the reader cannot decide and on "
        "the prose; auto (default): hybrid when a model is configured, rules otherwise",
    )
    model = parser.add_argument_group(
        "model", "any OpenAI-compatible endpoint (OpenAI, DeepSeek, Qwen, vLLM, llama.cpp, Ollama)"
    )
    model.add_argument("--model", help="model name (default: $OPENAI_MODEL)")
    model.add_argument(
        "--base-url", help="endpoint (default: $OPENAI_BASE_URL); the key is $OPENAI_API_KEY"
    )
    model.add_argument(
        "--mode",
        choices=sorted(MODES),
        help="instructor mode (default: tools, which hosted endpoints and llama.cpp both accept; "
        "json_schema where the endpoint supports it)",
    )
    model.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per request (default 300)"
    )
    model.add_argument(
        "--chunk-tokens",
        type=int,
        default=600,
        help="token budget of one chunk of report text (default 600)",
    )
    model.add_argument(
        "--reasks",
        type=int,
        default=2,
        help="re-asks after an answer that fails validation (default 2)",
    )
    model.add_argument(
        "--attempts",
        type=int,
        default=4,
        help="tries per request on 429, 5xx, timeouts and connection errors, with exponential "
        "backoff (default 4)",
    )
    model.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="reports read at once (bounds concurrent model calls; default 1)",
    )
    model.add_argument(
        "--cache",
        metavar="FILE",
        default=str(DEFAULT_CACHE),
        help="on-disk cache of model answers, so a rerun costs no tokens (default %(default)s)",
    )
    model.add_argument(
        "--no-cache", action="store_true", help="ask the model again for every chunk"
    )
    model.add_argument(
        "--prices",
        metavar="FILE",
        help='JSON of USD per million tokens by model, e.g. {"deepseek-chat": {"prompt": 0.27, '
        '"completion": 1.1}}, for the cost in the closing summary',
    )
    parser.add_argument(
        "--summary",
        metavar="FILE",
        help="also write a Markdown discrepancy summary for reviewers: the corpus overview, "
        "then per report what breaks, what the prose contradicts, and where to look",
    )
    parser.add_argument(
        "--html",
        metavar="DIR",
        help="also write review pages: DIR/index.html (every report, sortable and filterable), "
        "one page per report with its cells and claims highlighted in the original text, "
        "DIR/findings.csv, and the carry chain across consecutive years of the same body",
    )
    parser.add_argument(
        "--no-resume",
        action="store_true",
        help="with -o FILE.jsonl, start over instead of skipping inputs already in FILE",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar or summary on stderr"
    )
    pdf = parser.add_argument_group(
        "PDF", "limits that refuse a PDF as too_large before it is read (a PDF bomb)"
    )
    pdf.add_argument(
        "--dump-text",
        action="store_true",
        help="print the text each input is read as, which evidence offsets point into (for a "
        "PDF: the extracted text, tables rebuilt one row per line), instead of records",
    )
    pdf.add_argument(
        "--pdf-max-pages",
        type=int,
        default=DEFAULT_LIMITS.max_pages,
        metavar="N",
        help="most pages of one PDF (default %(default)s)",
    )
    pdf.add_argument(
        "--pdf-max-bytes",
        type=int,
        default=DEFAULT_LIMITS.max_bytes,
        metavar="N",
        help="largest PDF file in bytes (default %(default)s)",
    )
    pdf.add_argument(
        "--pdf-max-stream",
        type=int,
        default=DEFAULT_LIMITS.max_stream,
        metavar="N",
        help="most bytes of one page's content once decompressed (default %(default)s)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _backend(args: argparse.Namespace) -> tuple[str, ModelSettings | None]:
    """The backend to run and its model, or ConfigError for an impossible set-up."""
    config = (
        LLMConfig.from_env(
            model=args.model,
            base_url=args.base_url,
            mode=args.mode,
            timeout=args.timeout,
            reasks=args.reasks,
            attempts=args.attempts,
        )
        if args.backend != "rules" or args.model or args.base_url
        else None
    )
    if args.backend == "rules":
        return "rules", None
    if config is None:
        if args.backend == "auto":
            if not args.quiet:
                print(
                    "extract: no model configured (OPENAI_BASE_URL / OPENAI_API_KEY): backend rules",
                    file=sys.stderr,
                )
            return "rules", None
        raise ConfigError(
            f"--backend {args.backend} needs a model: set OPENAI_BASE_URL or OPENAI_API_KEY"
        )
    backend = "hybrid" if args.backend == "auto" else args.backend
    if args.backend == "auto":
        where = config.base_url or "api.openai.com"
        print(f"extract: model {config.model} at {where}: backend hybrid", file=sys.stderr)
    cache = None if args.no_cache else ResponseCache(Path(args.cache))
    return backend, ModelSettings(LLM(config, cache=cache), chunk_tokens=args.chunk_tokens)


def _prices(args: argparse.Namespace, model: ModelSettings | None) -> dict[str, float] | None:
    if not args.prices or model is None:
        return None
    try:
        table = json.loads(Path(args.prices).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ConfigError(f"--prices {args.prices}: {e}") from e
    return table.get(model.llm.config.model)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        backend, model = _backend(args)
        prices = _prices(args, model)
    except ConfigError as e:
        print(f"extract: {e}", file=sys.stderr)
        return 2
    set_limits(PdfLimits(args.pdf_max_bytes, args.pdf_max_pages, args.pdf_max_stream))
    unsupported: list[Path] = []
    inputs = list(discover(args.paths, unsupported))
    if args.dump_text:
        return _dump_text(inputs)
    totals = Totals()
    resume = bool(args.output) and args.format == "jsonl" and not args.no_resume
    if resume:
        done = finished_sources(Path(args.output))
        totals.skipped = sum(1 for p in inputs if str(p) in done)
        inputs = [p for p in inputs if str(p) not in done]
    fd = os.open(args.output, os.O_WRONLY | os.O_CREAT | os.O_APPEND) if resume else None
    out: TextIO | None
    if resume:
        out = None
    elif args.output:
        out = open(args.output, "w", encoding="utf-8", newline="")
    else:
        out = sys.stdout
    summary_file = open(args.summary, "w", encoding="utf-8") if args.summary else None
    summary = SummaryWriter(summary_file) if summary_file else None
    pages = HtmlWriter(Path(args.html)) if args.html else None
    bar = tqdm(
        total=len(inputs),
        unit="report",
        file=sys.stderr,
        disable=args.quiet or not sys.stderr.isatty(),
    )
    try:
        writer = Writer(out, args.format) if out is not None else None
        for record, original in run(inputs, backend, model, args.jobs):
            if writer is not None:
                writer.write(record)
            else:
                append_line(fd, to_json(record))  # type: ignore[arg-type]
            totals.add(record)
            bar.update()
            if summary:
                summary.add(record, original)
            if pages:
                pages.add(record, original)
            if isinstance(record, ErrorRecord):
                bar.write(f"extract: {record.source}: {record.error.message}", file=sys.stderr)
            elif backend != "rules" and not args.quiet:
                x = record.extraction
                bar.write(
                    f"extract: {record.source}: {x.calls} call(s), {x.tokens.prompt} prompt + "
                    f"{x.tokens.completion} completion tokens"
                    + (f", {x.cached} from cache" if x.cached else "")
                    + (f", {len(x.errors)} failed" if x.errors else ""),
                    file=sys.stderr,
                )
        if writer is not None:
            writer.close()
        if summary:
            summary.close()
        if pages:
            pages.close()
    except ConfigError as e:
        print(f"extract: {e}", file=sys.stderr)
        return 2
    finally:
        bar.close()
        if out is not None and out is not sys.stdout:
            out.close()
        if fd is not None:
            os.close(fd)
        if summary_file:
            summary_file.close()
        if model is not None and model.llm.cache is not None:
            model.llm.cache.close()
    if not args.quiet:
        print(_closing(totals, args, backend, prices), file=sys.stderr)
        if unsupported:
            print(_skipped(unsupported), file=sys.stderr)
    return 1 if totals.unreadable else 0


def _skipped(paths: list[Path], shown: int = 10) -> str:
    names = ", ".join(str(p) for p in paths[:shown])
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return f"extract: skipped: {len(paths)} file(s) of unsupported types ({names}{more})"


def _dump_text(inputs: list[Path]) -> int:
    """Print the decoded (for a PDF: extracted) text of each input; offsets point into it."""
    failed = 0
    for path in inputs:
        try:
            doc = read_document(path)
        except UnreadableInput as e:
            print(f"extract: {path}: {e.message}", file=sys.stderr)
            failed += 1
            continue
        if len(inputs) > 1:
            print(f"==> {path} <==")
        sys.stdout.write(doc.text.original)
        if not doc.text.original.endswith("\n"):
            sys.stdout.write("\n")
    return 1 if failed else 0


def _closing(
    totals: Totals, args: argparse.Namespace, backend: str, prices: dict[str, float] | None
) -> str:
    found = ", ".join(f"{rule} {n}" for rule, n in sorted(totals.rules.items())) or "none"
    where = f" -> {Path(args.output)}" if args.output else ""
    line = f"extract: {totals.reports} report(s) read, {totals.unreadable} unreadable"
    if totals.skipped:
        line += f", {totals.skipped} already done (resumed)"
    line += f"; failed checks: {found}{where}"
    if backend != "rules":
        line += (
            f"\nextract: {totals.calls} model call(s), {totals.cached} from cache, "
            f"{totals.prompt} prompt + {totals.completion} completion tokens"
        )
        cost = totals.cost(prices)
        line += f", cost ${cost:.4f}" if cost is not None else " (cost: give --prices)"
    return line


if __name__ == "__main__":
    raise SystemExit(main())
