"""``r2tui mv SRC DST``: move or rename an object, or every object under a prefix."""

from __future__ import annotations

import argparse

from r2tui.settings import Settings

HELP = "move or rename an object or a prefix (server-side, guarded)"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SRC", help="a key, or a prefix ending with '/'")
    parser.add_argument("target", metavar="DST",
                        help="the new key, or a prefix ending with '/' (the name is kept)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace an object at DST (the old one goes to the trash)")
    parser.add_argument("--dry-run", action="store_true", help="print the moves, do nothing")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.add_argument("--workers", type=int, metavar="N", help="parallel moves (default 10)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.cli.relocating import expand, move_command, with_workers
    from r2tui.library import Library

    settings = with_workers(settings, args.workers)
    library = Library(settings)
    try:
        pairs = expand(library, args.source, args.target)
    finally:
        library.close()
    return move_command(settings, pairs, verb="move", overwrite=args.overwrite,
                        dry_run=args.dry_run, as_json=args.json)
