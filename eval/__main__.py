from eval.evaluate import main

raise SystemExit(main())
