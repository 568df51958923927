"""`python -m extractor`: the `extract` command."""

from extractor.cli import entry

entry()
