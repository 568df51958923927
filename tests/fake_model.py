"""A fake OpenAI-compatible model: queued answers served through httpx's in-memory transport.

The real openai client and instructor run unchanged; only the HTTP exchange is replaced, so
retries, re-asks and token accounting are exercised as they are against a server.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai

from extractor.model.llm import LLM, LLMConfig

SECRET = "sk-test-0123456789abcdefghijklmnop"


def completion(
    tool: str,
    arguments: dict[str, Any] | str,
    *,
    finish: str = "tool_calls",
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
) -> httpx.Response:
    """A chat completion whose single tool call answers with `arguments`."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_0",
                            "type": "function",
                            "function": {"name": tool, "arguments": args},
                        }
                    ],
                },
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }
    return httpx.Response(200, json=body)


def status(code: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        code, headers=headers or {}, json={"error": {"message": f"status {code}"}}
    )


class FakeModel:
    """Answers requests from a queue; records each request body."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[httpx.Headers] = []
        self.slept: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(json.loads(request.content))
        self.headers.append(request.headers)
        if not self.answers:
            raise AssertionError("the fake model got more requests than answers")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def llm(self, cache: Any = None, **overrides: Any) -> LLM:
        config = LLMConfig(
            model="fake", base_url="http://fake.invalid/v1", api_key=SECRET, **overrides
        )
        client = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            max_retries=0,
            http_client=httpx.Client(transport=httpx.MockTransport(self)),
        )
        return LLM(config, client=client, sleep=self.slept.append, cache=cache)
