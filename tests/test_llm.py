"""The LLM edge against a fake model: retries, re-asks, truncation, token accounting."""

from __future__ import annotations

import httpx
import pytest

from extractor.errors import ConfigError
from extractor.model.llm import EndpointUnreachable, LLMConfig, LLMError, Usage
from schemas.llm import TableReading
from tests.fake_model import SECRET, FakeModel, completion, status

MESSAGES = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
WIDTHS = {"widths": {"licensing": 1, "rules": 3}}
GOOD = {"rows": [{"row": "licensing", "quote": "行政许可 | 330", "values": [330]}]}
BAD = {"rows": [{"row": "licensing", "quote": "行政许可 | 330", "values": [330, 1]}]}


def ask(fake: FakeModel, usage: Usage | None = None, **overrides) -> TableReading:
    return fake.llm(**overrides).ask(TableReading, MESSAGES, usage or Usage(), WIDTHS)


def test_a_valid_answer_is_parsed_and_its_tokens_counted():
    fake = FakeModel(completion("TableReading", GOOD, prompt_tokens=120, completion_tokens=30))
    usage = Usage()
    reading = ask(fake, usage)
    assert reading.rows[0].values == [330]
    assert (usage.calls, usage.attempts, usage.prompt, usage.completion) == (1, 1, 120, 30)
    request = fake.requests[0]
    assert request["model"] == "fake" and request["temperature"] == 0
    assert request["tools"][0]["function"]["name"] == "TableReading"


def test_429_waits_as_long_as_retry_after_says():
    fake = FakeModel(status(429, {"retry-after": "7"}), completion("TableReading", GOOD))
    assert ask(fake).rows[0].row == "licensing"
    assert fake.slept == [7.0]
    assert len(fake.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [
        status(500),
        status(503),
        httpx.ReadTimeout("slow"),
        httpx.RemoteProtocolError("reset"),
    ],
    ids=["500", "503", "timeout", "connection-reset"],
)
def test_transient_failures_are_retried_with_backoff(failure):
    fake = FakeModel(failure, completion("TableReading", GOOD))
    usage = Usage()
    assert ask(fake, usage).rows[0].values == [330]
    assert len(fake.slept) == 1 and 0 < fake.slept[0] <= 2.0  # exponential, first step, jitter
    assert usage.attempts == 2  # every request sent counts, answered or not


def test_each_wait_before_a_retry_is_a_line_on_stderr(capsys):
    fake = FakeModel(
        status(503), status(429, {"retry-after": "3"}), completion("TableReading", GOOD)
    )
    assert ask(fake).rows[0].values == [330]
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"extract: model call to http://fake.invalid/v1 HTTP 503; retrying in {fake.slept[0]:.1f} s "
        "(attempt 2 of 4)",
        "extract: model call to http://fake.invalid/v1 HTTP 429; retrying in 3.0 s (attempt 3 of 4)",
    ]


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectError("[Errno -2] Name or service not known"),
    ],
    ids=["refused", "dns"],
)
def test_an_endpoint_unreachable_on_the_first_call_is_a_setup_error_not_retried(failure):
    fake = FakeModel(failure)
    with pytest.raises(EndpointUnreachable) as e:
        ask(fake)
    assert isinstance(e.value, ConfigError)
    assert str(e.value).startswith("the model endpoint http://fake.invalid/v1 cannot be reached")
    assert str(failure) in str(e.value)
    assert len(fake.requests) == 1 and fake.slept == []


def test_an_endpoint_lost_after_it_answered_fails_that_call_without_retries():
    fake = FakeModel(completion("TableReading", GOOD), httpx.ConnectError("refused"))
    llm = fake.llm()
    assert llm.ask(TableReading, MESSAGES, Usage(), WIDTHS).rows[0].values == [330]
    with pytest.raises(LLMError) as e:
        llm.ask(TableReading, MESSAGES, Usage(), WIDTHS)
    assert e.value.kind == "transport" and "refused" in str(e.value)
    assert len(fake.requests) == 2 and fake.slept == []


