"""``r2tui rm KEY|PREFIX ...``: move objects to the trash (``.trash/<UTC time>/<key>``)."""

from __future__ import annotations

import argparse

from r2tui.settings import Settings

HELP = "move objects to the trash (restore with 'r2tui trash restore')"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="+", metavar="KEY|PREFIX",
                        help="keys, or prefixes ending with '/'")
    parser.add_argument("--dry-run", action="store_true", help="print what would go, do nothing")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.add_argument("--workers", type=int, metavar="N", help="parallel moves (default 10)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.cli.relocating import expand, move_command, with_workers
    from r2tui.library import Library

    settings = with_workers(settings, args.workers)
    library = Library(settings)
    try:
        pairs = {src: (src, dst, n) for target in args.targets
                 for src, dst, n in expand(library, target, None)}
    finally:
        library.close()
    return move_command(settings, list(pairs.values()), verb="trash", overwrite=False,
                        dry_run=args.dry_run, as_json=args.json)
