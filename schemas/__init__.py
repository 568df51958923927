"""The project's contract: canonical keys, the output records and the gold-label format.

These pydantic models are the single source of truth: the JSON output, the JSON Schema in
`schemas/*.schema.json` (exported by `python -m schemas`) and the fixtures all come from them.
"""

from schemas.fixture import Case, ExpectedClaim, ExpectedFailure, GoldReport
from schemas.report import (
    Ambiguity,
    Claim,
    Contradiction,
    ErrorRecord,
    Extraction,
    Finding,
    InputError,
    InputStamp,
    ProseNumber,
    ProseNumbers,
    ReadingTried,
    ReportRecord,
    SectionSpan,
    Span,
    Tokens,
    Unreadable,
)

__all__ = [
    "Ambiguity",
    "Case",
    "Claim",
    "Contradiction",
    "ErrorRecord",
    "ExpectedClaim",
    "ExpectedFailure",
    "Extraction",
    "Finding",
    "GoldReport",
    "InputError",
    "InputStamp",
    "ProseNumber",
    "ProseNumbers",
    "ReadingTried",
    "ReportRecord",
    "SectionSpan",
    "Span",
    "Tokens",
    "Unreadable",
]
