"""The main screen: the two trees, the details pane, the dashboard and the transfers panel."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Tree
from textual.worker import Worker, WorkerState, get_current_worker

from r2tui.costs import upload_cost
from r2tui.errors import ConfigError, UsageError
from r2tui.keys import check_key, printable
from r2tui.library import Library
from r2tui.transfers import Resources, UploadPlan, plan_states, plan_uploads
from r2tui.tui.clipboard import copy
from r2tui.tui.commands import APP_COMMANDS, OTHER_KEYS, SCREEN_COMMANDS
from r2tui.tui.inflight import InFlight
from r2tui.tui.messages import PlanReady, ReportLoaded, ReportsWorkerErrors, SignedUrlReady
from r2tui.tui.screens.dialogs import ExpiryScreen
from r2tui.tui.screens.env import EnvScreen
from r2tui.tui.screens.help import HelpScreen
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.view import PlanRequest, ViewState
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.details import Details
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.summary import ErrorBanner, Summary
from r2tui.tui.widgets.transfers import TransfersPanel
from r2tui.tui.widgets.tree_entries import Entry, Kind


class MainScreen(ReportsWorkerErrors, Screen[None]):
    BINDINGS = [command.binding() for command in SCREEN_COMMANDS]

    def __init__(self, library: Library, in_flight: InFlight) -> None:
        super().__init__()
        self.library = library
        self.in_flight = in_flight
        self._transfers = TransfersPanel(library, in_flight)  # reachable after unmount too
        self.view = ViewState(library.settings.layout)
        self.last_tree: LazyTree | None = None

    def compose(self) -> ComposeResult:
        root = self.library.local_root
        yield Header(icon="◆")
        yield ErrorBanner(id="error")
        yield Summary(id="summary")
        yield Input(placeholder="filter keys (enter to keep, esc to clear)", id="filter")
        with Horizontal(id="browser"):
            yield BucketTree(self.library, self.view)
            yield LocalTree(root.resolve() if root else None, self.view)
            yield Details(self.library, self.view)
        yield Dashboard(self.view, self.library.settings.prices)
        yield self._transfers
        yield Footer()

    @property
    def transfers(self) -> TransfersPanel:
        return self._transfers

    def on_mount(self) -> None:
        self.title = "r2tui"
        self.sub_title = f"bucket {self.library.settings.bucket}"
        self.query_one(BucketTree).focus()
        self.load_report()

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

    def _show_counts(self) -> None:
        assert self.view.report is not None
        self.query_one(Dashboard).show(self.view.report)
        self.query_one(Summary).show(self.view.report)
        self.query_one(Details).counts_changed()

    def tell(self, message: str, **options: Any) -> None:
        """Notify with a text that is data (keys, names, errors): never markup, escaped."""
        self.notify(printable(message), markup=False, **options)

    def show_error(self, message: str) -> None:
        """Called by the app's error routing for storage and configuration failures."""
        self.query_one(ErrorBanner).show(message)
        self.query_one(Dashboard).loading = False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker.group == "report" and event.state is WorkerState.ERROR:
            self.query_one(Summary).failed()
            self.query_one(Dashboard).loading = False

    # --- highlight, selection ------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, LazyTree):
            self.last_tree = event.widget

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Entry]) -> None:
        if event.control is not self.last_tree:
            return  # a re-render of the other tree moved its cursor: not the user's doing
        if event.node.data is not None:
            self.query_one(Details).show_entry(event.node.data)

    def on_lazy_tree_selection_toggled(self, message: LazyTree.SelectionToggled) -> None:
        self._toggle(message.key)

    def _toggle(self, key: str) -> None:
        selected = self.view.selected
        selected.symmetric_difference_update({key})
        self._relabel([key])
        self.notify_selection()

    def _relabel(self, keys: list[str] | None) -> None:
        for tree in self.query(LazyTree):
            tree.relabel(keys)

    def notify_selection(self) -> None:
        count = len(self.view.selected)
        self.query_one(Summary).border_subtitle = f"{count} selected" if count else ""

    def highlighted_entry(self) -> Entry | None:
        tree = self.last_tree
        node = tree.cursor_node if tree is not None else None
        return node.data if node is not None else None

    def highlighted_key(self) -> str | None:
        """The highlighted file's key, if there is one and the key rule lets it have a URL."""
        entry = self.highlighted_entry()
        if entry is None or entry.kind is not Kind.FILE:
            self.tell("Highlight a file in one of the trees first.", severity="warning")
            return None
        try:
            return check_key(entry.key)
        except UsageError as exc:
            self.tell(f"No URL: {exc.message}", severity="warning")
            return None

    def action_toggle_select(self) -> None:
        entry = self.highlighted_entry()
        if entry is not None and entry.kind is Kind.FILE:
            self._toggle(entry.key)

    def action_select_missing(self) -> None:
        keys, where = self._uploadable_here()
        if not keys:
            self.tell(f"Nothing missing or changed {where}.")
            return
        self.view.selected.update(keys)
        self._relabel(None)
        self.notify_selection()
        self.tell(f"Selected {len(keys)} missing or changed file(s) {where}.")

    def _uploadable_here(self) -> tuple[list[str], str]:
        view = self.view
        if isinstance(self.focused, Dashboard):
            found, category = self.query_one(Dashboard).highlighted_category()
            if found:
                name = category.name if category else "uncategorised"
                return view.uploadable(category), f"in {name}"
        entry = self.highlighted_entry()
        if entry is None or entry.key == "":
            return view.uploadable(everywhere=True), "anywhere"
        if entry.kind is Kind.DIR:
            everywhere = view.uploadable(everywhere=True)
            return [k for k in everywhere if k.startswith(entry.key)], f"under {entry.key}"
        category = view.layout.category_of(entry.key)
        name = category.name if category else "uncategorised"
        return view.uploadable(category), f"in {name}"

    # --- upload --------------------------------------------------------------------------

    def action_upload(self) -> None:
        if not self.view.selected:
            self.tell("Nothing selected: space selects a file, m every missing or changed one.",
                      severity="warning")
            return
        pending = self.view.selected & self.transfers.pending_keys()
        if pending == self.view.selected:
            self.tell("Every selected file is in the running or a queued upload already.")
            return
        if pending:
            self.tell(f"{len(pending)} selected file(s) left out: in the running or a queued "
                      "upload already.")
        self.make_plan(self.view.plan_request(self.view.selected - pending))

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan")
    def make_plan(self, request: PlanRequest) -> None:
        """Plan from the snapshot taken on the UI thread, never from the live view."""
        with self.in_flight.track():
            plan = _plan(self.library, request)
        if not get_current_worker().is_cancelled:
            self.post_message(PlanReady(plan))

    def on_plan_ready(self, message: PlanReady) -> None:
        def start(confirmed: bool | None) -> None:
            if confirmed and not self.transfers.submit(message.plan):
                self.tell("Queued: this upload starts when the running one ends.")

        plan, report = message.plan, self.view.report
        stored = report.totals.remote_bytes if report is not None else 0
        cost = upload_cost(self.library.settings.prices, stored, plan.class_a_ops,
                           plan.bytes_to_send)
        self.app.push_screen(PlanScreen(plan, cost), start)

    def on_transfers_panel_object_landed(self, message: TransfersPanel.ObjectLanded) -> None:
        self.view.land(message.key, message.size)
        self._show_counts()
        self.query_one(BucketTree).landed(message.key, message.size)
        categories = [p for c in self.view.layout for p in c.prefixes]
        self.query_one(LocalTree).relabel([message.key, *categories])

    def on_transfers_panel_batch_done(self, message: TransfersPanel.BatchDone) -> None:
        summary = message.summary
        severity = "information" if summary.ok and not message.error else "warning"
        verdict = "stopped by an error" if message.error else "finished"
        self.tell(f"Upload {verdict}: {summary.uploaded} uploaded, {summary.copied} copied, "
                  f"{summary.failed} failed.", severity=severity)
        self.load_report()

    def action_toggle_transfers(self) -> None:
        panel = self.transfers
        panel.display = not panel.display

    def action_retry_failed(self) -> None:
        failed = self.transfers.failures
        if failed:
            self.make_plan(self.view.plan_request(failed))

    def action_cancel_batch(self) -> None:
        self.transfers.cancel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        panel = self.transfers if self.is_mounted else None
        if action == "cancel_batch":
            return panel is not None and panel.busy
        if action == "retry_failed":
            return panel is not None and bool(panel.failures) and not panel.busy
        return True

    # --- URLs ----------------------------------------------------------------------------

    def action_copy_signed(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.sign(key, self.library.settings.expires)

    def action_copy_signed_choose(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.app.push_screen(
                ExpiryScreen(key), lambda expires: expires and self.sign(key, expires)
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="url")
    def sign(self, key: str, expires: int) -> None:
        url = self.library.signed_url(key, expires)
        self.post_message(SignedUrlReady(key, url, expires))

    def on_signed_url_ready(self, message: SignedUrlReady) -> None:
        copy(self.app, message.url)
        until = datetime.now() + timedelta(seconds=message.expires)
        self.tell(f"Signed URL for {message.key} copied; valid until "
                  f"{until:%Y-%m-%d %H:%M}.", title="Copied")

    def action_copy_public(self) -> None:
        key = self.highlighted_key()
        if key is None:
            return
        try:
            url = self.library.public_url(key)
        except (UsageError, ConfigError) as exc:
            self.tell(exc.message, title="No public URL", severity="warning")
            return
        copy(self.app, url)
        self.tell(f"Public URL for {key} copied; it does not expire.", title="Copied")

    # --- view ----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.query_one(ErrorBanner).clear()
        self.query_one(Summary).comparing()
        self.query_one(Dashboard).loading = True
        self.load_report()
        for tree in self.query(LazyTree):
            tree.relist()

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        for tree in self.query(LazyTree):
            tree.set_filter(event.value.strip())

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = bool(field.value)
        (self.last_tree or self.query_one(BucketTree)).focus()

    def on_key(self, event: events.Key) -> None:
        field = self.query_one("#filter", Input)
        if event.key == "escape" and field.has_focus:
            field.value = ""
            self.filter_done()

    def action_toggle_problems(self) -> None:
        self.view.problems_only = not self.view.problems_only
        for tree in self.query(LazyTree):
            tree.rerender()
        if self.view.report is not None:
            self._show_counts()
        self.sub_title = f"bucket {self.library.settings.bucket}" + (
            " · problems only" if self.view.problems_only else ""
        )

    def action_deploy_settings(self) -> None:
        self.app.push_screen(EnvScreen(self.library.settings))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([*SCREEN_COMMANDS, *APP_COMMANDS, *OTHER_KEYS]))


def _plan(library: Library, request: PlanRequest) -> UploadPlan:
    local = library.scan_local()
    if local is None:
        raise ConfigError("uploading needs the local library: set R2_LOCAL_ROOT")
    res = Resources.of(library)
    if request.states is None:  # no report yet: the plan makes its own
        return plan_uploads(res, library.report(local), local, request.keys)
    return plan_states(res, local, request.keys, request.states, request.stored_bytes,
                       etags=request.etags)
