"""The transfers panel: runs one batch (an upload or a download) at a time in a thread worker,
queues the plans confirmed meanwhile, and shows the files, rate and ETA."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import Worker, WorkerState

from r2tui.errors import R2TuiError
from r2tui.formatting import eta, rate, size
from r2tui.library import Library
from r2tui.transfers import (
    Action,
    Batch,
    BatchProgress,
    DownloadBatch,
    DownloadPlan,
    DownloadSummary,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    Resources,
    Summary,
    UploadPlan,
)
from r2tui.tui.format import bar, literal
from r2tui.tui.inflight import InFlight
from r2tui.tui.messages import ReportsWorkerErrors

Plan = UploadPlan | DownloadPlan
AnyBatch = Batch | DownloadBatch
AnySummary = Summary | DownloadSummary


class TransfersPanel(ReportsWorkerErrors, Vertical):
    @dataclass
    class EngineEvent(Message):
        """One event from the engine's threads; progress supersedes older progress."""

        event: Event

        def can_replace(self, message: Message) -> bool:
            if not isinstance(message, TransfersPanel.EngineEvent):
                return False
            old, new = self.event, message.event
            if isinstance(old, BatchProgress):
                return isinstance(new, BatchProgress)
            return (
                isinstance(old, JobProgress)
                and isinstance(new, JobProgress)
                and new.key == old.key
            )

    @dataclass
    class ObjectLanded(Message):
        key: str
        size: int

    @dataclass
    class BatchDone(Message):
        """A batch's worker ended, whatever the outcome; ``error`` if the batch itself failed."""

        summary: AnySummary
        error: str | None = None

    def __init__(self, library: Library, in_flight: InFlight) -> None:
        super().__init__(id="transfers")
        self.border_title = "Transfers"
        self.library = library
        self.in_flight = in_flight
        self.active_batch: AnyBatch | None = None
        self.queued: deque[Plan] = deque()
        self.failures: dict[str, str] = {}
        self._runner: Worker[AnySummary] | None = None
        self._sizes: dict[str, int] = {}
        self._status = ""

    def compose(self) -> ComposeResult:
        yield Static("No transfers yet.", id="transfers-head", markup=False)
        yield ProgressBar(id="transfers-total", show_eta=False)
        table: DataTable[Text | str] = DataTable(id="jobs", cursor_type="row")
        table.add_columns("File", "Action", "Progress", "Status")
        yield table

    @property
    def running(self) -> bool:
        """A batch's engine is running (its worker has not ended yet)."""
        return self.active_batch is not None

    @property
    def busy(self) -> bool:
        """A batch runs or waits in the queue."""
        return self.running or bool(self.queued)

    def _plans(self) -> list[Plan]:
        return [*([self.active_batch.plan] if self.active_batch else []), *self.queued]

    def pending_keys(self) -> set[str]:
        """Keys the running and the queued uploads will send: not to be planned again."""
        return {i.key for p in self._plans() if isinstance(p, UploadPlan) for i in p.items
                if i.action is not Action.SKIP}

    def pending_downloads(self) -> set[str]:
        """Keys the running and the queued downloads will fetch."""
        return {i.key for p in self._plans() if isinstance(p, DownloadPlan) for i in p.items}

    def submit(self, plan: Plan) -> bool:
        """Start ``plan`` now, or queue it behind the running batch; True if it started."""
        self.display = True
        if self.running:
            self.queued.append(plan)
            self._head(self._status)
            return False
        self.failures = {}
        self._start(plan)
        return True

    def cancel(self) -> None:
        """Cancel the running batch and drop the queued ones, and say so."""
        running = self.running
        self.stop()
        if running:
            self._head("Cancelling: waiting for the requests in flight…")

    def stop(self) -> None:
        """Cancel the running batch and drop the queued ones (no UI: also while closing)."""
        self.queued.clear()
        if self.active_batch is not None:
            self.active_batch.cancel()

    def _start(self, plan: Plan) -> None:
        res = Resources.of(self.library)
        self._sizes = {}
        self.query_one("#jobs", DataTable).clear()
        if isinstance(plan, DownloadPlan):
            self.active_batch = DownloadBatch(res, plan, on_event=self._post_event)
            total = plan.bytes_to_receive
            self._head(f"Starting: {len(plan.items)} downloads…")
        else:
            self.active_batch = Batch(res, plan, on_event=self._post_event)
            total = plan.bytes_to_send
            self._head(f"Starting: {plan.uploads} uploads, {plan.copies} copies…")
        self.query_one(ProgressBar).update(total=max(total, 1), progress=0)
        self._runner = self._run(self.active_batch)

    @work(thread=True, exit_on_error=False, group="upload")
    def _run(self, batch: AnyBatch) -> AnySummary:
        with self.in_flight.track():
            return batch.run()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is self._runner and event.worker.is_finished:
            self._ended(event.worker)

    def _ended(self, worker: Worker[AnySummary]) -> None:
        """The batch's worker ended, in any way: nothing runs now; the next queued one starts."""
        batch = self.active_batch
        self.active_batch = None
        self._runner = None
        if batch is None:
            return
        if worker.state is WorkerState.CANCELLED:  # the app is closing: stop, start nothing
            batch.cancel()
            self.queued.clear()
        error = _describe(worker.error) if worker.state is WorkerState.ERROR else None
        self._show_outcome(batch.summary, error)
        self.post_message(self.BatchDone(batch.summary, error))
        if self.queued:
            self._start(self.queued.popleft())

    def _post_event(self, event: Event) -> None:
        """Called from the engine's threads: post_message is the thread-safe way in."""
        self.post_message(self.EngineEvent(event))

    def on_transfers_panel_engine_event(self, message: EngineEvent) -> None:
        message.stop()
        event = message.event
        if isinstance(event, JobStarted):
            self._sizes[event.key] = event.size
            self._row(event.key, event.action.value, bar(0, event.size), "")
        elif isinstance(event, JobProgress):
            self._progress_cell(event.key, bar(event.bytes_done, event.size))
        elif isinstance(event, JobFinished):
            self._remove(event.key)
            if event.action is not Action.DOWNLOAD:
                self.post_message(self.ObjectLanded(event.key, self._sizes.get(event.key, 0)))
        elif isinstance(event, JobFailed):
            self.failures[event.key] = event.reason
            action = "download" if isinstance(self.active_batch, DownloadBatch) else "upload"
            self._row(event.key, action, Text("", style="dim"),
                      literal(f"✗ {event.reason}", "bold red"))
        elif isinstance(event, JobCancelled):
            self._remove(event.key)
        elif isinstance(event, BatchProgress) and self.running:
            self._progress(event)

    def _progress(self, p: BatchProgress) -> None:
        self.query_one(ProgressBar).update(total=max(p.bytes_total, 1), progress=p.bytes_done)
        self._head(
            f"{p.files_done}/{p.files_total} files · {size(p.bytes_done)} of "
            f"{size(p.bytes_total)} · {rate(p.bytes_per_second)} · "
            f"{eta(p.eta_seconds)}"
        )

    def _show_outcome(self, summary: AnySummary, error: str | None) -> None:
        parts, moved = outcome_parts(summary)
        if error is not None:
            self._head(f"Stopped by an error: {error} ({', '.join(parts)})")
            return
        verdict = "Done" if summary.ok else "Finished with problems"
        retry = isinstance(summary, Summary) and self.failures
        hint = " — R retries the failed files" if retry else ""
        self._head(f"{verdict}: {', '.join(parts)} ({moved}){hint}")

    def _head(self, text: str) -> None:
        """The panel's head line, with what waits in the queue after it."""
        self._status = text
        if self.queued:
            files = sum(len(p.items) if isinstance(p, DownloadPlan) else p.uploads + p.copies
                        for p in self.queued)
            text += f" · {len(self.queued)} batch(es) queued ({files} files)"
        self.query_one("#transfers-head", Static).update(literal(text))

    def _row(self, key: str, action: str, progress: Text, status: Text | str) -> None:
        table = self.query_one("#jobs", DataTable)
        if key in table.rows:
            table.remove_row(key)
        table.add_row(literal(key), action, progress, status, key=key)

    def _progress_cell(self, key: str, value: Text) -> None:
        table = self.query_one("#jobs", DataTable)
        if key in table.rows:
            table.update_cell(key, table.ordered_columns[2].key, value)

    def _remove(self, key: str) -> None:
        table = self.query_one("#jobs", DataTable)
        if key in table.rows:
            table.remove_row(key)


def outcome_parts(summary: AnySummary) -> tuple[list[str], str]:
    """A batch's counts (``3 uploaded``, …) and its bytes (``1.2 MB sent``)."""
    if isinstance(summary, DownloadSummary):
        parts = [f"{summary.downloaded} downloaded", f"{summary.skipped} skipped",
                 f"{summary.failed} failed", f"{summary.cancelled} cancelled"]
        return parts, f"{size(summary.bytes_received)} received"
    parts = [f"{summary.uploaded} uploaded", f"{summary.copied} copied",
             f"{summary.failed} failed", f"{summary.cancelled} cancelled"]
    if summary.already:
        parts.insert(2, f"{summary.already} already stored")
    if summary.conflicts:
        parts.insert(-2, f"{summary.conflicts} conflicts")
    return parts, f"{size(summary.bytes_sent)} sent"


def _describe(error: BaseException | None) -> str:
    if isinstance(error, R2TuiError):
        return error.message
    return f"{type(error).__name__}: {error}"
