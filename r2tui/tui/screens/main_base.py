"""The base of the main screen's parts: what they all read, and the report they all show.

MainScreen (``main.py``) is this base with one mixin per group of keys: ``main_selection.py``,
``main_uploads.py`` and ``main_urls.py``. Each mixin is a subclass of this base rather than a
bare class, so that its actions, handlers and workers see the shared state typed, and Textual,
which looks for handlers along the screen's MRO, finds them on the screen.
"""

from __future__ import annotations

from typing import Any

from textual import events, work
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from r2tui.keys import printable
from r2tui.library import Library
from r2tui.tui.inflight import InFlight
from r2tui.tui.messages import MediaLoaded, MediaReading, ReportLoaded, ReportsWorkerErrors
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.details import Details
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.summary import ErrorBanner, Summary
from r2tui.tui.widgets.transfers import TransfersPanel
from r2tui.tui.widgets.tree_entries import Entry


class MainScreenBase(ReportsWorkerErrors, Screen[None]):
    def __init__(self, library: Library, in_flight: InFlight) -> None:
        super().__init__()
        self.library = library
        self.in_flight = in_flight
        self._transfers = TransfersPanel(library, in_flight)  # reachable after unmount too
        self.view = ViewState(library.settings.layout)
        self.last_tree: LazyTree | None = None

    @property
    def transfers(self) -> TransfersPanel:
        return self._transfers

    def tell(self, message: str, **options: Any) -> None:
        """Notify with a text that is data (keys, names, errors): never markup, escaped."""
        self.notify(printable(message), markup=False, **options)

    # --- the report -----------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def load_report(self) -> None:
        with self.in_flight.track():
            report = self.library.report()
        if not get_current_worker().is_cancelled:
            self.post_message(ReportLoaded(report))

    def on_report_loaded(self, message: ReportLoaded) -> None:
        self.view.set_report(message.report)
        self.query_one(ErrorBanner).clear()
        self.query_one(Dashboard).loading = False
        self._show_counts()
        for tree in self.query(LazyTree):
            tree.rerender()
        self.load_media(read=self.query_one(Dashboard).media_view)

    @work(thread=True, exclusive=True, exit_on_error=False, group="media-overview")
    def load_media(self, read: bool) -> None:
        """The media overview of the report's scan: the cached facts (no read), or with
        ``read`` every file's. A newer call cancels this one: it then starts no other read."""
        worker = get_current_worker()
        report = self.view.report

        def progress(done: int, total: int) -> None:
            if not worker.is_cancelled:
                self.post_message(MediaReading(done, total))

        overview = self.library.media_overview(
            report.local if report else None, read=read, progress=progress,
            cancelled=lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.post_message(MediaLoaded(overview))

    def on_media_loaded(self, message: MediaLoaded) -> None:
        self.view.set_media(message.overview)
        if self.view.report is not None:
            self._show_counts()
        for tree in self.query(LazyTree):
            tree.rerender()
        self.query_one(Details).media_changed()

    def on_media_reading(self, message: MediaReading) -> None:
        self.query_one(Dashboard).show_reading(message.done, message.total)

    def _show_counts(self) -> None:
        assert self.view.report is not None
        self.query_one(Dashboard).show(self.view.report)
        self.query_one(Summary).show(self.view.report)
        self.query_one(Details).counts_changed()

    def show_error(self, message: str) -> None:
        """Called by the app's error routing for storage and configuration failures."""
        self.query_one(ErrorBanner).show(message)
        self.query_one(Dashboard).loading = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "report" and event.state is WorkerState.ERROR:
            self.query_one(Summary).failed()
            self.query_one(Dashboard).loading = False
        if event.worker.group == "media-overview" and event.state is WorkerState.ERROR:
            self.query_one(Dashboard).media_failed()

    # --- the highlighted entry ------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, LazyTree):
            self.last_tree = event.widget

    def highlighted_entry(self) -> Entry | None:
        """The entry under the cursor of the tree focused last (the keys act on it)."""
        tree = self.last_tree
        node = tree.cursor_node if tree is not None else None
        return node.data if node is not None else None
