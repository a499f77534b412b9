"""``r2tui trash list|restore|empty``: what ``rm`` moved away, put back, or deleted for good."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta

from r2tui.errors import ExitCode, UsageError
from r2tui.settings import Settings, parse_duration

HELP = "list, restore or empty the trash (the only way r2tui deletes for good)"


def arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="trash_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="what is in the trash, oldest first")
    listing.add_argument("--json", action="store_true", help="one JSON object per entry")
    restore = sub.add_parser("restore", help="put objects back where they were")
    restore.add_argument("keys", nargs="+", metavar="KEY|all",
                         help="original keys (or prefixes ending with '/'), or 'all'")
    restore.add_argument("--from", dest="stamp", metavar="TIMESTAMP",
                         help="the removal to restore from (default: the latest of each key)")
    restore.add_argument("--dry-run", action="store_true", help="print, do nothing")
    restore.add_argument("--json", action="store_true", help="one JSON object per event")
    empty = sub.add_parser("empty", help="delete trashed objects for good")
    empty.add_argument("--older-than", metavar="AGE", help="only those removed before, e.g. 30d")
    empty.add_argument("--yes", action="store_true", help="do not ask")
    empty.add_argument("--json", action="store_true", help="one JSON object per event")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.cli import relocating
    from r2tui.library import Library

    library = Library(settings)
    try:
        entries = relocating.trash_entries(library)
    finally:
        library.close()
    if args.trash_command == "list":
        relocating.print_trash(entries, args.json)
        return int(ExitCode.OK)
    if args.trash_command == "restore":
        chosen = _restorable(entries, args.keys, args.stamp)
        pairs = [(e.trash_key, e.key, e.size) for e in chosen]
        return relocating.move_command(settings, pairs, verb="restore", overwrite=False,
                                       dry_run=args.dry_run, as_json=args.json)
    if args.older_than:
        cutoff = datetime.now(UTC) - timedelta(seconds=parse_duration(args.older_than, "age"))
        entries = [e for e in entries if e.removed < cutoff]
    if not entries:
        print("nothing to delete", file=sys.stderr)
        return int(ExitCode.OK)
    if not args.yes and not _confirmed(len(entries), sum(e.size for e in entries)):
        return int(ExitCode.FAILED)
    return relocating.empty_command(settings, entries, args.json)


def _restorable(entries: list, keys: list[str], stamp: str | None) -> list:
    """The latest entry of each key asked for (or the one removed at ``stamp``)."""
    if stamp is not None:
        entries = [e for e in entries if e.stamp == stamp]
    wanted = [k for k in keys if k != "all"]

    def asked(key: str) -> bool:
        return "all" in keys or any(key == k or (k.endswith("/") and key.startswith(k))
                                    for k in wanted)

    latest = {e.key: e for e in entries if asked(e.key)}  # entries are oldest first
    if not latest:
        raise UsageError("nothing in the trash matches " + " ".join(keys)
                         + (f" removed at {stamp}" if stamp else ""))
    return sorted(latest.values(), key=lambda e: e.key)


def _confirmed(count: int, total: int) -> bool:
    from r2tui.formatting import size

    if not sys.stdin.isatty():
        raise UsageError("trash empty deletes for good: pass --yes to confirm")
    answer = input(f"Delete {count} objects ({size(total)}) for good? [y/N] ")
    return answer.strip().lower() in ("y", "yes")
