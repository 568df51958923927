"""The one LLM edge: an OpenAI-compatible endpoint through instructor.

Endpoint, key, model, instructor mode, timeouts, retries and token accounting live here and
nowhere else. Transient failures (429 honouring Retry-After, 5xx, timeouts, a connection
broken mid-answer) are retried by tenacity with exponential backoff and jitter, a line on
stderr for each wait; an answer that does not validate against the response model is fed
back to the model by instructor for a bounded number of re-asks. Every attempt's tokens are
counted, whether or not it succeeded.

An endpoint that cannot be reached at all (connection refused, a name that does not
resolve) is not retried: before it has ever answered, that is the set-up's fault, and
`EndpointUnreachable` (a `ConfigError`) stops the batch with one line naming the URL.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from extractor.errors import ConfigError, ExtractError
from extractor.model.cache import ResponseCache, cache_key

T = TypeVar("T", bound=BaseModel)

# instructor logs every failed attempt at ERROR; the outcome of each call is recorded in the
# report's `extraction` record instead, so a batch's stderr stays one line per report.
logging.getLogger("instructor").setLevel(logging.CRITICAL)

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json": instructor.Mode.JSON,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "md_json": instructor.Mode.MD_JSON,
}


class LLMError(ExtractError):
    """A model call failed for good (after retries and re-asks); the cause is kept."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # transport, invalid, truncated


class EndpointUnreachable(ConfigError):
    """The endpoint could not be reached on the first call: nothing will reach it."""


@dataclass(frozen=True)
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str = "tools"
    timeout: float = 300.0
    attempts: int = 4  # transport attempts per call
    reasks: int = 2  # re-asks after an answer that does not validate
    max_tokens: int = 2048
    max_wait: float = 60.0  # longest backoff between transport attempts

    @classmethod
    def from_env(
        cls,
        model: str | None = None,
        base_url: str | None = None,
        mode: str | None = None,
        env: dict[str, str] | None = None,
        **overrides: Any,
    ) -> LLMConfig | None:
        """The configuration from options, then OPENAI_* variables; None if no model is set
        up (no endpoint and no key)."""
        env = dict(os.environ) if env is None else env
        base_url = base_url or env.get("OPENAI_BASE_URL") or None
        api_key = env.get("OPENAI_API_KEY") or None
        if not base_url and not api_key:
            return None
        model = model or env.get("OPENAI_MODEL") or None
        if not model:
            raise ConfigError(
                "a model endpoint is configured but no model: pass --model or set OPENAI_MODEL"
            )
        mode = mode or env.get("EXTRACT_LLM_MODE") or "tools"
        if mode not in MODES:
            raise ConfigError(f"unknown instructor mode {mode!r}; one of {', '.join(MODES)}")
        if not api_key:
            api_key = "unused"  # local servers want a non-empty key
        return cls(model=model, base_url=base_url, api_key=api_key, mode=mode, **overrides)


@dataclass
class Usage:
    """Calls and tokens, summed over every attempt; answers served from the cache apart."""

    calls: int = 0
    attempts: int = 0
    prompt: int = 0
    completion: int = 0
    cached: int = 0

    def add(self, other: Usage) -> None:
        self.calls += other.calls
        self.attempts += other.attempts
        self.prompt += other.prompt
        self.completion += other.completion
        self.cached += other.cached


def _root(e: BaseException) -> BaseException:
    """The transport error behind instructor's wrapper, if there is one."""
    seen = e
    while isinstance(seen, InstructorRetryException) and seen.__cause__ is not None:
        seen = seen.__cause__
    return seen


