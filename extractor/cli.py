"""`extract`: read annual reports, check their arithmetic, write one record per report."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from extractor import __version__
from extractor.backends import BACKENDS, ModelSettings
from extractor.errors import ConfigError, ExtractError
from extractor.extract import extract_paths
from extractor.ingest import read_document
from extractor.llm import LLM, MODES, LLMConfig
from extractor.output import FORMATS, Writer
from extractor.pages import HtmlWriter
from extractor.summary import SummaryWriter
from schemas import ErrorRecord, ReportRecord

DESCRIPTION = """\
Read 政府信息公开工作年度报告 (government information disclosure annual reports) and audit
their tables. For each input file (.txt, .md, .html, .htm, .docx; folders are walked
recursively) write one record: the canonical cells of the four tables, where each value was
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
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _original(record: ReportRecord | ErrorRecord) -> str | None:
    """The decoded input, for line numbers in the summary (None when it cannot be re-read)."""
    if isinstance(record, ErrorRecord):
        return None
    try:
        return read_document(Path(record.source)).text.original
    except ExtractError:
        return None


def _backend(args: argparse.Namespace) -> tuple[str, ModelSettings | None]:
    """The backend to run and its model, or ConfigError for an impossible set-up."""
    config = (
        LLMConfig.from_env(
            model=args.model,
            base_url=args.base_url,
            mode=args.mode,
            timeout=args.timeout,
            reasks=args.reasks,
        )
        if args.backend != "rules" or args.model or args.base_url
        else None
    )
    if args.backend == "rules":
        return "rules", None
    if config is None:
        if args.backend == "auto":
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
    return backend, ModelSettings(LLM(config), chunk_tokens=args.chunk_tokens)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        backend, model = _backend(args)
    except ConfigError as e:
        print(f"extract: {e}", file=sys.stderr)
        return 2
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    failed = 0
    rules: Counter[str] = Counter()
    reports = 0
    summary_file = open(args.summary, "w", encoding="utf-8") if args.summary else None
    summary = SummaryWriter(summary_file) if summary_file else None
    pages = HtmlWriter(Path(args.html)) if args.html else None
    try:
        writer = Writer(out, args.format)
        for record in extract_paths(args.paths, backend, model):
            writer.write(record)
            if summary or pages:
                original = _original(record)
                if summary:
                    summary.add(record, original)
                if pages:
                    pages.add(record, original)
            if isinstance(record, ErrorRecord):
                failed += 1
                print(f"extract: {record.source}: {record.error.message}", file=sys.stderr)
                continue
            reports += 1
            rules.update(f.rule for f in record.findings if f.status == "failed")
            x = record.extraction
            if backend != "rules" and not args.quiet:
                print(
                    f"extract: {record.source}: {x.calls} call(s), {x.tokens.prompt} prompt + "
                    f"{x.tokens.completion} completion tokens"
                    + (f", {len(x.errors)} failed" if x.errors else ""),
                    file=sys.stderr,
                )
        writer.close()
        if summary:
            summary.close()
        if pages:
            pages.close()
    except ConfigError as e:
        print(f"extract: {e}", file=sys.stderr)
        return 2
    finally:
        if out is not sys.stdout:
            out.close()
        if summary_file:
            summary_file.close()
    if not args.quiet:
        found = ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items())) or "none"
        where = f" -> {Path(args.output)}" if args.output else ""
        print(
            f"extract: {reports} report(s) read, {failed} unreadable; failed checks: {found}{where}",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
