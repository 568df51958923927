"""Read and audit 政府信息公开工作年度报告: tables, arithmetic, prose."""

__version__ = "0.1.0"
