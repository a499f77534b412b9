"""``r2tui download`` at work: the plan, the batch (Ctrl-C cancels it), the output, the exit code.

Imported only when the command runs (it loads boto3).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path

from r2tui.cli.console import download_summary
from r2tui.cli.running import run_batch
from r2tui.costs import Prices, usd
from r2tui.errors import ExitCode, UsageError
from r2tui.formatting import size
from r2tui.inventory import RemoteObject, iter_objects
from r2tui.keys import check_key
from r2tui.library import Library
from r2tui.settings import Settings
from r2tui.storage import storage_errors
from r2tui.transfers.download_batch import DownloadBatch
from r2tui.transfers.download_plan import DownloadPlan, plan_auto, plan_chosen
from r2tui.transfers.events import DownloadSummary, Event
from r2tui.transfers.resources import Resources


def download_command(
    settings: Settings, targets: list[str], *, to: str | None, overwrite: bool,
    dry_run: bool, as_json: bool, workers: int | None,
) -> int:
    if workers is not None:
        settings = dataclasses.replace(settings, workers=workers)
    destination = _destination(settings, to)
    settings.require_storage()
    library = Library(settings)
    try:
        if not targets:
            report = library.report()
            plan = plan_auto(report, destination, overwrite=overwrite)
        else:
            chosen = [pair for target in targets for pair in _expand(library, target, to)]
            plan = plan_chosen(_unique(chosen), destination, overwrite=overwrite,
                               hasher=library.hasher if to is None else None)
        _print_plan(plan, settings.prices, as_json, verbose=dry_run)
        if dry_run:
            return int(ExitCode.FAILED if plan.refused else ExitCode.OK)
        summary, interrupted, seconds = _run(library, plan, as_json)
    finally:
        library.close()
    if not as_json:
        print(download_summary(summary, seconds))
    if interrupted:
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if summary.ok else ExitCode.FAILED)


def _destination(settings: Settings, to: str | None) -> Path:
    """The library folder, or ``--to DIR`` (made if missing; never a file)."""
    if to is None:
        return settings.require_local_root().resolve()
    path = Path(to).expanduser()
    if path.exists() and not path.is_dir():
        raise UsageError(f"--to {to}: not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--to {to}: cannot make the folder: {exc.strerror or exc}") from None
    return path.resolve()


def _expand(library: Library, target: str, to: str | None) -> list[tuple[RemoteObject, str]]:
    """(object, path relative to the destination) for a key, or each object under a prefix.

    Into the library an object lands at its key; into ``--to`` at its name (a key) or its path
    below the prefix named."""
    target = target.lstrip("/")
    is_prefix = target.endswith("/") or target == ""
    check_key(target, "key", prefix=is_prefix)
    if not is_prefix:
        details = library.require_object(target)
        obj = RemoteObject(target, details.size, details.etag, details.last_modified)
        return [(obj, target if to is None else target.rsplit("/", 1)[-1])]
    with storage_errors(library.settings):
        found = [(o, o.key if to is None else o.key[len(target):])
                 for o in iter_objects(library.client, library.settings.bucket, target)]
    if not found:
        raise UsageError(f"no object under {target!r}")
    return found


def _unique(pairs: list[tuple[RemoteObject, str]]) -> list[tuple[RemoteObject, str]]:
    """Each object once, and no two objects onto one file (the first named wins)."""
    seen: dict[str, tuple[RemoteObject, str]] = {}
    for obj, relative in pairs:
        if relative in seen and seen[relative][0].key != obj.key:
            raise UsageError(f"{obj.key!r} and {seen[relative][0].key!r} would both be written "
                             f"to {relative!r}: download them separately")
        seen.setdefault(relative, (obj, relative))
    return list(seen.values())


def _print_plan(plan: DownloadPlan, prices: Prices, as_json: bool, *, verbose: bool) -> None:
    gets = plan.class_b_ops
    cost = prices.class_b(gets)
    if as_json:
        print(json.dumps({"event": "plan", "downloads": len(plan.items),
                          "bytes_to_receive": plan.bytes_to_receive, "skips": len(plan.skipped),
                          "refused": plan.refused, "class_b_ops": gets,
                          "operations_usd": round(cost, 6),
                          **({"items": [{"key": i.key, "size": i.size, "target": str(i.target),
                                         "reason": i.reason} for i in plan.items]}
                             if verbose else {})}, ensure_ascii=False), flush=True)
        return
    if verbose:
        for item in plan.items:
            print(f"download {item.key}  {size(item.size)}  -> {item.target}  ({item.reason})")
        for key, reason in sorted(plan.skipped.items()):
            print(f"skip     {key}  ({reason})")
    for key, reason in sorted(plan.refused.items()):
        print(f"REFUSED  {key}  ({reason})")
    print(f"plan: {len(plan.items)} downloads ({size(plan.bytes_to_receive)}), "
          f"{len(plan.skipped)} skipped; about {gets} Class B operations ({usd(cost)}), "
          "no egress fee on R2", flush=True)


def _run(
    library: Library, plan: DownloadPlan, as_json: bool
) -> tuple[DownloadSummary, bool, float]:
    started = time.monotonic()
    batches: list[DownloadBatch] = []

    def make(listener: Callable[[Event], None]) -> DownloadBatch:
        batches.append(DownloadBatch(Resources.of(library), plan, on_event=listener))
        return batches[0]

    interrupted = run_batch(make, as_json=as_json, state=library.settings.state_path())
    return batches[0].summary, interrupted, time.monotonic() - started
