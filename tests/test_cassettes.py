"""No cassette holds a key: proven by recording with one, and checked on every cassette."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import openai
import pytest
import yaml

from extractor.model.llm import LLM, LLMConfig, Usage
from schemas.llm import ReportMeta
from tests.conftest import CASSETTES, recorder
from tests.fake_model import SECRET, completion

ANSWER = completion("ReportMeta", {"body": "抚远市", "year": 2024, "quote": "抚远市2024年"}).content


class _Endpoint(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        _Endpoint.seen.append(self.headers.get("authorization", ""))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()
    server.server_close()


def test_recording_with_a_key_leaves_no_key_in_the_cassette(tmp_path, endpoint):
    path = tmp_path / "recorded.yaml"
    config = LLMConfig(model="local", base_url=endpoint, api_key=SECRET, attempts=1)
    client = openai.OpenAI(base_url=endpoint, api_key=SECRET, max_retries=0)
    with recorder("all").use_cassette(str(path)):
        meta = LLM(config, client=client).ask(
            ReportMeta, [{"role": "user", "content": "x"}], Usage()
        )
    assert meta.body == "抚远市"
    assert _Endpoint.seen[-1] == f"Bearer {SECRET}"  # the key was really sent
    text = path.read_text(encoding="utf-8")
    assert len(yaml.safe_load(text)["interactions"]) == 1
    assert SECRET not in text
    assert "authorization" not in text.lower()


CASSETTE_FILES = sorted(CASSETTES.rglob("*.yaml"))
KEY_LIKE = re.compile(r"sk-[A-Za-z0-9_-]{8,}|Bearer\s+\S+", re.IGNORECASE)


@pytest.mark.parametrize("path", CASSETTE_FILES, ids=[p.stem[:60] for p in CASSETTE_FILES])
def test_committed_cassettes_hold_no_secret_and_real_answers(path):
    text = path.read_text(encoding="utf-8")
    assert not KEY_LIKE.search(text)
    data = yaml.safe_load(text)
    assert data["interactions"]
    for interaction in data["interactions"]:
        headers = {k.lower() for k in interaction["request"]["headers"]}
        assert headers.isdisjoint({"authorization", "api-key", "x-api-key"})
        answer = json.loads(interaction["response"]["body"]["string"])
        if interaction["response"]["status"]["code"] == 200:
            assert answer["choices"] and answer["usage"]["completion_tokens"] > 0
        else:  # the server's own refusal, e.g. a re-ask past the model's context window
            assert answer["error"]["message"]
