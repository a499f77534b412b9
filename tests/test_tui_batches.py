"""One upload batch at a time, always finished: ``u`` during a batch queues the new plan,
the panel's "running" ends however the batch ends, quitting asks while anything runs or
waits, and the state store is closed only after the workers stopped."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import Any

import pytest
from textual.pilot import Pilot

from r2tui.compare import State
from r2tui.demo import DemoPlan, seed
from r2tui.library import Library
from r2tui.settings import Settings
from r2tui.transfers import Batch, Summary
from r2tui.tui.app import R2TuiApp, build_app
from r2tui.tui.screens.dialogs import ConfirmScreen
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.transfers import TransfersPanel
from tests.test_tui_helpers import drive, expand, highlight, settle, wait_for

SCALE = 0.02
GATE_SECONDS = 30  # a test that fails never leaves an engine thread blocked for longer


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], bucket: str) -> tuple[Settings, DemoPlan]:
    settings = make_settings(bucket=f"{bucket}-one")
    return settings, seed(settings, SCALE)


class Engines:
    """Every batch the panel runs: how many run at once, and a gate each waits at first."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.events: list[str] = []
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.runs = 0

    def batch_class(self) -> type[Batch]:
        engines = self

        class GatedBatch(Batch):
            def run(self) -> Summary:
                with engines._lock:
                    engines.runs += 1
                    engines.running += 1
                    engines.most = max(engines.most, engines.running)
                try:
                    engines.go.wait(GATE_SECONDS)
                    return super().run()
                finally:
                    with engines._lock:
                        engines.running -= 1
                        engines.events.append("engine stopped")

            def cancel(self) -> None:
                super().cancel()
                engines.go.set()

        return GatedBatch


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> Engines:
    found = Engines()
    monkeypatch.setattr("r2tui.tui.widgets.transfers.Batch", found.batch_class())
    return found


def head(panel: TransfersPanel) -> str:
    return str(panel.query_one("#transfers-head").render())


async def plan_and_confirm(pilot: Pilot[int]) -> None:
    """u, wait for the plan (never for every worker: a gated batch may be running), y."""
    await pilot.press("u")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PlanScreen))
    await pilot.press("y")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, PlanScreen))


async def one_running_one_queued(app: R2TuiApp, pilot: Pilot[int], plan: DemoPlan,
                                 engines: Engines) -> None:
    """Upload one missing file (held at the gate), then plan everything else: queued."""
    first = plan.missing[0]
    tree = app.main.query_one(BucketTree)
    await expand(pilot, tree, *[p for p in ("videos/", "videos/intros/") if first.startswith(p)])
    await highlight(pilot, tree, first)
    await pilot.press("space")
    await plan_and_confirm(pilot)
    panel = app.main.transfers
    await wait_for(pilot, lambda: engines.running == 1)
    assert panel.running and not panel.queued
    tree.move_cursor(tree.root)  # m at the root: every missing or changed file
    await pilot.pause()
    await pilot.press("m", "u")
    await wait_for(pilot, lambda: isinstance(app.screen, PlanScreen))
    planned = {i.key for i in app.screen.plan.items}
    assert planned == {*plan.missing, *plan.changed} - {first}  # the running file left out
    await pilot.press("y")
    await wait_for(pilot, lambda: bool(panel.queued))
    assert panel.running and engines.running == 1 and "1 batch(es) queued" in head(panel)


def test_u_during_a_batch_queues_the_plan_and_one_engine_runs_at_a_time(
    seeded: Any, engines: Engines, admin: Any
) -> None:
    settings, plan = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        panel = app.main.transfers
        await one_running_one_queued(app, pilot, plan, engines)
        engines.go.set()
        await wait_for(pilot, lambda: not panel.busy, seconds=60)
        await settle(pilot)
        assert engines.runs == 2 and engines.most == 1
        assert head(panel).startswith("Done:") and not panel.failures
        assert not {*plan.missing, *plan.changed} & set(app.main.view.missing_keys())

    drive(app, scenario)
    for key in plan.missing:
        assert admin.head_object(Bucket=settings.bucket, Key=key)["ContentLength"] > 0


def test_a_batch_that_raises_ends_the_running_state(
    seeded: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = seeded

    class BrokenBatch(Batch):
        def run(self) -> Summary:
            raise RuntimeError("cancel landed in abort_orphans [multipart]")

    monkeypatch.setattr("r2tui.tui.widgets.transfers.Batch", BrokenBatch)
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        panel = app.main.transfers
        await pilot.press("m")
        await plan_and_confirm(pilot)
        await settle(pilot)
        assert not panel.running and not panel.busy
        assert "Stopped by an error: RuntimeError: cancel landed in abort_orphans [multipart]" \
            in head(panel)
        told = [n for n in app._notifications if "abort_orphans [multipart]" in n.message]
        assert len(told) == 1  # once, not once per class in the handler chain
        assert app.main.check_action("cancel_batch", ()) is False
        await pilot.press("q")  # nothing runs: no question
        await wait_for(pilot, lambda: not app.is_running)

    drive(app, scenario)


@pytest.mark.parametrize("queued", [False, True], ids=["running", "running-and-queued"])
def test_quit_asks_while_a_batch_runs_or_waits_and_closes_the_store_after_the_workers(
    queued: bool, seeded: Any, engines: Engines
) -> None:
    settings, plan = seeded
    app = build_app(settings)
    store = app.library.store
    close = store.close

    def closing() -> None:
        engines.events.append("store closed")
        close()

    store.close = closing  # type: ignore[method-assign]

    async def scenario(pilot: Pilot[int]) -> None:
        panel = app.main.transfers
        if queued:
            await one_running_one_queued(app, pilot, plan, engines)
        else:
            await pilot.press("m")
            await plan_and_confirm(pilot)
            await wait_for(pilot, lambda: engines.running == 1)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        assert ("more queued" in app.screen.question) is queued
        await pilot.press("n")
        assert app.is_running and panel.running and bool(panel.queued) is queued
        await pilot.press("q")
        await pilot.press("y")  # cancels: the gate opens, the engine stops, then the app ends
        await wait_for(pilot, lambda: not app.is_running, seconds=60)

    drive(app, scenario)
    assert app.return_code == 0
    assert engines.runs == 1  # the queued batch never started
    assert engines.events == ["engine stopped", "store closed"]


def test_the_plan_is_made_from_a_frozen_snapshot(seeded: Any) -> None:
    settings, plan = seeded
    library = Library(settings)
    view = ViewState(settings.layout)
    view.set_report(library.report())
    library.close()
    key = plan.missing[0]
    request = view.plan_request([key, *plan.changed])
    stored = request.stored_bytes
    view.land(key, 1000)  # the UI thread goes on: the snapshot does not change
    assert view.state_of(key) is None and request.states is not None
    assert request.states[key] is State.MISSING and request.stored_bytes == stored
    assert request.keys == tuple(sorted([key, *plan.changed]))
    with pytest.raises(TypeError):
        request.states[key] = State.CHANGED  # type: ignore[index]
    with pytest.raises(FrozenInstanceError):
        request.keys = ()  # type: ignore[misc]
