"""The main screen's keys for objects in the bucket (d, delete, M): download them into the local
library, move them to the trash, move or rename one. Each asks first, naming count and bytes;
the bucket is read and changed in workers, through the same core as ``r2tui download``, ``rm``
and ``mv``."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from textual import work

from r2tui.costs import usd
from r2tui.errors import R2TuiError, UsageError
from r2tui.formatting import size
from r2tui.inventory import RemoteObject
from r2tui.keys import TRASH_PREFIX, check_key
from r2tui.transfers import DownloadPlan, DownloadSummary, plan_chosen
from r2tui.transfers.relocate import (
    HEADS_PER_MOVE,
    Move,
    move_cost,
    run_moves,
    stamp_now,
    trash_key,
)
from r2tui.tui.messages import DownloadPlanReady, ObjectsMoved, TrashReady
from r2tui.tui.screens.dialogs import ConfirmScreen, MoveScreen
from r2tui.tui.screens.main_base import MainScreenBase
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.transfers import TransfersPanel
from r2tui.tui.widgets.tree_entries import Kind

HEADS_AT_ONCE = 8


class ObjectActions(MainScreenBase):
    """A mixin of MainScreen (see ``main_base.py``)."""

    def bucket_targets(self, verb: str) -> list[str]:
        """The selected keys the bucket holds, or else the highlighted object's."""
        keys = sorted(k for k in self.view.selected if self.view.in_bucket(k))
        entry = self.highlighted_entry()
        if not keys and entry is not None and entry.kind is Kind.FILE:
            keys = [entry.key] if self.view.in_bucket(entry.key) else []
        if not keys:
            self.tell(f"Nothing to {verb}: select objects the bucket holds, or highlight one.",
                      severity="warning")
        return [k for k in keys if not k.startswith(TRASH_PREFIX)]

    def _objects(self, keys: list[str]) -> tuple[list[RemoteObject], list[str]]:
        """The objects as the bucket holds them now (a HEAD each), and the keys it no longer has."""

        def head(key: str) -> RemoteObject | None:
            try:
                d = self.library.head(key)
            except R2TuiError:  # gone, or unreadable: named in the confirmation
                return None
            return RemoteObject(key, d.size, d.etag, d.last_modified)

        with ThreadPoolExecutor(HEADS_AT_ONCE) as pool:
            found = list(pool.map(head, keys))
        return [o for o in found if o is not None], [k for k, o in zip(keys, found,
                                                                      strict=True) if o is None]

    # --- d: download ----------------------------------------------------------------------

    def action_download(self) -> None:
        if self.library.local_root is None:
            self.tell("Downloading needs the local library: set R2_LOCAL_ROOT.",
                      severity="warning")
            return
        keys = self.bucket_targets("download")
        pending = self.transfers.pending_downloads()
        keys = [k for k in keys if k not in pending]
        if keys:
            self.plan_download(keys)

    @work(thread=True, exclusive=True, exit_on_error=False, group="plan")
    def plan_download(self, keys: list[str]) -> None:
        with self.in_flight.track():
            root = self.library.settings.require_local_root().resolve()
            objects, gone = self._objects(keys)
            plan = plan_chosen([(o, o.key) for o in objects], root, hasher=self.library.hasher)
            plan.refused.update({k: "no longer in the bucket" for k in gone})
        self.post_message(DownloadPlanReady(plan))

    def on_download_plan_ready(self, message: DownloadPlanReady) -> None:
        plan = message.plan

        def start(confirmed: bool | None) -> None:
            if confirmed and not self.transfers.submit(plan):
                self.tell("Queued: this download starts when the running batch ends.")

        if not plan.items:
            self.tell(f"Nothing to download: {download_notes(plan) or 'nothing named'}.")
            return
        prices = self.library.settings.prices
        question = (f"Download {len(plan.items)} object(s), {size(plan.bytes_to_receive)}, "
                    f"into the local library?\nCost: about {plan.class_b_ops:,} Class B "
                    f"operations ({usd(prices.class_b(plan.class_b_ops))}); R2 charges no "
                    "egress.")
        notes = download_notes(plan)
        self.app.push_screen(ConfirmScreen(question + (f"\n{notes}." if notes else ""),
                                           yes="Download"), start)

    def on_transfers_panel_batch_done(self, message: TransfersPanel.BatchDone) -> None:
        if isinstance(message.summary, DownloadSummary):
            self.query_one(LocalTree).relist()  # the downloads landed there

    # --- delete: to the trash -------------------------------------------------------------

    def action_trash(self) -> None:
        keys = self.bucket_targets("move to the trash")
        if keys:
            self.size_up_trash(keys)

    @work(thread=True, exclusive=True, exit_on_error=False, group="objects")
    def size_up_trash(self, keys: list[str]) -> None:
        with self.in_flight.track():
            objects, gone = self._objects(keys)
        self.post_message(TrashReady({o.key: o.size for o in objects}, gone))

    def on_trash_ready(self, message: TrashReady) -> None:
        sizes = message.sizes
        if not sizes:
            self.tell("Nothing to move to the trash: the objects are no longer in the bucket.")
            return
        twins = sum(1 for k in sizes if self.view.has_local_twin(k))
        question = (f"Move {len(sizes)} object(s), {size(sum(sizes.values()))}, to the trash "
                    f"(.trash/<time>/)?\n{len(sizes) - twins} without a local file, {twins} "
                    "with one (an upload would bring those back).\n"
                    "'r2tui trash restore' puts them back; only 'trash empty' deletes.\n"
                    + self._move_cost(len(sizes)))
        stamp = stamp_now()
        moves = [Move(k, trash_key(k, stamp)) for k in sorted(sizes, key=self._extras_first)]
        self.app.push_screen(ConfirmScreen(question, yes="Move to trash"),
                             lambda yes: yes and self.run_moves(moves, stamp, "trashed"))

    def _move_cost(self, moves: int) -> str:
        cost = move_cost(self.library.settings.prices, moves)
        return (f"Cost: {moves} Class A + {HEADS_PER_MOVE * moves} Class B operations "
                f"({usd(cost)}).")

    def _extras_first(self, key: str) -> tuple[bool, str]:
        return self.view.has_local_twin(key), key

    # --- M: move or rename ----------------------------------------------------------------

    def action_move(self) -> None:
        entry = self.highlighted_entry()
        if entry is None or entry.kind is not Kind.FILE or not self.view.in_bucket(entry.key):
            self.tell("Highlight an object of the bucket to move or rename it.",
                      severity="warning")
            return
        source = entry.key
        prefixes = [p for c in self.view.layout for p in c.prefixes if p]

        def moved(target: str | None) -> None:
            if not target or target == source:
                return
            try:
                check_key(target, "new key")
            except UsageError as exc:
                self.tell(exc.message, severity="warning")
                return
            self.run_moves([Move(source, target)], stamp_now(), "moved")

        self.app.push_screen(MoveScreen(source, prefixes, self._move_cost(1)), moved)

    # --- both: the moves in a worker ------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="objects")
    def run_moves(self, moves: list[Move], stamp: str, verb: str) -> None:
        with self.in_flight.track():
            summary = run_moves(self.library.settings, moves, stamp=stamp,
                                client=self.library.client)
        self.post_message(ObjectsMoved(summary, verb))

    def on_objects_moved(self, message: ObjectsMoved) -> None:
        summary = message.summary
        for move in summary.moved:
            self.view.selected.discard(move.source)
        failed = "; ".join(f"{k}: {r}" for k, r in sorted(summary.failures.items()))
        self.tell(f"{len(summary.moved)} object(s) {message.verb} "
                  f"({size(summary.bytes_moved)})" + (f"; failed: {failed}" if failed else "."),
                  severity="warning" if failed else "information")
        self.load_report()
        for tree in self.query(LazyTree):
            tree.relist()


def download_notes(plan: DownloadPlan) -> str:
    """Why some named objects are not in the plan, in one line."""
    notes = [f"{k}: {r}" for k, r in sorted({**plan.skipped, **plan.refused}.items())]
    shown = "; ".join(notes[:3])
    return shown + (f" (and {len(notes) - 3} more)" if len(notes) > 3 else "")
