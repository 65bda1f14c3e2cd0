from persona_tui.cli import main

raise SystemExit(main())
