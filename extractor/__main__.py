"""`python -m extractor`: the `extract` command."""

from extractor.cli import main

raise SystemExit(main())
