"""``r2tui upload``: what is missing or changed, or what is named, or files imported from anywhere.

The arguments live here; the work (:mod:`r2tui.cli.uploading`) is imported only when it runs.
"""

from __future__ import annotations

import argparse

from r2tui.errors import UsageError
from r2tui.settings import Settings

HELP = "upload what is missing or changed (resumable)"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("targets", nargs="*", metavar="PREFIX|PATH",
                        help="bucket prefixes or local files/folders to narrow the upload to; "
                        "with --to, the files/folders (from anywhere) to import")
    parser.add_argument("--auto", action="store_true", help="everything missing or changed")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="parallel requests (default 10)")
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.add_argument("--adopt", action="store_true",
                        help="add sha256 metadata in place to stored objects lacking it")
    parser.add_argument("--renames", action="store_true",
                        help="content stored under a key with no local file moves to its new "
                        "key (copy, then the old key to the trash) instead of being copied")
    parser.add_argument("--to", metavar="PREFIX",
                        help="import PATHs under this category prefix: key = PREFIX + the path "
                        "relative to the folder given (or the file's name)")
    parser.add_argument("--force", action="store_true",
                        help="send videos and images even when corrupt or truncated "
                        "(default: refused, and the plan says why)")
    parser.add_argument("--overwrite", action="store_true",
                        help="with --to: replace a different object already at a key "
                        "(default: a conflict, that item fails)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    check_arguments(args.targets, auto=args.auto, adopt=args.adopt, to=args.to,
                    overwrite=args.overwrite, renames=args.renames)
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise UsageError(f"--workers must be between 1 and 64, got {args.workers}")
    from r2tui.cli.uploading import import_command, upload_command

    if args.to is not None:
        return import_command(settings, args.to, args.targets, dry_run=args.dry_run,
                              as_json=args.json, overwrite=args.overwrite, workers=args.workers,
                              force=args.force)
    return upload_command(settings, args.targets, auto=args.auto, dry_run=args.dry_run,
                          workers=args.workers, as_json=args.json, adopt_metadata=args.adopt,
                          renames=args.renames, force=args.force)


def check_arguments(
    targets: list[str], *, auto: bool, adopt: bool, to: str | None, overwrite: bool,
    renames: bool = False,
) -> None:
    """Refuse the combinations that make no sense, before anything is read or listed."""
    if to is not None:
        extra = [flag for flag, given in (("--auto", auto), ("--adopt", adopt),
                                          ("--renames", renames)) if given]
        if extra:
            raise UsageError(f"{' and '.join(extra)} cannot be combined with --to")
        return
    if overwrite:
        raise UsageError("--overwrite applies to imports only: --to PREFIX PATH ... --overwrite")
    if not targets and not auto:
        raise UsageError(
            "nothing to upload: pass --auto (everything missing or changed) or PREFIX/PATH ..."
        )
