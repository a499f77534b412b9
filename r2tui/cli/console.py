"""Rendering batch events for the command line: live bars on a terminal, a line log, or JSON.

Live progress is plain ANSI redrawn on stderr (no Textual here, so the headless path stays light).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from typing import TextIO

from humanize import naturalsize

from r2tui.costs import Prices, usd
from r2tui.transfers.events import (
    Action,
    BatchFinished,
    BatchProgress,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    Summary,
    cost_json,
    event_to_json,
)
from r2tui.transfers.plan import UploadPlan

BAR_WIDTH = 24
REDRAW_INTERVAL = 0.1


def size(n: int | float) -> str:
    return naturalsize(n, binary=True)


def summary_line(summary: Summary, seconds: float) -> str:
    return (
        f"uploaded {summary.uploaded}, copied {summary.copied}, skipped {summary.skipped}, "
        f"failed {summary.failed}, cancelled {summary.cancelled}; "
        f"{size(summary.bytes_sent)} sent in {seconds:.1f} s"
    )


def plan_lines(plan: UploadPlan, prices: Prices) -> Iterator[str]:
    """The plan a line at a time (a 100,000-file plan is never one big string)."""
    for item in plan.items:
        if item.action is Action.COPY:
            yield f"copy    {item.key}  <- {item.source_key}  ({item.reason})"
        elif item.action is Action.SKIP:
            yield f"skip    {item.key}  ({item.reason})"
        else:
            yield f"upload  {item.key}  {size(item.size)}  ({item.reason})"
    for key, reason in sorted(plan.conflicts.items()):
        yield f"CONFLICT {key}  ({reason})"
    yield plan_summary(plan, prices)


def plan_summary(plan: UploadPlan, prices: Prices) -> str:
    """The plan in one line, with what it costs: Class A operations now, storage every month."""
    cost = plan.cost(prices)
    conflicts = f", {len(plan.conflicts)} conflicts" if plan.conflicts else ""
    return (
        f"plan: {plan.uploads} uploads ({size(plan.bytes_to_send)}), {plan.copies} server-side "
        f"copies, {plan.skips} skipped{conflicts}; about {cost.class_a_ops} Class A operations "
        f"({usd(cost.operations_usd)}), {size(cost.added_bytes)} more storage "
        f"(+{usd(cost.storage_month_usd)}/month)"
    )


def plan_totals(plan: UploadPlan, prices: Prices) -> dict:
    return {
        "uploads": plan.uploads,
        "copies": plan.copies,
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
        **plan_totals(plan, prices),
    }


class JsonLog:
    """One JSON object per event on ``out``; the last one is the summary."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = json.dumps(event_to_json(event), ensure_ascii=False)
        with self._lock:
            print(line, file=self._out, flush=True)


class LineLog:
    """A plain log for pipes and files: one line per finished, failed or cancelled file."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __call__(self, event: Event) -> None:
        line = self.line(event)
        if line is not None:
            with self._lock:
                print(line, file=self._out, flush=True)

    def line(self, event: Event) -> str | None:
        if isinstance(event, JobFinished) and event.action is not Action.SKIP:
            verb = "copied  " if event.action is Action.COPY else "uploaded"
            return f"{verb} {event.key}" + (f"  {size(event.bytes_sent)}" if event.bytes_sent
                                             else "")
        if isinstance(event, JobFailed):
            return f"FAILED   {event.key}: {event.reason}"
        if isinstance(event, JobCancelled):
            return f"cancelled {event.key}"
        return None


class LiveBars(LineLog):
    """Per-file and total bars with bytes/s and ETA, redrawn in place on a terminal."""

    def __init__(self, out: TextIO = sys.stderr) -> None:
        super().__init__(out)
        self._jobs: dict[str, tuple[int, int]] = {}  # key -> (done, size), in start order
        self._total: BatchProgress | None = None
        self._drawn = 0
        self._last_draw = 0.0

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._track(event)
            line = self.line(event)
            if line is not None:
                self._clear()
                print(line, file=self._out)
            now = time.monotonic()
            if line is not None or now - self._last_draw >= REDRAW_INTERVAL:
                self._draw(now)
            self._out.flush()

    def _track(self, event: Event) -> None:
        if isinstance(event, JobStarted) and event.action is not Action.SKIP:
            self._jobs[event.key] = (0, event.size)
        elif isinstance(event, JobProgress) and event.key in self._jobs:
            self._jobs[event.key] = (event.bytes_done, event.size)
        elif isinstance(event, (JobFinished, JobFailed, JobCancelled)):
            self._jobs.pop(event.key, None)
        elif isinstance(event, BatchProgress):
            self._total = event
        elif isinstance(event, BatchFinished):
            self._jobs.clear()
            self._total = None

    def _clear(self) -> None:
        if self._drawn:
            self._out.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _draw(self, now: float) -> None:
        self._clear()
        lines = [f"{bar(done, total)} {key}" for key, (done, total) in list(self._jobs.items())[:8]]
        if self._total is not None:
            t = self._total
            eta = f"ETA {t.eta_seconds:.0f} s" if t.eta_seconds is not None else "ETA --"
            lines.append(
                f"{bar(t.bytes_done, t.bytes_total)} total {t.files_done}/{t.files_total} files, "
                f"{size(t.bytes_done)}/{size(t.bytes_total)}, {size(t.bytes_per_second)}/s, {eta}"
            )
        for line in lines:
            self._out.write(line[:200] + "\n")
        self._drawn = len(lines)
        self._last_draw = now


def bar(done: int, total: int) -> str:
    fraction = 1.0 if total <= 0 else min(done / total, 1.0)
    filled = int(fraction * BAR_WIDTH)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction * 100:5.1f}%"
