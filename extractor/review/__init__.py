"""What a reviewer reads: JSONL/CSV writers, the Markdown summary, HTML pages, checks across reports."""
