from __future__ import annotations

import random

import pytest

from eval.synth import random_cells, render_report
from extractor.extract import extract_document
from extractor.ingest import parse_document
from schemas import ReportRecord


def read_text(text: str, suffix: str = ".txt", encoding: str = "utf-8") -> ReportRecord:
    """Run the whole rules path on an in-memory report."""
    return extract_document(parse_document(text.encode(encoding), f"mem{suffix}", suffix))


@pytest.fixture
def cells_2021():
    return random_cells(random.Random(7), "2021", True)


@pytest.fixture
def report_2021(cells_2021):
    return render_report(cells_2021, layout="tabs")
