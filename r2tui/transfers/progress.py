"""Progress accounting for a batch: per-job and overall bytes, rate and ETA, throttled events."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from r2tui.transfers.events import BatchProgress, Event, JobProgress

MIN_INTERVAL = 0.1  # at most ~10 progress events a second per job, and overall


class ProgressTracker:
    """Thread-safe counters; emits JobProgress/BatchProgress no more often than MIN_INTERVAL."""

    def __init__(
        self, emit: Callable[[Event], None], bytes_total: int, files_total: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._emit = emit
        self._clock = clock
        self._lock = threading.Lock()
        self._started = clock()
        self.bytes_total = bytes_total
        self.files_total = files_total
        self.bytes_done = 0
        self.bytes_sent = 0
        self.files_done = 0
        self._job_done: dict[str, int] = {}
        self._job_emitted: dict[str, float] = {}
        self._batch_emitted = float("-inf")

    def add_total(self, size: int) -> None:
        """A planned copy turned into an upload: its bytes now count."""
        with self._lock:
            self.bytes_total += size

    def advance(self, key: str, size: int, count: int, sent: bool) -> None:
        """``count`` more bytes of ``key`` are stored (``sent``: by this run, not resumed)."""
        now = self._clock()
        with self._lock:
            done = self._job_done.get(key, 0) + count
            self._job_done[key] = done
            self.bytes_done += count
            if sent:
                self.bytes_sent += count
            last = self._job_emitted.get(key, float("-inf"))
            job_due = done >= size or now - last >= MIN_INTERVAL
            if job_due:
                self._job_emitted[key] = now
        if job_due:
            self._emit(JobProgress(key, done, size))
        self._maybe_batch(now)

    def file_done(self, key: str) -> None:
        with self._lock:
            self.files_done += 1
            self._job_done.pop(key, None)
            self._job_emitted.pop(key, None)
        self._maybe_batch(self._clock())

    def _maybe_batch(self, now: float, force: bool = False) -> None:
        with self._lock:
            if not force and now - self._batch_emitted < MIN_INTERVAL:
                return
            self._batch_emitted = now
            event = self._snapshot(now)
        self._emit(event)

    def finish(self) -> None:
        self._maybe_batch(self._clock(), force=True)

    def _snapshot(self, now: float) -> BatchProgress:
        elapsed = max(now - self._started, 1e-6)
        rate = self.bytes_sent / elapsed
        left = max(self.bytes_total - self.bytes_done, 0)
        eta = left / rate if rate > 0 else (0.0 if left == 0 else None)
        return BatchProgress(
            self.bytes_done, self.bytes_total, self.files_done, self.files_total, rate, eta
        )