def _unreachable(e: BaseException) -> BaseException | None:
    """The connect error behind `e` when no connection could be made (refused, DNS)."""
    seen: BaseException | None = _root(e)
    while seen is not None:
        if isinstance(seen, httpx.ConnectError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _transient(e: BaseException) -> bool:
    cause = _root(e)
    if isinstance(cause, openai.APIStatusError):
        return cause.status_code == 429 or cause.status_code >= 500
    if _unreachable(e) is not None:
        return False  # nothing listens there: waiting does not help
    return isinstance(
        cause, openai.APITimeoutError | openai.APIConnectionError | httpx.TransportError
    )


def _why(e: BaseException | None) -> str:
    cause = _root(e) if e else None
    if isinstance(cause, openai.APIStatusError):
        return f"HTTP {cause.status_code}"
    if isinstance(cause, openai.APITimeoutError | httpx.TimeoutException):
        return "timed out"
    return cause.__class__.__name__ if cause else "failed"


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _retry_after(e: BaseException | None) -> float | None:
    cause = _root(e) if e else None
    if isinstance(cause, openai.APIStatusError):
        value = cause.response.headers.get("retry-after")
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


class LLM:
    """Structured calls to one model. `client` is an `openai.OpenAI`; tests give it an
    in-memory transport with queued answers."""

    def __init__(
        self,
        config: LLMConfig,
        client: openai.OpenAI | None = None,
        sleep: Callable[[float], None] | None = None,
        cache: ResponseCache | None = None,
        gate: AbstractContextManager[Any] | None = None,
        notify: Callable[[str], None] = _stderr,
    ) -> None:
        self.config = config
        self.notify = notify  # a line for each wait before a retry
        self.reached = False  # the endpoint has answered once (any HTTP status)
        raw = client or openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key,
            timeout=config.timeout,
            max_retries=0,  # tenacity below owns retries, so attempts are counted once
        )
        self.client = instructor.from_openai(raw, mode=MODES[config.mode])
        # Every request sent is an attempt, answered or not; tokens come with the answers.
        self.client.on("completion:kwargs", self._attempt)
        self.client.on("completion:response", self._count)
        # Jobs share one LLM; each thread counts the attempts of its own call.
        self._local = threading.local()
        self._backoff = wait_exponential_jitter(initial=1, max=config.max_wait, jitter=1)
        self._sleep = sleep
        self.cache = cache
        # Held around each call sent (not around answers from the cache): a semaphore that
        # worker processes share bounds the calls in flight across a batch.
        self.gate = gate

    def _attempt(self, *args: Any, **kwargs: Any) -> None:
        self._local.usage.attempts += 1

    def _count(self, response: Any) -> None:
        current: Usage = self._local.usage
        usage = getattr(response, "usage", None)
        if usage is not None:
            current.prompt += getattr(usage, "prompt_tokens", 0) or 0
            current.completion += getattr(usage, "completion_tokens", 0) or 0

    @property
    def where(self) -> str:
        return self.config.base_url or "https://api.openai.com/v1"

    def _tell_wait(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        self.notify(
            f"extract: model call to {self.where} {_why(exc)}; retrying in {wait:.1f} s "
            f"(attempt {state.attempt_number + 1} of {self.config.attempts})"
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        after = _retry_after(exc)
        return min(after, self.config.max_wait) if after is not None else self._backoff(state)

    def ask(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        usage: Usage,
        context: dict[str, Any] | None = None,
    ) -> T:
        """The model's answer as `response_model`; `usage` gets every attempt's tokens."""
        key = None
        if self.cache is not None:
            key = cache_key(self.config.model, self.config.mode, messages, response_model, context)
            hit = self.cache.get(key)
            if hit is not None:
                usage.cached += 1
                return response_model.model_validate_json(hit, context=context)
        with self.gate if self.gate is not None else nullcontext():
            answer = self._call(response_model, messages, usage, context)
        if self.cache is not None and key is not None:
            self.cache.put(key, answer.model_dump_json(), 0, 0)
        return answer

    def _call(
        self,
        response_model: type[T],
        messages: list[dict[str, str]],
        usage: Usage,
        context: dict[str, Any] | None,
    ) -> T:
        self._local.usage = current = Usage(calls=1)
        retrying = Retrying(
            retry=retry_if_exception(_transient),
            wait=self._wait,
            stop=stop_after_attempt(self.config.attempts),
            reraise=True,
            sleep=self._sleep or time.sleep,
            before_sleep=self._tell_wait,
        )
        try:
            for attempt in retrying:
                with attempt:
                    answer = self.client.chat.completions.create(
                        model=self.config.model,
                        response_model=response_model,
                        messages=messages,  # type: ignore[arg-type]
                        max_retries=self.config.reasks,
                        context=context,
                        temperature=0,
                        max_tokens=self.config.max_tokens,
                    )
                    self.reached = True
                    return answer
        except IncompleteOutputException as e:
            self.reached = True
            raise LLMError("truncated", "the answer was cut off (finish_reason=length)") from e
        except (InstructorRetryException, openai.OpenAIError, httpx.HTTPError) as e:
            self._unreachable_first(e)
            raise self._failed(e) from e
        finally:
            usage.add(current)
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable_first(self, e: BaseException) -> None:
        """Raise `EndpointUnreachable` when the endpoint, never reached, cannot be."""
        if isinstance(_root(e), openai.APIStatusError):
            self.reached = True
            return
        connect = _unreachable(e)
        if connect is not None and not self.reached:
            raise EndpointUnreachable(
                f"the model endpoint {self.where} cannot be reached ({connect}): "
                "check --base-url / OPENAI_BASE_URL, or give --backend rules"
            ) from e

    def _failed(self, e: BaseException) -> LLMError:
        """The `LLMError` for a call that failed for good."""
        connect = _unreachable(e)
        if connect is not None:
            return LLMError("transport", f"the endpoint {self.where} cannot be reached: {connect}")
        if isinstance(e, InstructorRetryException):
            cause = _root(e)
            if isinstance(cause, openai.OpenAIError | httpx.HTTPError):
                return LLMError("transport", f"{cause.__class__.__name__}: {cause}")
            first = str(cause).splitlines()[1:2] or [str(cause)]
            return LLMError(
                "invalid", f"no valid answer after {e.n_attempts} attempts: {first[0].strip()}"
            )
        return LLMError("transport", f"{e.__class__.__name__}: {e}")
