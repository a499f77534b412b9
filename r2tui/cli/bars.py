"""Live progress bars on a terminal (rich.progress): the active files and the batch's total.

Imported only when stderr is a terminal, so pipes, logs and ``--json`` never load Rich. Keys
are data: they are shown as plain text (never markup) and cut with an ellipsis to fit the
terminal's width; the log lines (uploaded, failed, cancelled) scroll above the bars.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from types import TracebackType
from typing import TextIO

from rich.console import Console, RenderableType
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn
from rich.table import Column

from r2tui.cli.console import Listener, log_line
from r2tui.formatting import eta, rate, size
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
)

SHOWN_FILES = 8  # active files with a bar of their own; the total counts them all


class LiveBars(Listener):
    """A batch listener drawing a bar per active file and one for the total; a context manager
    (the bars are live between enter and exit, and vanish at exit, leaving the log lines)."""

    def __init__(self, out: TextIO | None = None, *, console: Console | None = None) -> None:
        self.console = console or Console(file=out, highlight=False)
        self.progress = _FilesThenTotal(
            TextColumn("{task.description}", markup=False,
                       table_column=Column(ratio=1, no_wrap=True, overflow="ellipsis")),
            BarColumn(bar_width=16),
            TaskProgressColumn(),
            TextColumn("{task.fields[stats]}", markup=False,
                       table_column=Column(no_wrap=True, overflow="ellipsis")),
            console=self.console,
            transient=True,
            redirect_stdout=False,  # stdout carries data; nothing of it goes into the display
            redirect_stderr=False,
            expand=True,
        )
        self._lock = threading.Lock()
        self._jobs: dict[str, TaskID] = {}  # in start order
        self._total = self.progress.total_task = self.progress.add_task(
            "total", total=None, stats="", visible=False)

    def __enter__(self) -> LiveBars:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def __call__(self, event: Event) -> None:
        with self._lock:
            line = log_line(event)
            if line is not None:
                self.console.print(line, markup=False, highlight=False, soft_wrap=True)
            self._track(event)

    def note(self, message: str) -> None:
        """Above the bars, not through them."""
        self.console.print(message, markup=False, highlight=False, soft_wrap=True)

    def _track(self, event: Event) -> None:
        if isinstance(event, JobStarted) and event.action is not Action.SKIP:
            self._jobs[event.key] = self.progress.add_task(
                event.key, total=event.size or None, stats=_of(0, event.size),
                visible=len(self._jobs) < SHOWN_FILES,
            )
        elif isinstance(event, JobProgress) and event.key in self._jobs:
            self.progress.update(self._jobs[event.key], completed=event.bytes_done,
                                 stats=_of(event.bytes_done, event.size))
        elif isinstance(event, JobFinished | JobFailed | JobCancelled):
            task = self._jobs.pop(event.key, None)
            if task is not None:
                self.progress.remove_task(task)
                self._show_first_files()
        elif isinstance(event, BatchProgress):
            self._update_total(event)
        elif isinstance(event, BatchFinished):
            for task in self._jobs.values():
                self.progress.remove_task(task)
            self._jobs.clear()
            self.progress.update(self._total, visible=False)

    def _show_first_files(self) -> None:
        for index, task in enumerate(self._jobs.values()):
            self.progress.update(task, visible=index < SHOWN_FILES)

    def _update_total(self, t: BatchProgress) -> None:
        self.progress.update(
            self._total, completed=t.bytes_done, total=t.bytes_total or None, visible=True,
            description=f"total {t.files_done}/{t.files_total} files · "
            f"{rate(t.bytes_per_second)} · {eta(t.eta_seconds)}",
            stats=_of(t.bytes_done, t.bytes_total),
        )


def _of(done: int, total: int) -> str:
    return f"{size(done)}/{size(total)}"


class _FilesThenTotal(Progress):
    """One table, so the columns line up: the files' rows, then the total's."""

    total_task: TaskID | None = None

    def get_renderables(self) -> Iterable[RenderableType]:
        yield self.make_tasks_table(sorted(self.tasks, key=lambda t: t.id == self.total_task))
