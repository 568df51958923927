"""Speed of PDF reading: `python eval/bench_pdf.py [--rounds N] [--folder DIR]`.

Prints the examples to PDF with headless Chromium (`eval.pdfgen`; or reads the PDFs in
`--folder`), then, on one core in one process, times two stages over N rounds: the
extraction alone (pdfplumber characters and ruling lines to the extracted text), and the
whole path `extract` runs on a PDF (extraction, the reader on the rebuilt tables and on the
text layer, validator, prose, evidence placed on the pages, JSON). Prints pages per second
and reports per second for each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.pdfgen import example_pages, print_pdfs  # noqa: E402
from extractor.extract import extract_path  # noqa: E402
from extractor.ingest.pdf import read_pdf  # noqa: E402
from extractor.review.output import to_json  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="times each PDF is read")
    parser.add_argument("--folder", type=Path, help="read the PDFs in this folder instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.folder:
            pdfs = sorted(args.folder.glob("*.pdf"))
        else:
            pdfs = list(print_pdfs(example_pages(), Path(tmp)).values())
        data = [p.read_bytes() for p in pdfs]
        pages = sum(read_pdf(d)[1].page_count for d in data)
        reports = len(pdfs)
        print(f"{reports} PDF(s), {pages} pages, {sum(map(len, data)) // reports // 1024} KiB each")
        start = time.perf_counter()
        for _ in range(args.rounds):
            for d in data:
                read_pdf(d)
        t = (time.perf_counter() - start) / args.rounds
        print(f"extraction only: {pages / t:.1f} pages/s, {reports / t:.2f} reports/s")
        start = time.perf_counter()
        for _ in range(args.rounds):
            for p in pdfs:
                to_json(extract_path(p))
        t = (time.perf_counter() - start) / args.rounds
        print(f"whole path:      {pages / t:.1f} pages/s, {reports / t:.2f} reports/s")


if __name__ == "__main__":
    main()
