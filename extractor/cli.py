"""`extract`: read annual reports, check their arithmetic, write one record per report.

The model edge (openai, instructor, langchain) is imported only when a model is used, so
that `--help`, `--version` and the rules backend start at once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sqlite3
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from extractor import __version__
from extractor.batch import (
    STDIN,
    OutputRefused,
    Totals,
    append_line,
    identity,
    prepare_resume,
    read_records,
    record_identity,
    resumable,
    unique,
)
from extractor.batch.pool import Done, add_tally, read_all, usable_cores
from extractor.errors import ConfigError, UnreadableInput
from extractor.ingest.files import discover, read_document
from extractor.ingest.pdf import DEFAULT_LIMITS, PdfLimits, set_limits
from extractor.model.cache import DEFAULT_PATH as DEFAULT_CACHE
from extractor.review.database import Database
from extractor.review.output import FORMATS, Writer, to_json
from extractor.review.pages import HtmlWriter
from extractor.review.summary import SummaryWriter
from schemas import ErrorRecord, ReportRecord

if TYPE_CHECKING:
    from extractor.extract import Record
    from extractor.model.backends import ModelSettings
    from extractor.model.llm import LLMConfig

BACKENDS = ("rules", "llm", "hybrid", "auto")
MODE_NAMES = ("json", "json_schema", "md_json", "tools")  # the keys of extractor.model.llm.MODES

# Exit statuses.
OK, NOT_READ, USAGE, OUTPUT_FAILED, INTERRUPTED, CLOSED_PIPE = 0, 1, 2, 3, 130, 141

DESCRIPTION = """\
Read 政府信息公开工作年度报告 (government information disclosure annual reports) and audit
their tables. For each input file (.txt, .md, .markdown, .html, .htm, .xhtml, .docx, .pdf;
folders are walked recursively, and files of other types in them are counted and named; `-`
reads one report from standard input) write one record: the canonical cells of the four tables, where each
value was read in the original text, and the findings of the arithmetic checks (勾稽关系).
The output contract is docs/format.md.

The evaluation is a command of its own, `extract-eval [OPTIONS]` (from a clone; the same as
`python -m eval`).
"""

EPILOG = """\
Exit status:
  0    every input was read as asked (findings are data, not errors)
  1    some input was not read as asked: it could not be read (an error record and a line
       on stderr), or a model call failed for good (the reader's cells stand, the reason is
       in extraction.errors); the other records are still written
  2    usage or set-up error: a bad option, a model set-up that is incomplete or whose
       endpoint cannot be reached on the first call, an output
       (-o, --summary, --html) that cannot be created, an existing -o FILE that is not an
       earlier output (without --no-resume); nothing is read
  3    an output failed while being written (disk full, ...)
  130  interrupted (Ctrl-C): the records written so far stand, and a rerun with the same
       -o FILE.jsonl resumes
  141  standard output was closed early (e.g. `extract ... | head -1`): stops quietly
