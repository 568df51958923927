"""`python -m extractor.ray`: a batch on Ray Data (README, "On a Ray cluster")."""

from extractor.ray import main

raise SystemExit(main())
