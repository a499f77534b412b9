"""The Textual app against the local S3 server through the verifying proxy."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from r2tui.cli.app import make_app
from r2tui.demo import DemoPlan, seed
from r2tui.formatting import summary_line
from r2tui.library import Library
from r2tui.settings import Secret, Settings
from r2tui.tui.app import R2TuiApp, build_app
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.summary import ErrorBanner, Summary
from tests.test_tui_helpers import drive, expand, highlight, settle

SCALE = 0.02  # every category, a few files each (intros, weekly, closing: one file)


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], bucket: str) -> tuple[Settings, DemoPlan]:
    settings = make_settings(bucket=f"{bucket}-tui")
    return settings, seed(settings, SCALE)


def row(app: R2TuiApp, category_id: str) -> list[str]:
    table = app.main.query_one(Dashboard)
    return [str(cell).strip() for cell in table.get_row(category_id)]


def test_counts_per_category_in_dashboard_trees_and_summary(seeded: Any) -> None:
    settings, plan = seeded
    app = build_app(settings)
    report = Library(settings).report()

    async def scenario(pilot: Pilot[int]) -> None:
        intros = row(app, "intros")  # Category, Expected, Local, Remote, Missing, Changed, ...
        assert intros[:6] == ["Trainer intros", "15", "1", "0", "1", "0"]
        assert row(app, "weekly")[5] == "1"
        assert row(app, "reminders")[6] == "1"
        assert summary_line(report) in str(app.main.query_one(Summary).render())
        tree = app.main.query_one(BucketTree)
        await expand(pilot, tree, "videos/")
        assert str(tree.node_for("videos/intros/").label) == "intros/  0/15 · 1 missing"
        assert str(tree.node_for("videos/closing/").label) == "closing/  1/10"
        assert str(tree.node_for("videos/weekly/").label) == "weekly/  1/5 · 1 changed"
        await expand(pilot, tree, "videos/intros/")
        ghost = tree.node_for(plan.missing[0])
        assert ghost is not None and "✗ missing" in str(ghost.label)

    drive(app, scenario)


def test_select_missing_and_upload_lands_objects_and_updates_counts(
    seeded: Any, admin: Any
) -> None:
    settings, plan = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        await pilot.press("m")  # the cursor is on the bucket root: everywhere
        assert app.main.view.selected == {*plan.missing, *plan.changed}
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.plan.uploads == len(plan.missing) + len(plan.changed)
        await pilot.press("y")
        await settle(pilot, rounds=8)
        assert row(app, "intros")[3:6] == ["1", "0", "0"]
        assert row(app, "progress")[5] == "0"
        assert " 0 missing · 0 changed" in str(app.main.query_one(Summary).render())
        assert app.main.transfers.display

    drive(app, scenario)
    for key in plan.missing:
        assert admin.head_object(Bucket=settings.bucket, Key=key)["ContentLength"] > 0


def test_c_copies_a_signed_url_that_fetches_the_object(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)
    key = "videos/closing/closing_001.mp4"

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        await expand(pilot, tree, "videos/", "videos/closing/")
        await highlight(pilot, tree, key)
        await pilot.press("c")
        await settle(pilot)
        assert "X-Amz-Signature=" in app.clipboard

    drive(app, scenario)
    with urllib.request.urlopen(app.clipboard, timeout=10) as response:
        assert response.status == 200
        assert response.read() == (Path(settings.local_root or "") / key).read_bytes()


def test_p_refuses_videos_and_copies_public_urls_of_photos(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        await expand(pilot, tree, "videos/", "videos/closing/")
        await highlight(pilot, tree, "videos/closing/closing_001.mp4")
        await pilot.press("p")
        assert app.clipboard == ""
        notes = [n.message for n in app._notifications]
        assert any("videos are served only through signed URLs" in n for n in notes)
        await expand(pilot, tree, "photos/", "photos/workout/")
        await highlight(pilot, tree, "photos/workout/workout_0001.png")
        await pilot.press("p")
        assert app.clipboard == f"{settings.public_base_url}/photos/workout/workout_0001.png"

    drive(app, scenario)


def test_wrong_secret_is_shown_not_raised(
    make_settings: Callable[..., Settings], proxy: Any
) -> None:
    app = build_app(make_settings(secret_access_key=Secret("wrong-secret-for-the-test")))

    async def scenario(pilot: Pilot[int]) -> None:
        banner = app.main.query_one(ErrorBanner)
        assert banner.display
        text = str(banner.render())
        assert "r to retry" in text and "wrong-secret" not in text
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running and banner.display

    drive(app, scenario)


def test_missing_local_folder_is_shown_not_raised(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    app = build_app(make_settings(local_root=tmp_path / "nowhere"))

    async def scenario(pilot: Pilot[int]) -> None:
        banner = app.main.query_one(ErrorBanner)
        assert banner.display and "nowhere" in str(banner.render())

    drive(app, scenario)


def test_the_app_shows_the_report_begun_before_textual_was_imported(
    seeded: Any, proxy: Any,
) -> None:
    settings, _ = seeded
    proxy.clear()
    app = make_app(settings)
    early = app.library._early
    assert early is not None
    report = early.result(timeout=60)  # listed with no app running yet
    listed = proxy.count(operation="ListObjectsV2")
    assert listed >= 1

    async def scenario(pilot: Pilot[int]) -> None:
        assert app.main.view.report is report  # the begun one, not a second listing
        assert app.main.query_one(Dashboard).row_count == 13

    drive(app, scenario)
    assert proxy.count(operation="ListObjectsV2") - listed <= 2  # the trees' root levels only


def test_a_begun_report_that_fails_is_shown_as_the_first_one_would_be(
    make_settings: Callable[..., Settings], bucket: str,
) -> None:
    app = make_app(make_settings(bucket=f"{bucket}-absent"))

    async def scenario(pilot: Pilot[int]) -> None:
        banner = app.main.query_one(ErrorBanner)
        assert banner.display and "absent" in str(banner.render())

    drive(app, scenario)
