"""The ``upload`` and ``validate`` commands: arguments in, rendered results and an exit code out."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

from r2tui.errors import ExitCode, UsageError
from r2tui.layout import normalise_prefix
from r2tui.library import Library
from r2tui.scan import LocalLibrary, key_for
from r2tui.settings import Settings
from r2tui.transfers.adopt import AdoptResult, adopt
from r2tui.transfers.batch import Batch
from r2tui.transfers.console import JsonLog, LineLog, LiveBars, plan_json, plan_lines, summary_line
from r2tui.transfers.events import Summary
from r2tui.transfers.plan import UploadPlan, plan_uploads
from r2tui.transfers.validate import validate


def upload_command(
    settings: Settings, targets: list[str], *, auto: bool, dry_run: bool = False,
    workers: int | None = None, as_json: bool = False, adopt_metadata: bool = False,
) -> int:
    if not targets and not auto:
        raise UsageError(
            "nothing to upload: pass --auto (everything missing or changed) or PREFIX/PATH ..."
        )
    if workers is not None:
        if not 1 <= workers <= 64:
            raise UsageError(f"--workers must be between 1 and 64, got {workers}")
        settings = replace(settings, workers=workers)
    root = settings.require_local_root().resolve()
    settings.require_storage()
    library = Library(settings)
    try:
        local = library.scan_local()
        assert local is not None
        report = library.report(local)
        keys = select_keys(root, local, targets) if targets else None
        plan = plan_uploads(library, keys, report=report, local=local)
        _warn_plan(library, report.local_issues, plan)
        if dry_run:
            _print_plan(plan, as_json)
            return int(ExitCode.OK)
        summary, seconds, interrupted = _run(library, plan, as_json)
        adopted = adopt(library, report, local, set(keys) if keys else None) if (
            adopt_metadata and not interrupted) else None
    finally:
        library.close()
    if not as_json:
        print(summary_line(summary, seconds))
    failed = bool(adopted and adopted.failures)
    if adopted is not None:
        _print_adopted(adopted, as_json)
    if interrupted:
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if summary.ok and not failed else ExitCode.FAILED)


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


def _warn_plan(library: Library, issues: list, plan: UploadPlan) -> None:
    for issue in issues:
        print(f"r2tui: warning: {issue.path}: {issue.problem}", file=sys.stderr)
    for key, same in plan.duplicates:
        print(f"r2tui: note: {key} has the same content as {same}: copied server-side",
              file=sys.stderr)


def _print_plan(plan: UploadPlan, as_json: bool) -> None:
    if as_json:
        print(json.dumps(plan_json(plan), ensure_ascii=False))
    else:
        print("\n".join(plan_lines(plan)))


def _run(library: Library, plan: UploadPlan, as_json: bool) -> tuple[Summary, float, bool]:
    """Run the batch in a thread so Ctrl-C here cancels it cleanly (exit 130 after).

    Waits on an Event, not Thread.join: a join interrupted by Ctrl-C can return early.
    """
    if as_json:
        listener = JsonLog(sys.stdout)
    elif sys.stderr.isatty():
        listener = LiveBars(sys.stderr)
    else:
        listener = LineLog(sys.stdout)
    batch = Batch(library, plan, on_event=listener)
    started = time.monotonic()
    done = threading.Event()

    def work() -> None:
        try:
            batch.run()
        finally:
            done.set()

    threading.Thread(target=work, name="r2tui-batch", daemon=True).start()
    interrupted = False
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        interrupted = True
        print("r2tui: cancelling: finishing the requests in flight...", file=sys.stderr)
        batch.cancel()
        done.wait()
    return batch.summary, time.monotonic() - started, interrupted


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


def validate_command(settings: Settings, *, deep: bool = False, as_json: bool = False) -> int:
    settings.require_local_root()
    settings.require_storage()
    library = Library(settings)
    try:
        local = library.scan_local()
        assert local is not None
        result = validate(library, local, deep=deep)
    finally:
        library.close()
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        for label, keys in (("missing", result.missing), ("changed", result.changed),
                            ("unverified", result.unverified)):
            for key in keys:
                print(f"{label:<10} {key}")
        for key, problem in result.mismatched.items():
            print(f"mismatch   {key}: {problem}")
        for path, problem in result.unreadable.items():
            print(f"unreadable {path}: {problem}")
        verdict = "ok" if result.ok else "problems found"
        extra = f", {result.deep_read} read back" if deep else ""
        print(f"validate: {result.checked} local files checked{extra}: {verdict}")
    return int(ExitCode.OK if result.ok else ExitCode.FAILED)
