from audioface.cli import main

raise SystemExit(main())
