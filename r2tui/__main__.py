"""Allow ``python -m r2tui``."""

from r2tui.cli import main

raise SystemExit(main())
