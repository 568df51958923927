from __future__ import annotations

import random

import pytest

from eval.synth import random_cells, render_report
from extractor.extract import extract_document
from extractor.ingest.files import parse_document
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


# --- recorded model answers -------------------------------------------------------------
#
# Tests that need a model replay cassettes recorded from a real one. To re-record against
# whatever endpoint OPENAI_BASE_URL / OPENAI_API_KEY / OPENAI_MODEL name (for the local one:
# `scripts/local-llm start && eval $(scripts/local-llm env)`):
#
#     VCR_RECORD_MODE=all .venv/bin/python -m pytest tests/test_recorded.py
#
# Replays match on method, path and body, so a changed prompt, schema or client fails
# loudly instead of replaying a stale answer; the endpoint's host does not matter.

import json  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

import vcr  # noqa: E402
import yaml  # noqa: E402

from extractor.model.llm import LLM, LLMConfig  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "cassettes"
RECORD_MODE = os.environ.get("VCR_RECORD_MODE", "none")
SECRET_HEADERS = ("authorization", "api-key", "x-api-key", "openai-organization", "openai-project")


def cassette_path(request) -> Path:
    module = request.module.__name__.rsplit(".", 1)[-1]
    return CASSETTES / module / f"{request.node.name}.yaml"


def recorder(record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        record_mode=record_mode,
        match_on=("method", "path", "body"),
        filter_headers=[(h, None) for h in SECRET_HEADERS],
        decode_compressed_response=True,
    )


def recorded_model(path: Path) -> str:
    """The model name the cassette was recorded with (request bodies name it)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.loads(data["interactions"][0]["request"]["body"])["model"]


@pytest.fixture
def recorded_llm(request):
    """An LLM whose calls replay (or, with VCR_RECORD_MODE set, record) this test's cassette."""
    path = cassette_path(request)
    if RECORD_MODE == "none":
        if not path.exists():
            pytest.fail(f"no cassette {path.relative_to(ROOT)}: record it (see tests/conftest.py)")
        config = LLMConfig(
            model=recorded_model(path), base_url="http://127.0.0.1:8765/v1", api_key="replay"
        )
    else:
        config = LLMConfig.from_env()
        if config is None:
            pytest.fail("recording needs OPENAI_BASE_URL or OPENAI_API_KEY (and OPENAI_MODEL)")
    with recorder(RECORD_MODE).use_cassette(str(path)):
        yield LLM(config)
