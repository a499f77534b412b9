"""Pilot tests of the TUI's actions: retry, cancel, quit, filter, problems only, palette, costs,
the deployment settings, the image preview, and failures that must not leave "loading" behind."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual_image.widget import Image

from r2tui.demo import DemoPlan, seed
from r2tui.settings import Settings
from r2tui.tui.app import build_app
from r2tui.tui.screens.dialogs import ConfirmScreen
from r2tui.tui.screens.env import EnvScreen
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.search import KeyIndex
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.summary import ErrorBanner, Summary
from tests.support.servers import TEST_SECRET_KEY, Delay, Respond, match_request
from tests.test_tui_helpers import drive, expand, highlight, settle, wait_for

SCALE = 0.02


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], bucket: str) -> tuple[Settings, DemoPlan]:
    settings = make_settings(bucket=f"{bucket}-act")
    return settings, seed(settings, SCALE)


def labels(tree: LazyTree) -> list[str]:
    """Every line of the tree, depth first."""
    found: list[str] = []

    def walk(node: Any) -> None:
        found.append(str(node.label))
        for child in node.children:
            walk(child)

    walk(tree.root)
    return found


async def start_upload(pilot: Pilot[int]) -> None:
    await pilot.press("m", "u")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PlanScreen)
    await pilot.press("y")


def test_a_failed_upload_is_retried_with_R(seeded: Any, proxy: Any) -> None:
    settings, plan = seeded
    app = build_app(settings)
    denied = f"/{settings.bucket}/{plan.missing[0]}"
    proxy.add_fault(match_request(method="PUT", path_prefix=denied),
                    Respond(403, "AccessDenied", "Access Denied"), times=None)

    async def scenario(pilot: Pilot[int]) -> None:
        panel = app.main.transfers
        await start_upload(pilot)
        await settle(pilot, rounds=8)
        assert set(panel.failures) == {plan.missing[0]}
        assert "R retries the failed files" in str(panel.query_one("#transfers-head").render())
        proxy.clear_faults()
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert [i.key for i in app.screen.plan.items] == [plan.missing[0]]
        await pilot.press("y")
        await settle(pilot, rounds=8)
        assert not panel.failures and not panel.running
        assert plan.missing[0] not in app.main.view.missing_keys()

    drive(app, scenario)


def test_x_cancels_a_running_batch(seeded: Any, proxy: Any) -> None:
    settings, _ = seeded
    app = build_app(replace(settings, workers=1))  # one at a time: four wait when x comes
    proxy.add_fault(match_request(method="PUT"), Delay(1.5), times=None)

    async def scenario(pilot: Pilot[int]) -> None:
        panel = app.main.transfers
        await start_upload(pilot)
        jobs = panel.query_one("#jobs", DataTable)
        await wait_for(pilot, lambda: jobs.row_count == 1)  # the first PUT is in flight
        await pilot.press("x")
        await wait_for(pilot, lambda: not panel.running)
        head = str(panel.query_one("#transfers-head").render())
        assert "Finished with problems" in head and "4 cancelled" in head

    drive(app, scenario)


def test_quit_asks_first_while_uploads_run(seeded: Any, proxy: Any) -> None:
    settings, _ = seeded
    app = build_app(replace(settings, workers=1))
    proxy.add_fault(match_request(method="PUT"), Delay(1.5), times=None)

    async def scenario(pilot: Pilot[int]) -> None:
        await start_upload(pilot)
        await wait_for(pilot, lambda: app.main.transfers.running)
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert app.is_running and app.main.transfers.running
        await pilot.press("q")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running)

    drive(app, scenario)
    assert app.return_code == 0


def test_filter_finds_keys_anywhere_and_escape_restores_the_tree(seeded: Any) -> None:
    settings, plan = seeded
    app = build_app(settings)
    avatar = plan.missing[-1]  # images/avatars/…: a ghost in the bucket, never opened

    async def scenario(pilot: Pilot[int]) -> None:
        bucket = app.main.query_one(BucketTree)
        before = labels(bucket)
        await pilot.press("slash")
        assert app.focused is app.main.query_one("#filter", Input)
        await pilot.press(*"avatar")
        await settle(pilot)
        assert bucket.node_for(avatar) is not None  # found without opening a folder
        assert "✗ missing" in str(bucket.node_for(avatar).label)
        assert "1 match" in str(bucket.root.label)
        local = app.main.query_one(LocalTree)
        assert local.node_for(avatar) is not None
        await pilot.press(*"zzz-none")
        await settle(pilot)
        assert "0 matches" in str(bucket.root.label) and not bucket.root.children
        await pilot.press("escape")
        await settle(pilot)
        assert labels(bucket) == before
        assert app.focused is bucket

    drive(app, scenario)


def test_key_index_caps_the_matches_and_counts_the_rest() -> None:
    index = KeyIndex()
    index.add((f"photos/quotes/quote_{n:04d}.png", 10) for n in range(1000))
    index.add([("photos/quotes/quote_0001.png", 10)])  # listed twice: counted once
    index.complete = True
    matches = index.search("QUOTE_0", extra=[("photos/quotes/quote_2000.png", None)], limit=50)
    assert matches.total == 1000 and len(matches.found) == 50 and matches.more == 950
    assert matches.found[0] == ("photos/quotes/quote_0000.png", 10)
    assert index.search("quote_2000", extra=[("photos/quotes/quote_2000.png", None)]).total == 1


def test_o_shows_problems_only(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        bucket = app.main.query_one(BucketTree)
        await pilot.press("o")
        await settle(pilot)
        assert "problems only" in app.main.sub_title
        await expand(pilot, bucket, "videos/")
        shown = {c.data.key for c in bucket.node_for("videos/").children if c.data}
        assert "videos/intros/" in shown and "videos/closing/" not in shown
        await pilot.press("o")
        await settle(pilot)
        assert "problems only" not in app.main.sub_title
        assert "videos/closing/" in {c.data.key for c in bucket.node_for("videos/").children
                                     if c.data}

    drive(app, scenario)


def test_command_palette_runs_an_action(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("ctrl+p")
        await pilot.press(*"Deploy env")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EnvScreen)

    drive(app, scenario)


def test_costs_in_the_dashboard_and_the_upload_plan(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        subtitle = str(app.main.query_one(Dashboard).border_subtitle)
        assert subtitle.startswith("storage 0.") and "$0.00/month" in subtitle
        assert "egress free" in subtitle
        await pilot.press("m", "u")
        await settle(pilot)
        text = str(app.screen.query_one("#plan-summary").render())
        assert "Class A operations" in text and "/month" in text

    drive(app, scenario)


def test_env_modal_never_shows_the_secret(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EnvScreen)
        for fmt in ("dotenv", "render", "django"):
            assert screen.fmt == fmt
            await pilot.pause()
            svg = app.export_screenshot()
            assert TEST_SECRET_KEY not in svg and TEST_SECRET_KEY not in screen.text
            if fmt == "dotenv":
                assert "R2_SECRET_ACCESS_KEY=********" in screen.text
            await pilot.press("c")
            assert app.clipboard == screen.text
            await pilot.press("right")
            await settle(pilot)
        await pilot.press("escape")
        assert app.screen is app.main

    drive(app, scenario)


def test_a_card_shows_an_image_preview(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        await expand(pilot, tree, "photos/", "photos/workout/")
        await highlight(pilot, tree, "photos/workout/workout_0001.png")
        await pilot.pause(0.3)
        await settle(pilot)
        preview = app.main.query_one("#preview", Image)
        assert preview.display and preview.image is not None
        await highlight(pilot, tree, "photos/workout/")
        assert not preview.display

    drive(app, scenario)


def test_unreachable_endpoint_ends_the_loading_state(
    make_settings: Callable[..., Settings],
) -> None:
    app = build_app(make_settings(endpoint_url="http://127.0.0.1:9"))

    async def scenario(pilot: Pilot[int]) -> None:
        await settle(pilot)
        assert app.main.query_one(ErrorBanner).display
        summary = str(app.main.query_one(Summary).render())
        assert "Comparing" not in summary and "No counts" in summary
        for tree in app.main.query(LazyTree):
            assert "loading" not in str(tree.root.label)
        assert "not listed" in str(app.main.query_one(BucketTree).root.label)

    drive(app, scenario)


def test_a_ghost_folder_shows_once_and_stays_open_across_rerenders(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        await expand(pilot, tree, "images/", "images/avatars/")
        tree.rerender()
        await settle(pilot)
        lines = labels(tree)
        assert sum(line.startswith("avatars/") for line in lines) == 1
        node = tree.node_for("images/avatars/")
        assert node is not None and node.is_expanded and node.children

    drive(app, scenario)


def test_a_page_delivered_twice_is_taken_once(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        root = tree.root
        assert root.data is not None
        page = tree.fetch("", None)
        root.data.next_token = "page-2"
        for _ in range(2):
            tree.post_message(LazyTree.LevelLoaded(root, "page-2", page))
        await settle(pilot)
        keys = [c.key for c in root.data.children]
        assert len(keys) == len(set(keys))

    drive(app, scenario)


