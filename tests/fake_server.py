"""A fake OpenAI-compatible server on loopback that misbehaves on cue.

Each request takes the next behaviour from a script: a status code (with headers), a delay
longer than the client's timeout, malformed JSON, an answer that violates the schema, a
truncated answer (finish_reason=length), a connection reset, or a good answer computed by a
callback from the request. Requests past the script get good answers.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fake_model import completion

Answer = Callable[[dict[str, Any]], bytes]


class FakeServer:
    def __init__(self, good: Answer, script: list[tuple] | None = None) -> None:
        self.good = good
        self.script = list(script or [])
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                outer.requests.append(body)
                outer.headers.append(dict(self.headers))
                step = outer.script.pop(0) if outer.script else ("good",)
                outer.act(self, step, body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/v1"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def act(self, handler: BaseHTTPRequestHandler, step: tuple, body: dict[str, Any]) -> None:
        kind = step[0]
        if kind == "reset":
            # RST instead of a response: SO_LINGER with a zero timeout, then close.
            handler.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            handler.connection.close()
            handler.close_connection = True
            return
        if kind == "sleep":
            time.sleep(step[1])
            payload, code, headers = self.good(body), 200, {}
        elif kind == "status":
            payload = json.dumps({"error": {"message": f"status {step[1]}"}}).encode()
            code, headers = step[1], (step[2] if len(step) > 2 else {})
        elif kind == "malformed":
            payload, code, headers = completion(_tool(body), '{"rows": [{"row": ').content, 200, {}
        elif kind == "violation":
            payload, code, headers = (
                completion(_tool(body), {"rows": [{"row": 7}]}).content,
                200,
                {},
            )
        elif kind == "length":
            payload = completion(_tool(body), '{"rows": [', finish="length").content
            code, headers = 200, {}
        else:
            payload, code, headers = self.good(body), 200, {}
        handler.send_response(code)
        for k, v in {"content-type": "application/json", **headers}.items():
            handler.send_header(k, v)
        handler.send_header("content-length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)


def _tool(body: dict[str, Any]) -> str:
    return body["tools"][0]["function"]["name"]
