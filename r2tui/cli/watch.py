"""``r2tui watch``: a live, read-only view of completeness and any running upload."""

from __future__ import annotations

import argparse

from r2tui.errors import UsageError
from r2tui.settings import Settings

HELP = "a live view of completeness and any running upload"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=float, default=10.0, metavar="SECONDS",
                        help="list the bucket again every SECONDS (default 10; each listing "
                        "costs Class A operations)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.cli.watch_view import run_watch
    from r2tui.library import Library

    if args.interval < 1:
        raise UsageError("--interval must be at least 1 second")
    settings.require_storage()
    if settings.local_root is not None:
        settings.require_local_root()
    return run_watch(Library(settings), args.interval)
