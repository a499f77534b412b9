"""The work of ``mv``, ``rm`` and ``trash``: the moves named, their plan line, their output.

Imported only when one of those commands runs (it loads boto3).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from collections.abc import Iterable

from r2tui.costs import usd
from r2tui.errors import ExitCode, UsageError
from r2tui.formatting import size
from r2tui.inventory import iter_objects
from r2tui.keys import TRASH_PREFIX, check_key
from r2tui.library import Library
from r2tui.settings import Settings
from r2tui.storage import storage_errors
from r2tui.transfers.relocate import (
    HEADS_PER_MOVE,
    Move,
    MoveSummary,
    TrashEntry,
    empty_trash,
    list_trash,
    move_cost,
    run_moves,
    stamp_now,
    trash_key,
)


def with_workers(settings: Settings, workers: int | None) -> Settings:
    if workers is None:
        return settings
    if not 1 <= workers <= 64:
        raise UsageError(f"--workers must be between 1 and 64, got {workers}")
    return dataclasses.replace(settings, workers=workers)


def expand(library: Library, source: str, target: str | None) -> list[tuple[str, str, int]]:
    """(source, target, size) for an object or every object under a prefix (``/`` at the
    end); target None: into the trash. Keys in the trash are refused: ``trash`` handles them."""
    is_prefix = source.endswith("/")
    check_key(source, "source", prefix=is_prefix)
    if source.startswith(TRASH_PREFIX):
        raise UsageError(f"{source!r} is in the trash: use 'r2tui trash restore' or 'empty'")
    if target is not None:
        check_key(target, "target", prefix=target.endswith("/"))
        if target.startswith(TRASH_PREFIX):
            raise UsageError("the target is in the trash: use 'r2tui rm' to remove objects")
    if not is_prefix:
        details = library.require_object(source)
        if target is not None and target.endswith("/"):
            target += source.rsplit("/", 1)[-1]
        return [(source, target or "", details.size)]
    if target is not None and not target.endswith("/"):
        raise UsageError(f"{source!r} is a prefix: the target must end with '/' too")
    with storage_errors(library.settings):
        found = [(o.key, (target + o.key[len(source):]) if target is not None else "", o.size)
                 for o in iter_objects(library.client, library.settings.bucket, source)]
    if not found:
        raise UsageError(f"no object under {source!r}")
    return found


def move_command(
    settings: Settings, pairs: list[tuple[str, str, int]], *, verb: str, overwrite: bool,
    dry_run: bool, as_json: bool, stamp: str | None = None,
) -> int:
    """Run (or with ``dry_run`` print) the moves; exit 1 if any failed."""
    stamp = stamp or stamp_now()
    moves = [Move(src, dst or trash_key(src, stamp)) for src, dst, _ in pairs]
    total = sum(n for _, _, n in pairs)
    prices = settings.prices
    cost = move_cost(prices, len(moves))
    if as_json:
        _emit({"event": "plan", "action": verb, "objects": len(moves), "bytes": total,
               "class_a_ops": len(moves), "class_b_ops": HEADS_PER_MOVE * len(moves),
               "operations_usd": round(cost, 6)})
    else:
        for move in moves:
            print(f"{verb:<8} {move.source} -> {move.target}")
        print(f"{verb} {len(moves)} objects, {size(total)}: server-side, no byte sent; "
              f"{len(moves)} Class A + {HEADS_PER_MOVE * len(moves)} Class B operations, "
              f"{usd(cost)}")
    if dry_run:
        return int(ExitCode.OK)
    lock = threading.Lock()

    def done(move: Move, reason: str | None) -> None:
        with lock:
            if as_json:
                _emit({"event": "moved", "source": move.source, "target": move.target}
                      if reason is None else
                      {"event": "failed", "source": move.source, "reason": reason})
            elif reason is not None:
                print(f"FAILED   {move.source}: {reason}", file=sys.stderr)

    summary = run_moves(settings, moves, overwrite=overwrite, stamp=stamp, on_done=done)
    _print_summary(summary, verb, as_json)
    return int(ExitCode.OK if summary.ok else ExitCode.FAILED)


def trash_entries(library: Library) -> list[TrashEntry]:
    with storage_errors(library.settings):
        return list_trash(library.client, library.settings.bucket)


def print_trash(entries: Iterable[TrashEntry], as_json: bool) -> None:
    entries = list(entries)
    for entry in entries:
        if as_json:
            _emit({"event": "trashed", "stamp": entry.stamp, "key": entry.key,
                   "size": entry.size})
        else:
            print(f"{entry.stamp}  {size(entry.size):>9}  {entry.key}")
    if not as_json:
        print(f"{len(entries)} objects, {size(sum(e.size for e in entries))} in the trash")


def empty_command(settings: Settings, entries: list[TrashEntry], as_json: bool) -> int:
    summary = empty_trash(settings, entries)
    for key, reason in summary.failures.items():
        print(f"FAILED   {key}: {reason}", file=sys.stderr)
    _print_summary(summary, "deleted", as_json)
    return int(ExitCode.OK if summary.ok else ExitCode.FAILED)


def _print_summary(summary: MoveSummary, verb: str, as_json: bool) -> None:
    if as_json:
        _emit({"event": "summary", verb: len(summary.moved), "failed": len(summary.failures),
               "bytes": summary.bytes_moved, "failures": summary.failures, "ok": summary.ok})
    else:
        print(f"{verb} {len(summary.moved)} ({size(summary.bytes_moved)}), "
              f"failed {len(summary.failures)}")


def _emit(event: dict) -> None:
    print(json.dumps(event, ensure_ascii=False), flush=True)
