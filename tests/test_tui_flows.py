"""The everyday jobs as Pilot walks, counting the presses: a signed link from the filter in
four keys, stepping through matches and back, and counts on every parent folder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual_image.widget import Image

from r2tui.demo import DemoPlan, seed
from r2tui.formatting import clock
from r2tui.settings import Settings
from r2tui.tui.app import build_app
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.media_pane import MediaPane
from tests.test_tui_helpers import (
    as_text,
    drive,
    expand,
    highlight,
    on_screen,
    settle,
    wait_for,
)

SCALE = 0.02
NAME = "weekly_001"
KEY = f"videos/weekly/{NAME}.mp4"


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], bucket: str) -> tuple[Settings, DemoPlan]:
    settings = make_settings(bucket=f"{bucket}-flow")
    return settings, seed(settings, SCALE)


def cursor_key(tree: BucketTree) -> str | None:
    node = tree.cursor_node
    return node.data.key if node is not None and node.data is not None else None


def test_a_one_day_link_from_the_filter_in_four_presses(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)
    presses = ["slash", "enter", "C", "3"]  # besides typing the name

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        await pilot.press(presses[0], *NAME)
        await settle(pilot)
        await pilot.press(presses[1])
        await wait_for(pilot, lambda: cursor_key(tree) == KEY)
        assert tree.has_focus
        await pilot.press(*presses[2:])
        await wait_for(pilot, lambda: KEY.replace(" ", "%20") in app.clipboard)

    drive(app, scenario)
    query = parse_qs(urlsplit(app.clipboard).query)
    assert query["X-Amz-Expires"] == ["86400"]


def test_n_steps_through_matches_and_escape_restores_the_tree(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        await expand(pilot, tree, "videos/")
        await highlight(pilot, tree, "videos/intros/")
        before = [str(n.label) for n in tree.root.children]
        await pilot.press("slash", *"_000", "enter")
        await settle(pilot)
        first = cursor_key(tree)
        assert first is not None and "_000" in first
        await pilot.press("n")
        second = cursor_key(tree)
        assert second is not None and second != first and "_000" in second
        await pilot.press("N")
        assert cursor_key(tree) == first
        await pilot.press("escape")
        await settle(pilot)
        assert [str(n.label) for n in tree.root.children] == before
        assert cursor_key(tree) == "videos/intros/"
        assert not app.main.query_one("#filter").display

    drive(app, scenario)


def test_parent_folders_carry_the_counts_of_their_categories(seeded: Any) -> None:
    settings, plan = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        report = app.main.view.report
        assert report is not None
        under = [r for r in report.categories if r.category is not None
                 and all(p.startswith("videos/") for p in r.category.prefixes)]
        present = sum(r.tally.present for r in under)
        expected = sum(r.tally.expected for r in under)
        missing = sum(r.tally.missing for r in under)
        node = tree.node_for("videos/")
        assert node is not None
        assert f"videos/  {present:,}/{expected:,} · {missing} missing" in as_text(node.label)
        await highlight(pilot, tree, "videos/")
        details = on_screen(app.main.query_one("#details-text"))
        assert f"{present:,}/{expected:,}" in details and "Trainer intros" in details

    drive(app, scenario)


def test_at_80x24_one_tree_all_categories_and_the_footers_keys(seeded: Any) -> None:
    settings, _ = seeded
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.main
        dashboard = screen.query_one(Dashboard)
        assert dashboard.compact and dashboard.row_count == 13
        assert dashboard.region.bottom <= 23 and dashboard.region.height == 13 + 3
        bucket, local = screen.query_one(BucketTree), screen.query_one(LocalTree)
        assert bucket.display and not local.display and not screen.query_one("#details").display
        shown = {k.description for k in screen.query_one(Footer).query(FooterKey)
                 if k.region.width and k.region.right <= 80}
        assert {"Help", "Upload", "Signed URL", "Quit"} <= shown, shown
        await pilot.press("t")
        assert local.display and not bucket.display and local.has_focus
        await pilot.press("i")
        assert screen.query_one("#details").display
        await pilot.press("t")
        assert bucket.display and bucket.has_focus

    drive(app, scenario, size=(80, 24))


def test_the_details_show_what_a_video_is_and_a_thumbnail(seeded: Any) -> None:
    settings, plan = seeded
    slow = next(k for k, shape in plan.shapes.items() if shape.name == "MOOV_AT_END")
    [extra] = plan.extra  # no local twin: its facts come from ranged GETs
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        tree = app.main.query_one(BucketTree)
        pane = app.main.query_one(MediaPane)
        await expand(pilot, tree, "videos/", "videos/closing/", "videos/reminders/")
        await highlight(pilot, tree, slow)
        await wait_for(pilot, lambda: pane.query_one("#thumbnail", Image).image is not None)
        text = on_screen(pane.query_one("#media-text"))
        assert "duration" in text and "resolution" in text and "codec" in text
        assert "fast-start no" in " ".join(text.split()) and "not_faststart" in text
        await highlight(pilot, tree, extra)
        await wait_for(pilot, lambda: "duration" in on_screen(pane.query_one("#media-text")))
        assert pane.query_one("#thumbnail", Image).image is None  # no local file to decode

    drive(app, scenario)


def test_the_media_view_and_problems_only_find_the_videos_that_will_not_play(
    seeded: Any,
) -> None:
    settings, plan = seeded
    slow, cut = (next(k for k, s in plan.shapes.items() if s.name == name)
                 for name in ("MOOV_AT_END", "TRUNCATED"))
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        screen = app.main
        dashboard, tree = screen.query_one(Dashboard), screen.query_one(BucketTree)
        assert screen.view.media is not None and screen.view.media.known == 0  # cold cache
        await pilot.press("v")
        await wait_for(pilot, lambda: screen.view.media is not None
                       and screen.view.media.unread == 0)
        await settle(pilot)
        rows = {str(key.value): " ".join(as_text(c) for c in dashboard.get_row(key))
                for key in dashboard.rows}
        assert "1 truncated" in rows["reminders"] and "1 not fast-start" in rows["closing"]
        reminders = screen.view.media.categories["reminders"]
        assert reminders.duration > 0 and reminders.usual == (64, 36)
        assert clock(reminders.duration) in rows["reminders"] and "64x36" in rows["reminders"]
        assert "facts of all" in str(dashboard.border_subtitle)
        await pilot.press("v")  # back to the counts: a late progress report leaves the foot be
        dashboard.show_reading(1, 2)
        assert "storage" in str(dashboard.border_subtitle)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("o")
        await expand(pilot, tree, "videos/", "videos/closing/", "videos/reminders/")
        closing = tree.node_for("videos/closing/")
        assert closing is not None
        assert [n.data.key for n in closing.children if n.data] == [slow]
        slow_node, cut_node = tree.node_for(slow), tree.node_for(cut)
        assert slow_node is not None and cut_node is not None
        assert "⚠ not fast-start" in as_text(slow_node.label)
        assert "⚠ truncated" in as_text(cut_node.label)
        shown = {as_text(dashboard.get_row(k)[0]).strip() for k in dashboard.rows}
        assert shown == {"Reminders", "Workout closing"}  # only categories with media problems

    drive(app, scenario)
