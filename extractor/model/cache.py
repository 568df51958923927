"""An on-disk cache of model answers, so that a rerun costs no tokens.

The key is everything that decides an answer: the endpoint's model and instructor mode, the
messages (prompt id and version, and the chunk's text, are in them), the response schema
and the validation context. SQLite, because it is in the standard library, survives a kill
mid-write, and lets concurrent jobs share one file.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from pydantic import BaseModel

DEFAULT_PATH = Path.home() / ".cache" / "report-audit" / "responses.sqlite3"


def cache_key(
    model: str, mode: str, messages: list[dict[str, str]], schema: type[BaseModel], context: Any
) -> str:
    payload = json.dumps(
        {
            "model": model,
            "mode": mode,
            "messages": messages,
            "schema": schema.model_json_schema(),
            "context": context,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT NOT NULL, "
            "prompt_tokens INTEGER, completion_tokens INTEGER)"
        )

    def get(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def put(self, key: str, answer: str, prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                (key, answer, prompt_tokens, completion_tokens),
            )

    def close(self) -> None:
        with self._lock:
            self._db.close()
