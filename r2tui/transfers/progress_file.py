"""A batch listener that mirrors its progress to ``<state>/upload-progress.json``.

At most a few writes a second, and always the last one; the file's format and its reader are in
:mod:`r2tui.progress_file`, which ``r2tui watch`` uses without loading the engine.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from r2tui.progress_file import write_progress
from r2tui.transfers.events import (
    BatchFinished,
    BatchProgress,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
)

WRITE_EVERY = 0.5  # seconds


class ProgressFile:
    """An event listener for :class:`r2tui.transfers.Batch` that mirrors progress to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._written = 0.0
        self._state: dict[str, Any] = {
            "pid": os.getpid(),
            "started": time.time(),
            "finished": False,
            "files_done": 0,
            "files_total": 0,
            "bytes_done": 0,
            "bytes_total": 0,
            "bytes_per_second": 0.0,
            "eta_seconds": None,
            "failed": {},
            "active": {},
        }

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._apply(event)
            final = isinstance(event, BatchFinished)
            now = time.monotonic()
            if final or now - self._written >= WRITE_EVERY:
                self._written = now
                self._write()

    def _apply(self, event: Event) -> None:
        state, active = self._state, self._state["active"]
        if isinstance(event, JobStarted):
            active[event.key] = [0, event.size]
        elif isinstance(event, JobProgress):
            active[event.key] = [event.bytes_done, event.size]
        elif isinstance(event, JobFinished | JobCancelled):
            active.pop(event.key, None)
        elif isinstance(event, JobFailed):
            active.pop(event.key, None)
            state["failed"][event.key] = event.reason
        elif isinstance(event, BatchProgress):
            state.update(
                files_done=event.files_done, files_total=event.files_total,
                bytes_done=event.bytes_done, bytes_total=event.bytes_total,
                bytes_per_second=event.bytes_per_second, eta_seconds=event.eta_seconds,
            )
        elif isinstance(event, BatchFinished):
            state["finished"] = True
            state["active"] = {}

    def _write(self) -> None:
        write_progress(self.path, self._state | {"updated": time.time()})
