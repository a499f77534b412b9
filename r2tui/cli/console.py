"""Rendering plans and batch events for the command line: plan lines, a line log, or JSON.

The live bars for a terminal are in :mod:`r2tui.cli.bars` (Rich, loaded only there).
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from r2tui.costs import Prices, usd
from r2tui.formatting import duration, size
from r2tui.transfers.events import (
    Action,
    DownloadSummary,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    Summary,
    cost_json,
    event_to_json,
)
from r2tui.transfers.plan import UploadPlan


def batch_summary(summary: Summary, seconds: float) -> str:
    return (
        f"uploaded {summary.uploaded}, copied {summary.copied}, "
        + (f"renamed {summary.renamed}, " if summary.renamed else "")
        + f"skipped {summary.skipped}, "
        + (f"already stored {summary.already}, " if summary.already else "")
        + (f"conflicts {summary.conflicts}, " if summary.conflicts else "")
        + f"failed {summary.failed}, cancelled {summary.cancelled}; "
        f"{size(summary.bytes_sent)} sent in {duration(seconds)}"
    )


def download_summary(summary: DownloadSummary, seconds: float) -> str:
    unverified = f" ({summary.unverified} unverifiable)" if summary.unverified else ""
    return (
        f"downloaded {summary.downloaded}{unverified}, skipped {summary.skipped}, "
        f"failed {summary.failed}, cancelled {summary.cancelled}; "
        f"{size(summary.bytes_received)} received in {duration(seconds)}"
    )


def plan_lines(plan: UploadPlan, prices: Prices) -> Iterator[str]:
    """The plan a line at a time (a 100,000-file plan is never one big string)."""
    for item in plan.items:
        if item.action is Action.COPY:
            yield f"copy    {item.key}  <- {item.source_key}  ({item.reason})"
        elif item.action is Action.RENAME:
            yield (f"rename  {item.key}  <- {item.source_key}  ({item.reason}; the old key "
                   "goes to the trash)")
        elif item.action is Action.SKIP:
            yield f"skip    {item.key}  ({item.reason})"
        else:
            yield f"upload  {item.key}  {size(item.size)}  ({item.reason})"
    for key, reason in sorted(plan.conflicts.items()):
        yield f"CONFLICT {key}  ({reason})"
    for key, reason in sorted(plan.refused.items()):
        yield f"REFUSED  {key}  ({reason}; --force sends it)"
    yield plan_summary(plan, prices)


def plan_summary(plan: UploadPlan, prices: Prices) -> str:
    """The plan in one line, with what it costs: Class A operations now, storage every month."""
    cost = plan.cost(prices)
    conflicts = f", {len(plan.conflicts)} conflicts" if plan.conflicts else ""
    conflicts += f", {len(plan.refused)} refused" if plan.refused else ""
    renames = f" ({plan.renames} of them renames)" if plan.renames else ""
    return (
        f"plan: {plan.uploads} uploads ({size(plan.bytes_to_send)}), {plan.copies} server-side "
        f"copies{renames}, {plan.skips} skipped{conflicts}; about {cost.class_a_ops} Class A "
        f"operations ({usd(cost.operations_usd)}), {size(cost.added_bytes)} more storage "
        f"(+{usd(cost.storage_month_usd)}/month)"
    )


def plan_totals(plan: UploadPlan, prices: Prices) -> dict:
    return {
        "uploads": plan.uploads,
        "copies": plan.copies,
        "renames": plan.renames,
        "skips": plan.skips,
        "bytes_to_send": plan.bytes_to_send,
        **cost_json(plan.cost(prices)),
    }


def plan_json(plan: UploadPlan, prices: Prices) -> dict:
    return {
        "items": [
            {"key": i.key, "action": i.action.value, "size": i.size, "source_key": i.source_key,
             "reason": i.reason}
            for i in plan.items
        ],
        "duplicates": [list(d) for d in plan.duplicates],
        "conflicts": dict(sorted(plan.conflicts.items())),
        "refused": dict(sorted(plan.refused.items())),
        **plan_totals(plan, prices),
    }


class Listener:
    """A batch's events rendered somewhere; ``note`` puts a diagnostic line beside them."""

    def __call__(self, event: Event) -> None:
        raise NotImplementedError

    def note(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


class JsonLog(Listener):
    """One JSON object per event on ``out``; the last one is the summary."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = json.dumps(event_to_json(event), ensure_ascii=False)
        with self._lock:
            print(line, file=self._out, flush=True)


class LineLog(Listener):
    """A plain log for pipes and files: one line per finished, failed or cancelled file."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = log_line(event)
        if line is not None:
            with self._lock:
                print(line, file=self._out, flush=True)


_VERBS = {Action.COPY: "copied  ", Action.RENAME: "renamed ", Action.UPLOAD: "uploaded",
          Action.DOWNLOAD: "downloaded"}


def log_line(event: Event) -> str | None:
    """``uploaded KEY  SIZE``, ``copied   KEY``, ``FAILED   KEY: reason``, ``cancelled KEY``."""
    if isinstance(event, JobFinished) and event.action is not Action.SKIP:
        verb = _VERBS[event.action]
        return f"{verb} {event.key}" + (f"  {size(event.bytes_sent)}" if event.bytes_sent else "")
    if isinstance(event, JobFailed):
        return f"{'CONFLICT' if event.conflict else 'FAILED  '} {event.key}: {event.reason}"
    if isinstance(event, JobCancelled):
        return f"cancelled {event.key}"
    return None