def test_backoff_grows_and_gives_up_after_the_attempts():
    fake = FakeModel(*[status(502)] * 4)
    with pytest.raises(LLMError) as e:
        ask(fake)
    assert e.value.kind == "transport"
    assert len(fake.requests) == 4
    assert len(fake.slept) == 3 and fake.slept[2] >= 4.0


def test_a_client_error_is_not_retried():
    fake = FakeModel(status(400))
    with pytest.raises(LLMError) as e:
        ask(fake)
    assert e.value.kind == "transport" and len(fake.requests) == 1


def test_an_invalid_answer_is_sent_back_with_the_error_and_corrected():
    fake = FakeModel(
        completion("TableReading", BAD, prompt_tokens=100, completion_tokens=10),
        completion("TableReading", GOOD, prompt_tokens=150, completion_tokens=12),
    )
    usage = Usage()
    assert ask(fake, usage).rows[0].values == [330]
    assert (usage.calls, usage.attempts, usage.prompt, usage.completion) == (1, 2, 250, 22)
    reask = str(fake.requests[1]["messages"])
    assert "needs 1 values, got 2" in reask


def test_reasks_are_bounded_and_every_attempt_is_counted():
    fake = FakeModel(*[completion("TableReading", BAD, prompt_tokens=10, completion_tokens=1)] * 3)
    usage = Usage()
    with pytest.raises(LLMError) as e:
        ask(fake, usage, reasks=2)
    assert e.value.kind == "invalid" and "needs 1 values" in str(e.value)
    assert (usage.attempts, usage.prompt, usage.completion) == (3, 30, 3)


def test_malformed_json_is_reasked():
    fake = FakeModel(
        completion("TableReading", '{"rows": [{"row": "licen'), completion("TableReading", GOOD)
    )
    assert ask(fake).rows[0].values == [330]
    assert len(fake.requests) == 2


def test_a_truncated_answer_is_an_error_of_its_own():
    fake = FakeModel(
        completion(
            "TableReading", '{"rows": [', finish="length", prompt_tokens=900, completion_tokens=2048
        )
    )
    usage = Usage()
    with pytest.raises(LLMError) as e:
        ask(fake, usage)
    assert e.value.kind == "truncated"
    assert usage.completion == 2048


def test_padding_blanks_beyond_a_rows_width_are_not_values():
    padded = {
        "rows": [{"row": "licensing", "quote": "行政许可 | 330", "values": [330, None, None]}]
    }
    assert ask(FakeModel(completion("TableReading", padded))).rows[0].values == [330]


def test_the_key_goes_in_the_header_only():
    fake = FakeModel(completion("TableReading", GOOD))
    ask(fake)
    assert fake.headers[0]["authorization"] == f"Bearer {SECRET}"
    assert SECRET not in str(fake.requests[0])
    assert SECRET not in repr(fake.llm().config)


def test_configuration_from_the_environment():
    assert LLMConfig.from_env(env={}) is None
    config = LLMConfig.from_env(
        env={"OPENAI_BASE_URL": "http://127.0.0.1:8765/v1", "OPENAI_MODEL": "local"}
    )
    assert (config.base_url, config.model, config.mode, config.api_key) == (
        "http://127.0.0.1:8765/v1",
        "local",
        "tools",
        "unused",
    )
    hosted = LLMConfig.from_env(
        model="deepseek-chat", mode="json_schema", env={"OPENAI_API_KEY": "k"}
    )
    assert (hosted.base_url, hosted.model, hosted.mode) == (None, "deepseek-chat", "json_schema")
    with pytest.raises(ConfigError, match="no model"):
        LLMConfig.from_env(env={"OPENAI_API_KEY": "k"})
    with pytest.raises(ConfigError, match="unknown instructor mode"):
        LLMConfig.from_env(model="m", mode="xml", env={"OPENAI_API_KEY": "k"})
