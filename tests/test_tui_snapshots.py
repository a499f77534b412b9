"""SVG snapshots of the main screens: fixed data, fixed bucket names, nothing random on screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot

from r2tui.demo import seed
from r2tui.settings import Settings
from r2tui.tui.app import R2TuiApp, build_app
from r2tui.tui.screens.env import EnvScreen
from r2tui.tui.widgets.bucket_tree import BucketTree
from tests.test_tui_helpers import SIZE, expand, highlight, settle

SCALE = 0.02


@pytest.fixture
def snap_app(make_settings: Callable[..., Settings], request: Any) -> R2TuiApp:
    """The real app on a seeded bucket named after the test (the names must be stable)."""
    settings = make_settings(bucket=f"snap-{request.node.name[5:].replace('_', '-')}")
    seed(settings, SCALE)
    return build_app(settings)


async def _opened(pilot: Pilot[int]) -> None:
    await settle(pilot)
    tree = pilot.app.query_one(BucketTree)
    await expand(pilot, tree, "videos/", "videos/intros/")
    await highlight(pilot, tree, "videos/intros/")


async def _quiet(pilot: Pilot[int]) -> None:
    pilot.app.clear_notifications()
    await pilot.pause()


def test_main_screen(snap_app: R2TuiApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await _opened(pilot)
        await _quiet(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_main_screen_at_80x24(snap_app: R2TuiApp, snap_compare: Any) -> None:
    """One tree, every category with its counts, and the footer's ? on a laptop's terminal."""

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await _quiet(pilot)

    assert snap_compare(snap_app, terminal_size=(80, 24), run_before=run_before)


def test_upload_plan(snap_app: R2TuiApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("m", "u")
        await settle(pilot)
        await _quiet(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_transfers_panel(snap_app: R2TuiApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("m", "u")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, rounds=8)
        await _quiet(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_app: R2TuiApp, snap_compare: Any) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await _quiet(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)


def test_deploy_env(snap_app: R2TuiApp, snap_compare: Any) -> None:
    """The env modal on fixed endpoints (the proxy's port changes every run)."""
    settings = replace(
        snap_app.library.settings,
        endpoint_url="https://ACCOUNT.r2.cloudflarestorage.com",
        public_base_url="https://pub-ACCOUNT.r2.dev",
    )

    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(EnvScreen(settings))
        await _quiet(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=run_before)
