from teachpoint.cli import main

raise SystemExit(main())
