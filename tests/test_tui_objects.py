"""Pilot tests of the keys for the bucket's objects: d downloads, delete moves to the trash, M
moves or renames — each after a confirmation naming count and bytes — and renames in the plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label

from r2tui.demo import DemoPlan, seed
from r2tui.formatting import size
from r2tui.keys import TRASH_PREFIX
from r2tui.settings import Settings
from r2tui.tui.app import build_app
from r2tui.tui.screens.dialogs import ConfirmScreen, MoveScreen
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.widgets.bucket_tree import BucketTree
from tests.support.media import Media
from tests.test_tui_helpers import as_text, drive, expand, highlight, settle, wait_for

SCALE = 0.02


@pytest.fixture
def seeded(make_settings: Callable[..., Settings], bucket: str) -> tuple[Settings, DemoPlan]:
    settings = make_settings(bucket=f"{bucket}-obj")
    return settings, seed(settings, SCALE)


def keys_of(admin: Any, bucket: str) -> list[str]:
    pages = admin.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def plan_rows(screen: object) -> list[list[str]]:
    """The plan dialog's rows as plain text, cell by cell."""
    assert isinstance(screen, PlanScreen)
    table = screen.query_one(DataTable)
    return [[as_text(c).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]


def question(pilot: Pilot[int]) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmScreen), screen
    return screen.question


async def on_object(pilot: Pilot[int], key: str) -> None:
    tree = pilot.app.screen.query_one(BucketTree)
    parts = key.split("/")[:-1]
    await expand(pilot, tree, *["/".join(parts[: i + 1]) + "/" for i in range(len(parts))])
    await highlight(pilot, tree, key)


def test_d_downloads_the_highlighted_object_after_a_confirmation(
    seeded: Any, admin: Any
) -> None:
    settings, plan = seeded
    [extra] = plan.extra
    app = build_app(settings)
    target = Path(settings.local_root) / extra
    stored = admin.get_object(Bucket=settings.bucket, Key=extra)["Body"].read()

    async def scenario(pilot: Pilot[int]) -> None:
        await on_object(pilot, extra)
        await pilot.press("d")
        await settle(pilot)
        asked = question(pilot)
        assert asked.startswith(f"Download 1 object(s), {size(len(stored))}, into the local "
                                "library?\nCost: about 1 Class B operations")
        await pilot.press("y")
        panel = app.main.transfers
        await wait_for(pilot, lambda: not panel.busy, seconds=60)
        await settle(pilot)
        assert "1 downloaded" in str(panel.query_one("#transfers-head").render())
        assert app.main.view.state_of(extra) is None  # the report counts it synced now

    drive(app, scenario)
    assert target.read_bytes() == stored


def test_delete_moves_the_selection_to_the_trash_extras_first(seeded: Any, admin: Any) -> None:
    settings, plan = seeded
    [extra] = plan.extra
    synced = next(k for k in keys_of(admin, settings.bucket)
                  if k.startswith("videos/reminders/") and k != extra)
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        await on_object(pilot, synced)
        await pilot.press("space")
        await highlight(pilot, pilot.app.screen.query_one(BucketTree), extra)
        await pilot.press("space", "delete")
        await settle(pilot)
        asked = question(pilot)
        assert asked.startswith("Move 2 object(s)") and "1 without a local file, 1 with" in asked
        assert "Cost: 2 Class A + 6 Class B operations" in asked
        await pilot.press("n")  # nothing happens on no
        await settle(pilot)
        assert extra in keys_of(admin, settings.bucket)
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert not app.main.view.selected

    drive(app, scenario)
    keys = keys_of(admin, settings.bucket)
    assert extra not in keys and synced not in keys
    trashed = sorted(k.split("/", 2)[2] for k in keys if k.startswith(TRASH_PREFIX))
    assert trashed == sorted([extra, synced])


def test_M_moves_an_object_to_the_key_edited_or_a_category_picked(
    seeded: Any, admin: Any
) -> None:
    settings, plan = seeded
    [extra] = plan.extra
    app = build_app(settings)
    body = admin.get_object(Bucket=settings.bucket, Key=extra)["Body"].read()
    renamed = "videos/reminders/reminder [old] renamed.mp4"

    async def scenario(pilot: Pilot[int]) -> None:
        await on_object(pilot, extra)
        await pilot.press("M")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MoveScreen)
        assert as_text(screen.query(Label).first().render()).startswith(f"Move {extra} to")
        box = screen.query_one(Input)
        assert box.value == extra
        box.value = renamed
        await pilot.press("enter")
        await settle(pilot)

    drive(app, scenario)
    keys = keys_of(admin, settings.bucket)
    assert extra not in keys and renamed in keys
    assert admin.get_object(Bucket=settings.bucket, Key=renamed)["Body"].read() == body


def test_the_upload_plan_shows_a_rename_row(seeded: Any, admin: Any) -> None:
    settings, plan = seeded
    [extra] = plan.extra
    body = admin.get_object(Bucket=settings.bucket, Key=extra)["Body"].read()
    new_key = "videos/reminders/reminder renamed.mp4"
    (Path(settings.local_root) / new_key).write_bytes(body)  # renamed locally
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        await on_object(pilot, extra)
        await pilot.press("m", "u")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PlanScreen)
        rows = plan_rows(screen)
        assert ["rename", new_key, rows[0][2], f"from {extra} (then to the trash)"] \
            in rows
        assert "1 of them renames" in as_text(screen.query_one("#plan-summary").render())
        await pilot.press("y")
        panel = app.main.transfers
        await wait_for(pilot, lambda: not panel.busy, seconds=60)
        await settle(pilot)

    drive(app, scenario)
    keys = keys_of(admin, settings.bucket)
    assert extra not in keys and new_key in keys


def test_the_upload_plan_refuses_a_truncated_video(seeded: Any, media: Media) -> None:
    settings, _ = seeded
    key = "videos/reminders/cut short.mp4"
    (Path(settings.local_root) / key).write_bytes(media.truncated)
    app = build_app(settings)

    async def scenario(pilot: Pilot[int]) -> None:
        await on_object(pilot, "videos/reminders/")
        await pilot.press("m", "u")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PlanScreen)
        rows = plan_rows(screen)
        assert [r[:2] for r in rows] == [["refused", key]] and "truncated" in rows[0][3]
        assert "1 refused (broken media" in as_text(screen.query_one("#plan-summary").render())
        assert screen.query_one("#start").disabled

    drive(app, scenario)
