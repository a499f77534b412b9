"""The main screen's upload keys (u, R, x, t): plan in a worker, confirm with the plan and its
cost, hand the batch to the transfers panel, and follow what lands."""

from __future__ import annotations

from textual import work
from textual.worker import get_current_worker

from r2tui.costs import upload_cost
from r2tui.errors import ConfigError
from r2tui.library import Library
from r2tui.transfers import DownloadSummary, Resources, UploadPlan, plan_states, plan_uploads
from r2tui.tui.messages import PlanReady
from r2tui.tui.screens.main_base import MainScreenBase
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.view import PlanRequest
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.transfers import TransfersPanel, outcome_parts


class UploadActions(MainScreenBase):
    """A mixin of MainScreen (see ``main_base.py``)."""

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
        kind = "Download" if isinstance(summary, DownloadSummary) else "Upload"
        parts, _ = outcome_parts(summary)
        self.tell(f"{kind} {verdict}: {', '.join(parts)}.", severity=severity)
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


def _plan(library: Library, request: PlanRequest) -> UploadPlan:
    local = library.scan_local()
    if local is None:
        raise ConfigError("uploading needs the local library: set R2_LOCAL_ROOT")
    res = Resources.of(library)
    # Renames are offered: the plan shows each one, and the old key goes to the trash. Broken
    # media (corrupt, truncated) is refused, as by `r2tui upload` without --force.
    if request.states is None:  # no report yet: the plan makes its own
        return plan_uploads(res, library.report(local), local, request.keys, renames=True,
                            media=library.media)
    return plan_states(res, local, request.keys, request.states, request.stored_bytes,
                       etags=request.etags, sizes=request.sizes, renames=True,
                       media=library.media)