"""


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extract",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="report files or folders; - for standard input"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write records to FILE instead of stdout (- is stdout); FILE.csv and FILE.json "
        "choose the format unless --format says otherwise",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="jsonl (default): one JSON object per line; json: one array; csv (UTF-8 with a "
        "BOM, for Excel): one row per report and cell, then one per finding (column kind)",
    )
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="auto",
        help="rules: the deterministic reader alone (no model); llm: the model reads every "
        "table; hybrid: the reader, with the model only where the reader cannot decide and on "
        "the prose; auto (default): hybrid when a model is configured, rules otherwise",
    )
    parser.add_argument(
        "--jobs",
        type=_positive,
        metavar="N",
        help="worker processes reading reports at once, at least 1 (default: the usable "
        "cores; 1 when reading standard input); a worker that dies costs only the input it "
        "was reading, which gets an error record",
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
        choices=MODE_NAMES,
        help="instructor mode (default: tools, which hosted endpoints and llama.cpp both accept; "
        "json_schema where the endpoint supports it)",
    )
    model.add_argument(
        "--calls",
        type=_positive,
        default=1,
        metavar="N",
        help="model calls in flight at most, across all worker processes (default 1: a local "
        "server answers one at a time; raise it for a hosted endpoint)",
    )
    model.add_argument(
        "--timeout", type=float, default=300.0, help="seconds per request (default 300)"
    )
    model.add_argument(
        "--chunk-tokens",
        type=_positive,
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
        type=_positive,
        default=4,
        help="tries per request on 429, 5xx, timeouts and broken connections, with exponential "
        "backoff and a line on stderr per wait (default 4); an endpoint unreachable on the "
        "first call stops the batch at once",
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
        "--db",
        metavar="FILE",
        help="also write the records as SQLite tables (reports, cells, findings, contradictions, "
        "claims; docs/format.md, Tables); with a resumed -o FILE.jsonl it is brought up to date, "
        "otherwise written afresh",
    )
    parser.add_argument(
        "--no-resume",
        action="store_true",
        help="with -o FILE.jsonl, start over instead of keeping the records already in FILE "
        "(a rerun keeps them, reads again inputs that failed or changed, and --summary and "
        "--html describe every record in FILE); needed to overwrite an existing FILE that is "
        "not an earlier output",
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
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _fail(message: str) -> None:
    print(f"extract: error: {message}", file=sys.stderr)


def _model_config(args: argparse.Namespace) -> LLMConfig | None:
    """The model set-up the options and OPENAI_* variables give, None for the rules backend;
    ConfigError naming everything missing at once."""
    if args.backend == "rules":
        return None
    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL")
    api_key = os.environ.get("OPENAI_API_KEY")
    name = args.model or os.environ.get("OPENAI_MODEL")
    endpoint = bool(base_url or api_key)
    if args.backend == "auto" and not endpoint:
        return None
    missing = []
    if not endpoint:
        missing.append(
            "an endpoint (--base-url or OPENAI_BASE_URL; OPENAI_API_KEY alone means api.openai.com)"
        )
    if not name:
        missing.append("a model name (--model or OPENAI_MODEL)")
    if missing:
        raise ConfigError(f"--backend {args.backend} needs {' and '.join(missing)}")
    from extractor.model.llm import LLMConfig

    return LLMConfig.from_env(
        model=args.model,
        base_url=args.base_url,
        mode=args.mode,
        timeout=args.timeout,
        reasks=args.reasks,
        attempts=args.attempts,
    )


def _backend(args: argparse.Namespace) -> tuple[str, ModelSettings | None]:
    """The backend to run and its model, or ConfigError for an impossible set-up."""
    config = _model_config(args)
    if config is None:
        if args.backend == "auto" and not args.quiet:
            print(
                "extract: no model configured (OPENAI_BASE_URL / OPENAI_API_KEY): backend rules",
                file=sys.stderr,
            )
        return "rules", None
    from extractor.model.backends import ModelSettings
    from extractor.model.cache import ResponseCache
    from extractor.model.llm import LLM

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


def _format(args: argparse.Namespace) -> str:
    """--format, or the output file's extension, or jsonl."""
    if args.format:
        return args.format
    suffix = Path(args.output).suffix.lower() if args.output and args.output != "-" else ""
    return {".csv": "csv", ".json": "json"}.get(suffix, "jsonl")


