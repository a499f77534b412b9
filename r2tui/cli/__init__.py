"""The ``r2tui`` command line: the headless commands, and the TUI when no command is given.

stdout carries data only (tables, JSON, URLs); diagnostics go to stderr, one line each.
Each command is a module of this package, registered in :data:`r2tui.cli.parser.COMMANDS`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from r2tui.cli.parser import build_parser, settings_from
from r2tui.errors import ExitCode, R2TuiError

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args) if args.uses_settings else None
        return args.run(args, settings)
    except R2TuiError as exc:
        print(f"r2tui: error: {exc.message}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("r2tui: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
