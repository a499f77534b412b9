"""``r2tui download``: objects the local library lacks, or the keys and prefixes named.

The arguments live here; the work (:mod:`r2tui.cli.downloading`) is imported only when it runs.
"""

from __future__ import annotations

import argparse

from r2tui.errors import UsageError
from r2tui.settings import Settings

HELP = "download what the local library lacks, or chosen objects (resumable, verified)"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="KEY|PREFIX",
                        help="keys, or prefixes ending with '/', to download")
    parser.add_argument("--auto", action="store_true",
                        help="every categorised object not in the local library")
    parser.add_argument("--to", metavar="DIR",
                        help="download into DIR (relative to the prefix named, or the key's "
                        "file name) instead of the library")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace a local file that differs from the object "
                        "(default: skipped)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, fetch nothing")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="parallel requests (default 10)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.auto == bool(args.targets):
        raise UsageError("download --auto (everything not in the local library) or "
                         "KEY|PREFIX ..., not both" if args.auto else
                         "nothing to download: pass --auto or KEY|PREFIX ...")
    if args.auto and args.to is not None:
        raise UsageError("--to applies to chosen KEY|PREFIX ..., not to --auto")
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise UsageError(f"--workers must be between 1 and 64, got {args.workers}")
    from r2tui.cli.downloading import download_command

    return download_command(settings, args.targets, to=args.to, overwrite=args.overwrite,
                            dry_run=args.dry_run, as_json=args.json, workers=args.workers)