def _create(path: str, append: bool = False) -> int:
    """A descriptor on `path`, created with mode 0666 less the umask (0644 as a rule)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)
    return os.open(path, flags, 0o666)


def _why(e: OSError) -> str:
    return e.strerror or str(e)


class _Outputs:
    """The files one run writes, opened before any input is read so that a bad path costs
    nothing."""

    def __init__(self, args: argparse.Namespace, fmt: str, resume: bool) -> None:
        self.fd: int | None = None
        self.out: TextIO | None = None
        self.summary_file: TextIO | None = None
        self.summary: SummaryWriter | None = None
        self.pages: HtmlWriter | None = None
        self.db: Database | None = None
        self.owned: list[TextIO] = []
        target = args.output
        try:
            if resume:
                self.fd = _create(target, append=True)
            elif target and target != "-":
                self.out = open(_create(target), "w", encoding="utf-8", newline="")
                self.owned.append(self.out)
            else:
                self.out = sys.stdout
        except OSError as e:
            self.close()
            raise _OutputError(f"cannot write -o {target}: {_why(e)}") from e
        if args.summary:
            try:
                self.summary_file = open(_create(args.summary), "w", encoding="utf-8")
            except OSError as e:
                self.close()
                raise _OutputError(f"cannot write --summary {args.summary}: {_why(e)}") from e
            self.owned.append(self.summary_file)
            self.summary = SummaryWriter(self.summary_file)
        if args.html:
            try:
                self.pages = HtmlWriter(Path(args.html))
            except OSError as e:
                self.close()
                raise _OutputError(f"cannot write pages to --html {args.html}: {_why(e)}") from e
        if args.db:
            try:
                # A resumed run brings the file up to date; any other run starts it afresh.
                self.db = Database(Path(args.db), fresh=not resume)
            except (OSError, sqlite3.Error) as e:
                self.close()
                raise _OutputError(f"cannot write --db {args.db}: {e}") from e
        self.writer = Writer(self.out, fmt) if self.out is not None else None

    def reopen(self, path: str) -> None:
        """Append to `path` anew: resuming may have replaced the file under the descriptor."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
            self.fd = _create(path, append=True)

    def write_done(self, done: Done) -> None:
        """Write a record read now; for JSONL its line as the worker serialised it."""
        if self.writer is not None and self.writer.fmt != "jsonl":
            self.writer.write(done.record)
        elif self.writer is not None:
            self.writer.write_line(done.line)
        else:
            append_line(self.fd, done.line)  # type: ignore[arg-type]
        if self.summary or self.pages or self.db:
            self.write(done.record, done.original, new=False)

    def write(self, record: Record, original: str | None, new: bool = True) -> None:
        if new:
            if self.writer is not None:
                self.writer.write(record)
            else:
                append_line(self.fd, to_json(record))  # type: ignore[arg-type]
        if self.summary:
            self.summary.add(record, original)
        if self.pages:
            self.pages.add(record, original)
        if self.db:
            self.db.add(record)

    def finish(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.summary:
            self.summary.close()
        if self.pages:
            self.pages.close()
        if self.db:
            self.db.commit()

    def close(self) -> None:
        for f in self.owned:
            f.close()
        if self.db is not None:
            self.db.close()
            self.db = None
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class _OutputError(Exception):
    """An output cannot be created."""


def _original(record: Record) -> str | None:
    """The decoded text of a record's input, read again for the pages of a resumed record."""
    if isinstance(record, ErrorRecord):
        return None
    where = record.extraction.input.path if record.extraction.input else record.source
    try:
        return read_document(Path(where), record.source).text.original
    except UnreadableInput:
        return None


def evaluation(argv: list[str] | None = None) -> int:
    """`extract-eval ...` (the same as `python -m eval ...`): the evaluation of eval/, which
    ships with the source tree. Not a word of `extract`, whose arguments are paths: a
    folder named `eval` is read like any other."""
    argv = list(sys.argv[1:] if argv is None else argv)
    root = Path(__file__).resolve().parent.parent
    if not (root / "eval" / "evaluate.py").is_file():
        _fail("the evaluation needs the source tree (eval/ beside extractor/): run it in a clone")
        return USAGE
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    import importlib

    # Imported by name: eval/ is the source tree's, not part of the installed package.
    evaluate = importlib.import_module("eval.evaluate").main
    return int(evaluate(argv))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    if args.paths == ["eval"] and not Path("eval").exists():
        _fail("no file or folder eval here; the evaluation is `extract-eval` or `python -m eval`")
        return USAGE
    try:
        return _main(args)
    except KeyboardInterrupt:  # before the batch began (walking folders, setting up)
        print("extract: interrupted: 0 records written", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # again when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return CLOSED_PIPE


def _main(args: argparse.Namespace) -> int:
    try:
        backend, model = _backend(args)
        prices = _prices(args, model)
    except ConfigError as e:
        _fail(str(e))
        return USAGE
    set_limits(PdfLimits(args.pdf_max_bytes, args.pdf_max_pages, args.pdf_max_stream))
    unsupported: list[Path] = []
    dangling: list[Path] = []
    if args.output == "/dev/stdout":
        args.output = "-"  # the same stream: written as `-o -` writes it, never read back
    fmt = _format(args)
    resume = bool(args.output) and args.output != "-" and fmt == "jsonl" and not args.no_resume
    inputs = unique(discover(args.paths, unsupported, dangling))
    if args.dump_text:
        return _dump_text(inputs)
    try:
        resume = resume and resumable(Path(args.output))
    except OutputRefused as e:
        _fail(f"{e}; give --no-resume to overwrite it, or another -o")
        return USAGE
    try:
        outputs = _Outputs(args, fmt, resume)
    except _OutputError as e:
        _fail(str(e))
        return USAGE
    totals = Totals()
    written = 0
    from tqdm import tqdm

    try:
        if resume:
            # Records that do not stand are taken out of the file first; the rest are
            # described by --summary and --html as if read now. The totals count this
            # run's inputs only, not records another run left of other inputs.
            named = {identity(p) for p in inputs if p != STDIN}
            inputs, _ = prepare_resume(Path(args.output), inputs)
            outputs.reopen(args.output)
            for record in read_records(Path(args.output)):
                if record_identity(record) in named:
                    totals.add(record)
                    totals.resumed += 1
                if outputs.summary or outputs.pages or outputs.db:
                    original = _original(record) if outputs.summary or outputs.pages else None
                    outputs.write(record, original, new=False)
        jobs = args.jobs or (1 if STDIN in inputs else usable_cores())
        originals = bool(outputs.summary or outputs.pages)
        results = read_all(inputs, backend, model, jobs, args.calls, originals)
        bar = tqdm(
            total=len(inputs),
            unit="report",
            file=sys.stderr,
            disable=args.quiet or not sys.stderr.isatty(),
        )
        try:
            for done in results:
                outputs.write_done(done)
                written += 1
                add_tally(totals, done.tally)
                bar.update()
                if backend != "rules" or done.tally.unreadable or done.tally.model_failed:
                    _report_line(bar, done.record, backend, args.quiet)
            outputs.finish()
        finally:
            bar.close()
            results.close()  # stops the workers whatever ended the loop
    except ConfigError as e:
        _fail(str(e))
        return USAGE
    except BrokenPipeError:
        raise
    except OSError as e:
        _fail(f"writing the output failed: {_why(e)}")
        return OUTPUT_FAILED
    except KeyboardInterrupt:
        return _interrupted(args, outputs, written, resume)
    finally:
        outputs.close()
        if model is not None and model.llm.cache is not None:
            model.llm.cache.close()
    if not args.quiet:
        print(_closing(totals, args, backend, prices), file=sys.stderr)
        if unsupported:
            print(_skipped(unsupported), file=sys.stderr)
        if dangling:
            print(_skipped(dangling, "symbolic link(s) that point nowhere"), file=sys.stderr)
    return NOT_READ if totals.unreadable or totals.model_failed else OK


def _interrupted(args: argparse.Namespace, outputs: _Outputs, written: int, resume: bool) -> int:
    """Ctrl-C: close what was written so that it stands, and say so in one line."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        with contextlib.suppress(OSError, ValueError):
            outputs.finish()  # a JSON array closed, the summary and pages of what was read
        where = args.output if args.output and args.output != "-" else "stdout"
        again = "; rerun to resume" if resume else ""
        print(f"extract: interrupted: {written} records written to {where}{again}", file=sys.stderr)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return INTERRUPTED


def _report_line(bar, record: Record, backend: str, quiet: bool) -> None:
    if isinstance(record, ErrorRecord):
        bar.write(f"extract: {record.source}: {record.error.message}", file=sys.stderr)
        return
    x = record.extraction
    if x.errors:
        bar.write(
            f"extract: {record.source}: {len(x.errors)} model call(s) failed, "
            f"the reader's cells stand: {x.errors[0]}",
            file=sys.stderr,
        )
    elif isinstance(record, ReportRecord) and backend != "rules" and not quiet:
        bar.write(
            f"extract: {record.source}: {x.calls} call(s), {x.tokens.prompt} prompt + "
            f"{x.tokens.completion} completion tokens"
            + (f", {x.cached} from cache" if x.cached else ""),
            file=sys.stderr,
        )


def _skipped(paths: list[Path], what: str = "file(s) of unsupported types", shown: int = 10) -> str:
    names = ", ".join(str(p) for p in paths[:shown])
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return f"extract: skipped: {len(paths)} {what} ({names}{more})"


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
    where = f" -> {Path(args.output)}" if args.output and args.output != "-" else ""
    line = f"extract: {totals.reports} report(s) read"
    if totals.resumed:
        line += f" ({totals.resumed} kept from {args.output})"
    line += f", {totals.unreadable} unreadable"
    if totals.model_failed:
        line += f", {totals.model_failed} with failed model calls"
    line += f"; failed checks: {found}"
    if totals.ambiguous:
        line += (
            f"; {totals.ambiguous} ambiguous cell(s) with more than one reading (see `ambiguous`)"
        )
    if totals.settled:
        line += f"; {totals.settled} glued cell(s) cut as the prose states (see `settled_by_prose`)"
    line += where
    if backend != "rules":
        line += (
            f"\nextract: {totals.calls} model call(s), {totals.cached} from cache, "
            f"{totals.prompt} prompt + {totals.completion} completion tokens"
        )
        cost = totals.cost(prices)
        line += f", cost ${cost:.4f}" if cost is not None else " (cost: give --prices)"
    return line


def entry() -> None:
    """The `extract` command: `main`, then exit; after Ctrl-C without waiting for model calls
    still in flight in other threads (their reports are not written; a rerun reads them)."""
    code = main()
    if code == INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    entry()
