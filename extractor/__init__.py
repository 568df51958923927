"""Read and audit 政府信息公开工作年度报告: tables, arithmetic, prose.

`audit_file(path)` and `audit_text(text)` return the `schemas.ReportRecord` that the
`extract` command writes (README, "As a library")."""

__version__ = "0.1.0"

from extractor.extract import audit_file, audit_text

__all__ = ["__version__", "audit_file", "audit_text"]
