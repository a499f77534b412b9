"""Past-tense messages the main screen's thread workers post back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import Worker, WorkerState

from r2tui.compare import Report
from r2tui.media_overview import MediaOverview
from r2tui.transfers import DownloadPlan, UploadPlan
from r2tui.transfers.relocate import MoveSummary


@dataclass
class ReportLoaded(Message):
    report: Report


@dataclass
class MediaLoaded(Message):
    """The local media's overview (None: no local library folder)."""

    overview: MediaOverview | None


@dataclass
class MediaReading(Message):
    """Progress of reading the media facts not cached yet."""

    done: int
    total: int


@dataclass
class PlanReady(Message):
    plan: UploadPlan


@dataclass
class DownloadPlanReady(Message):
    plan: DownloadPlan


@dataclass
class TrashReady(Message):
    """The objects to trash, with their sizes (read by HEAD), for the confirmation."""

    sizes: dict[str, int]
    missing: list[str]  # named but no longer in the bucket


@dataclass
class ObjectsMoved(Message):
    summary: MoveSummary
    verb: str  # "trashed", "moved"


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
