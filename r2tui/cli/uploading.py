"""``r2tui upload`` at work: plan, run the batch (Ctrl-C cancels it), render, exit code."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from r2tui.cli.console import (
    batch_summary,
    plan_json,
    plan_lines,
    plan_summary,
    plan_totals,
)
from r2tui.cli.running import run_batch
from r2tui.costs import Prices
from r2tui.errors import ExitCode, UsageError
from r2tui.keys import key_problem
from r2tui.layout import normalise_prefix
from r2tui.library import Library
from r2tui.scan import LocalLibrary, ScanIssue, key_for
from r2tui.settings import Settings
from r2tui.transfers.adopt import AdoptResult, adopt
from r2tui.transfers.batch import Batch
from r2tui.transfers.events import Event, Summary
from r2tui.transfers.imports import collect, plan_import, source_paths, target_prefix
from r2tui.transfers.plan import UploadPlan, plan_uploads
from r2tui.transfers.resources import Resources


def upload_command(
    settings: Settings, targets: list[str], *, auto: bool, dry_run: bool = False,
    workers: int | None = None, as_json: bool = False, adopt_metadata: bool = False,
    renames: bool = False, force: bool = False,
) -> int:
    """Upload what is missing or changed (``auto``), or what ``targets`` name, from the library;
    corrupt or truncated videos and images are refused unless ``force``."""
    if workers is not None:
        settings = replace(settings, workers=workers)
    _check_targets(targets)
    root = settings.require_local_root().resolve()
    settings.require_storage()
    library = Library(settings)
    try:
        report = library.report()  # lists the bucket while it scans the disk
        local = report.local
        assert local is not None
        keys = select_keys(root, local, targets) if targets else None
        plan = plan_uploads(Resources.of(library), report, local, keys, renames=renames,
                            media=None if force else library.media)
        _warn_plan(report.local_issues, plan, refusals=not dry_run)
        if dry_run:
            _print_plan(plan, settings.prices, as_json)
            return int(ExitCode.FAILED if plan.refused else ExitCode.OK)
        summary, interrupted = _run(library, plan, as_json)
        adopted = adopt(Resources.of(library), report, local, set(keys) if keys else None) if (
            adopt_metadata and not interrupted) else None
    finally:
        library.close()
    failed = bool(adopted and adopted.failures)
    if adopted is not None:
        _print_adopted(adopted, as_json)
    if interrupted:
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if summary.ok and not failed else ExitCode.FAILED)


def import_command(
    settings: Settings, to: str, paths: list[str], *, dry_run: bool = False,
    as_json: bool = False, overwrite: bool = False, workers: int | None = None,
    force: bool = False,
) -> int:
    """Import files or folders from anywhere under the bucket prefix ``to`` (a category's)."""
    if workers is not None:
        settings = replace(settings, workers=workers)
    prefix = target_prefix(settings.layout, to)
    sources = source_paths(paths)
    settings.require_storage()
    library = Library(settings)
    try:
        imported = collect(settings.layout, prefix, sources)
        report = library.report(imported)
        plan = plan_import(Resources.of(library), imported, report, overwrite=overwrite,
                           media=None if force else library.media)
        _warn_plan(report.local_issues, plan, refusals=not dry_run)
        if dry_run:
            _print_plan(plan, settings.prices, as_json)
            return int(ExitCode.FAILED if plan.conflicts or plan.refused else ExitCode.OK)
        summary, interrupted = _run(library, plan, as_json)
    finally:
        library.close()
    if interrupted:
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if summary.ok else ExitCode.FAILED)


def select_keys(root: Path, local: LocalLibrary, targets: list[str]) -> list[str]:
    """Local keys named by PATHs (files or folders in the library) or bucket PREFIXes."""
    exact: set[str] = set()
    prefixes: list[str] = []
    for target in targets:
        path = Path(target).expanduser()
        if path.exists():
            try:
                key = key_for(root, path.resolve())
            except ValueError:
                raise UsageError(f"{target} is not inside the library folder {root}") from None
            if path.is_dir():
                prefixes.append(normalise_prefix(key) if key != "." else "")
            else:
                exact.add(key)
        else:
            exact.add(target.lstrip("/"))
            prefixes.append(normalise_prefix(target))
    return sorted(k for k in local.files if k in exact or k.startswith(tuple(prefixes)))


def _check_targets(targets: list[str]) -> None:
    """A target that is no local path is a bucket key or prefix: refused unless usable."""
    for target in targets:
        if Path(target).expanduser().exists():
            continue
        problem = key_problem(target.lstrip("/"), prefix=True)
        if problem is not None:
            raise UsageError(f"{target!r}: no such file or folder, and refused as a bucket "
                             f"prefix: {problem}")


def _warn_plan(issues: list[ScanIssue], plan: UploadPlan, *, refusals: bool) -> None:
    """Scan issues, refusals (a dry run lists them in the plan instead) and duplicates."""
    for issue in issues:
        print(f"r2tui: warning: {issue.path}: {issue.problem}", file=sys.stderr)
    for key, reason in sorted(plan.refused.items()) if refusals else ():
        print(f"r2tui: refused: {key}: {reason} (--force sends it)", file=sys.stderr)
    for key, same in plan.duplicates:
        print(f"r2tui: note: {key} has the same content as {same}: copied server-side",
              file=sys.stderr)


def _print_plan(plan: UploadPlan, prices: Prices, as_json: bool) -> None:
    if as_json:
        print(json.dumps(plan_json(plan, prices), ensure_ascii=False))
    else:
        for line in plan_lines(plan, prices):
            print(line)


def _run(library: Library, plan: UploadPlan, as_json: bool) -> tuple[Summary, bool]:
    """Run the batch (Ctrl-C cancels it): the plan's one-line summary (with its cost) first,
    the batch's summary last."""
    prices = library.settings.prices
    if as_json:
        print(json.dumps({"event": "plan", **plan_totals(plan, prices)}), flush=True)
    else:
        print(plan_summary(plan, prices), flush=True)
    started = time.monotonic()
    batches: list[Batch] = []

    def make(listener: Callable[[Event], None]) -> Batch:
        batches.append(Batch(Resources.of(library), plan, on_event=listener))
        return batches[0]

    interrupted = run_batch(make, as_json=as_json, state=library.settings.state_path())
    summary = batches[0].summary
    if not as_json:
        print(batch_summary(summary, time.monotonic() - started))
    return summary, interrupted


def _print_adopted(result: AdoptResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"event": "adopt", "adopted": result.adopted, "already": result.already,
                          "failures": result.failures}, ensure_ascii=False))
        return
    for key in result.adopted:
        print(f"adopted  {key}")
    for key, reason in result.failures.items():
        print(f"r2tui: error: adopting {key}: {reason}", file=sys.stderr)
    print(f"adopt: {len(result.adopted)} objects given sha256 metadata, "
          f"{result.already} already had it")
