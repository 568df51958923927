"""The project's errors: one base, a few kinds a caller can tell apart."""

from __future__ import annotations


class ExtractError(Exception):
    """Base of every error the project raises on purpose."""


class ConfigError(ExtractError):
    """The tool is set up wrongly (bad option, missing model setting); never retried."""


class UnreadableInput(ExtractError):
    """One input cannot be read as a report; the batch goes on without it."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
