"""Past-tense messages the main screen's thread workers post back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from r2tui.compare import Report
from r2tui.transfers import UploadPlan


@dataclass
class ReportLoaded(Message):
    report: Report


@dataclass
class PlanReady(Message):
    plan: UploadPlan


@dataclass
class SignedUrlReady(Message):
    key: str
    url: str
    expires: int


@dataclass
class WorkerErrored(Message):
    """A worker failed; bubbles to the app, which shows it (Worker.StateChanged does not bubble)."""

    worker: Worker[object]


class ReportsWorkerErrors:
    """Mixin for widgets and screens that run workers: pass failures up to the app.

    Textual calls the handler of every class in the chain, so subclasses with their own
    ``on_worker_state_changed`` must not call this one through ``super()`` (it would post twice).
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            assert isinstance(self, MessagePump)
            self.post_message(WorkerErrored(event.worker))
