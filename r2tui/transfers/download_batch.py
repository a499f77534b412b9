"""A download run: the plan's objects fetched ``workers`` requests at a time, with the same
events, retries, cancel and progress accounting as an upload batch."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from r2tui.transfers.context import transfer_context
from r2tui.transfers.download import Fetched, fetch
from r2tui.transfers.download_plan import DownloadItem, DownloadPlan
from r2tui.transfers.events import (
    Action,
    BatchFinished,
    DownloadSummary,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobStarted,
)
from r2tui.transfers.outcomes import emit_to, job_reason
from r2tui.transfers.progress import ProgressTracker
from r2tui.transfers.resources import Resources
from r2tui.transfers.retry import Cancelled, RetryPolicy


class DownloadBatch:
    """Run ``plan``; ``run`` blocks (call it from a worker thread), ``cancel`` is thread-safe:
    jobs not started end cancelled, running ones stop between chunks and resume next time."""

    def __init__(
        self, res: Resources, plan: DownloadPlan, *,
        on_event: Callable[[Event], None] | None = None, workers: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.res = res
        self.plan = plan
        self.workers = workers or res.settings.workers
        self.retry = retry or RetryPolicy()
        self._on_event = on_event
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self.summary = DownloadSummary()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> DownloadSummary:
        for key, reason in sorted(self.plan.refused.items()):
            self.summary.failed += 1
            self.summary.failures[key] = reason
            self._emit(JobFailed(key, reason))
        for key in sorted(self.plan.skipped):
            self.summary.skipped += 1
            self._emit(JobFinished(key, Action.SKIP, 0))
        items = self.plan.items
        self._progress = ProgressTracker(self._emit, self.plan.bytes_to_receive, len(items))
        if items:
            with transfer_context(self.res.settings, self.workers, self.retry, self._cancel,
                                  client=self.res.client) as self._ctx, ThreadPoolExecutor(
                                      self.workers, thread_name_prefix="r2tui-get") as jobs:
                list(jobs.map(self._run_job, items))
        self.summary.bytes_received = self._progress.bytes_sent
        self._progress.finish()
        self._emit(BatchFinished(self.summary))
        return self.summary

    def _run_job(self, item: DownloadItem) -> None:
        if self._cancel.is_set():
            self._finish(item, cancelled=True)
            return
        self._emit(JobStarted(item.key, item.size, Action.DOWNLOAD))
        received = [0]

        def advance(count: int, now: bool) -> None:
            received[0] += count if now else 0
            self._progress.advance(item.key, item.size, count, now)

        try:
            fetched = fetch(self._ctx, item, advance)
        except Cancelled:
            self._finish(item, cancelled=True)
            return
        except Exception as exc:
            self._finish(item, reason=self._reason(item, exc))
            return
        self._learn(item, fetched)
        with self._lock:
            self.summary.downloaded += 1
            self.summary.unverified += not fetched.verified
        self._progress.file_done(item.key)
        self._emit(JobFinished(item.key, Action.DOWNLOAD, received[0]))

    def _learn(self, item: DownloadItem, fetched: Fetched) -> None:
        """The hash cache learns the file it now holds: the next status hashes nothing."""
        if item.in_library:
            self.res.store.store_digests(item.key, fetched.size, fetched.mtime_ns,
                                         fetched.digests)

    def _reason(self, item: DownloadItem, exc: Exception) -> str:
        return job_reason(exc, self.res.settings, item.key, item.target, "write")

    def _finish(self, item: DownloadItem, *, reason: str | None = None,
                cancelled: bool = False) -> None:
        with self._lock:
            if cancelled:
                self.summary.cancelled += 1
            else:
                self.summary.failed += 1
                self.summary.failures[item.key] = str(reason)
        self._progress.file_done(item.key)
        self._emit(JobCancelled(item.key) if cancelled else JobFailed(item.key, str(reason)))

    def _emit(self, event: Event) -> None:
        emit_to(self._on_event, event)
