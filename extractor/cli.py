"""`extract`: read annual reports, check their arithmetic, write one record per report."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from extractor import __version__
from extractor.extract import extract_paths
from extractor.output import FORMATS, Writer
from schemas import ErrorRecord

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
        choices=("rules",),
        default="rules",
        help="how cells are read: rules = the deterministic reader (no model needed)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    failed = 0
    rules: Counter[str] = Counter()
    reports = 0
    try:
        writer = Writer(out, args.format)
        for record in extract_paths(args.paths):
            writer.write(record)
            if isinstance(record, ErrorRecord):
                failed += 1
                print(f"extract: {record.source}: {record.error.message}", file=sys.stderr)
                continue
            reports += 1
            rules.update(f.rule for f in record.findings if f.status == "failed")
        writer.close()
    finally:
        if out is not sys.stdout:
            out.close()
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
