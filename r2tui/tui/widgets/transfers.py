"""The transfers panel: runs a batch in a thread worker and shows its files, rate and ETA."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static

from r2tui.formatting import eta, rate, size
from r2tui.library import Library
from r2tui.transfers import (
    Batch,
    BatchFinished,
    BatchProgress,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    Summary,
    UploadPlan,
)
from r2tui.tui.format import bar
from r2tui.tui.messages import ReportsWorkerErrors


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
        summary: Summary

    def __init__(self) -> None:
        super().__init__(id="transfers")
        self.border_title = "Transfers"
        self.active_batch: Batch | None = None
        self.failures: dict[str, str] = {}
        self._sizes: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static("No transfers yet.", id="transfers-head")
        yield ProgressBar(id="transfers-total", show_eta=False)
        table: DataTable[Text | str] = DataTable(id="jobs", cursor_type="row")
        table.add_columns("File", "Action", "Progress", "Status")
        yield table

    @property
    def running(self) -> bool:
        return self.active_batch is not None

    def start(self, library: Library, plan: UploadPlan) -> None:
        self.active_batch = Batch(library, plan, on_event=self._post_event)
        self.failures = {}
        self._sizes = {}
        self.query_one("#jobs", DataTable).clear()
        self.query_one(ProgressBar).update(total=max(plan.bytes_to_send, 1), progress=0)
        self._head(f"Starting: {plan.uploads} uploads, {plan.copies} copies…")
        self.display = True
        self._run(self.active_batch)

    def cancel(self) -> None:
        if self.active_batch is not None:
            self.active_batch.cancel()
            self._head("Cancelling…")

    @work(thread=True, exit_on_error=False, group="upload")
    def _run(self, batch: Batch) -> Summary:
        return batch.run()

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
            self.post_message(self.ObjectLanded(event.key, self._sizes.get(event.key, 0)))
        elif isinstance(event, JobFailed):
            self.failures[event.key] = event.reason
            self._row(event.key, "upload", Text("", style="dim"),
                      Text(f"✗ {event.reason}", style="bold red"))
        elif isinstance(event, JobCancelled):
            self._remove(event.key)
        elif isinstance(event, BatchProgress):
            self._progress(event)
        elif isinstance(event, BatchFinished):
            self._finished(event.summary)

    def _progress(self, p: BatchProgress) -> None:
        self.query_one(ProgressBar).update(total=max(p.bytes_total, 1), progress=p.bytes_done)
        self._head(
            f"{p.files_done}/{p.files_total} files · {size(p.bytes_done)} of "
            f"{size(p.bytes_total)} · {rate(p.bytes_per_second)} · "
            f"{eta(p.eta_seconds)}"
        )

    def _finished(self, summary: Summary) -> None:
        self.active_batch = None
        parts = [f"{summary.uploaded} uploaded", f"{summary.copied} copied",
                 f"{summary.failed} failed", f"{summary.cancelled} cancelled"]
        verdict = "Done" if summary.ok else "Finished with problems"
        hint = " — R retries the failed files" if summary.failures else ""
        self._head(f"{verdict}: {', '.join(parts)} ({size(summary.bytes_sent)} sent){hint}")
        self.post_message(self.BatchDone(summary))

    def _head(self, text: str) -> None:
        self.query_one("#transfers-head", Static).update(text)

    def _row(self, key: str, action: str, progress: Text, status: Text | str) -> None:
        table = self.query_one("#jobs", DataTable)
        if key in table.rows:
            table.remove_row(key)
        table.add_row(key, action, progress, status, key=key)

    def _progress_cell(self, key: str, value: Text) -> None:
        table = self.query_one("#jobs", DataTable)
        if key in table.rows:
            table.update_cell(key, table.ordered_columns[2].key, value)

    def _remove(self, key: str) -> None:
        table = self.query_one("#jobs", DataTable)
        if key in table.rows:
            table.remove_row(key)
