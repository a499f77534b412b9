"""Make the README screenshots from the real app against the demo's embedded S3 server.

    .venv/bin/python scripts/screenshots.py [OUTPUT_DIR]

Writes SVGs (and PNGs when ``rsvg-convert`` is installed) of the main screens to ``screenshots/``.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot

from r2tui.demo import demo_settings, embedded_server, plan_for, seed
from r2tui.sample import content_for
from r2tui.tui.app import R2TuiApp, build_app
from r2tui.tui.screens.env import EnvScreen
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.details import Details
from r2tui.tui.widgets.lazy_tree import LazyTree

SIZE = (140, 42)
[DEMO_EXTRA] = plan_for([]).extra
Steps = Callable[[Pilot[int]], Awaitable[None]]


async def settle(pilot: Pilot[int], rounds: int = 6) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)


async def open_folders(pilot: Pilot[int], tree: LazyTree, *prefixes: str) -> None:
    for prefix in prefixes:
        node = tree.node_for(prefix)
        if node is not None:
            node.expand()
            await settle(pilot)


async def main_screen(pilot: Pilot[int]) -> None:
    tree = pilot.app.query_one(BucketTree)
    await open_folders(pilot, tree, "videos/", "videos/intros/")
    node = tree.node_for("videos/intros/")
    if node is not None:
        tree.move_cursor(node)


async def preview(pilot: Pilot[int]) -> None:
    tree = pilot.app.query_one(BucketTree)
    await open_folders(pilot, tree, "images/", "images/avatars/")
    node = tree.node_for("images/avatars/avatar Max Power 02.png")
    if node is not None:
        tree.move_cursor(node)
    await pilot.pause(0.5)
    await settle(pilot)


async def video_details(pilot: Pilot[int]) -> None:
    """A video's facts, its problem (not fast-start) and its thumbnail, found with the filter."""
    await pilot.press("slash", *"closing_001", "enter")
    await settle(pilot)
    await pilot.pause(1.0)
    await settle(pilot)
    pilot.app.query_one(Details).scroll_end(animate=False)  # the thumbnail, below the facts
    await pilot.pause(0.3)


async def media_view(pilot: Pilot[int]) -> None:
    """The categories by media (v), then only the problems (o), the two broken videos shown."""
    app = pilot.app
    assert isinstance(app, R2TuiApp)
    await pilot.press("v")
    for _ in range(200):  # reading the facts of the demo's 3,343 files takes a few seconds
        media = app.main.view.media
        if media is not None and media.unread == 0:
            break
        await pilot.pause(0.1)
    await settle(pilot)
    await pilot.press("o")
    tree = app.query_one(BucketTree)
    await open_folders(pilot, tree, "videos/", "videos/closing/", "videos/reminders/")
    node = tree.node_for("videos/closing/")
    if node is not None and node.children:
        tree.move_cursor(node.children[0])
    await pilot.pause(0.5)
    await settle(pilot)


async def upload_plan(pilot: Pilot[int]) -> None:
    await pilot.press("m", "u")
    await settle(pilot)


async def transfers(pilot: Pilot[int]) -> None:
    await upload_plan(pilot)
    await pilot.press("y")
    await settle(pilot, rounds=10)


async def delete_confirm(pilot: Pilot[int]) -> None:
    """The trash's confirmation for the demo's stray object and one that has a local twin."""
    tree = pilot.app.query_one(BucketTree)
    await open_folders(pilot, tree, "videos/", "videos/reminders/")
    for key in (DEMO_EXTRA, "videos/reminders/reminders_441.mp4"):
        node = tree.node_for(key)
        if node is not None:
            tree.move_cursor(node)
            await pilot.press("space")
    await pilot.press("delete")
    await settle(pilot)


async def rename_plan(pilot: Pilot[int]) -> None:
    """The upload plan after the stray object was renamed locally: a rename, not an upload."""
    app = pilot.app
    assert isinstance(app, R2TuiApp)
    root = app.library.settings.local_root
    assert root is not None
    (root / "videos/reminders/reminder 01 renamed.mp4").write_bytes(content_for(DEMO_EXTRA))
    await pilot.press("r")
    await settle(pilot)
    await upload_plan(pilot)


async def help_screen(pilot: Pilot[int]) -> None:
    await pilot.press("question_mark")


async def deploy_env(pilot: Pilot[int]) -> None:
    """The env modal, on an R2-like endpoint (the demo's local port changes every run)."""
    app = pilot.app
    assert isinstance(app, R2TuiApp)
    settings = replace(app.library.settings,
                       endpoint_url="https://ACCOUNT.r2.cloudflarestorage.com",
                       public_base_url="https://media.example.com")
    await app.push_screen(EnvScreen(settings))
    await pilot.press("right")


async def narrow(pilot: Pilot[int]) -> None:
    """The main screen on an 80x24 terminal (the size comes from NARROW)."""


NARROW = {"main-80x24"}

SHOTS: dict[str, Steps] = {
    "main-80x24": narrow,
    "main": main_screen,
    "details-preview": preview,
    "video-details": video_details,
    "media-view": media_view,
    "upload-plan": upload_plan,
    "delete-confirm": delete_confirm,
    "rename-plan": rename_plan,
    "help": help_screen,
    "deploy-env": deploy_env,
    "transfers": transfers,  # last: the moto backend is shared in-process, and this one uploads
}

COMMANDS: dict[str, list[str]] = {  # command-line shots: name -> arguments
    "validate-media": ["validate", "--media", "--remote"],
}


async def shoot(name: str, steps: Steps, out: Path) -> Path:
    """A fresh server, library and app per shot, so each starts from the same state."""
    with tempfile.TemporaryDirectory(prefix="r2tui-shot-") as tmp, embedded_server() as endpoint:
        settings = demo_settings(endpoint, Path(tmp) / "library")
        seed(settings, in_process=True)
        app = build_app(settings)
        async with app.run_test(size=(80, 24) if name in NARROW else SIZE) as pilot:
            await settle(pilot)
            await steps(pilot)
            app.clear_notifications()
            await pilot.pause(0.2)
            return Path(app.save_screenshot(f"{name}.svg", str(out)))


def shoot_command(name: str, argv: list[str], out: Path) -> Path:
    """A command's output on the demo library, drawn as a terminal would (100 columns)."""
    with tempfile.TemporaryDirectory(prefix="r2tui-shot-") as tmp, embedded_server() as endpoint:
        settings = demo_settings(endpoint, Path(tmp) / "library")
        seed(settings, in_process=True)
        env = {**os.environ, "R2_ENDPOINT": endpoint, "R2_BUCKET": settings.bucket,
               "R2_ACCESS_KEY_ID": settings.access_key_id,
               "R2_SECRET_ACCESS_KEY": settings.secret_access_key.reveal(),
               "R2_LOCAL_ROOT": str(settings.local_root), "COLUMNS": "100"}
        done = subprocess.run([sys.executable, "-m", "r2tui", *argv], env=env,
                              capture_output=True, text=True, check=False)
    console = Console(record=True, width=100, file=io.StringIO())
    console.print(Text(f"$ r2tui {' '.join(argv)}", style="bold"))
    console.print(Text(done.stdout + done.stderr))
    svg = out / f"{name}.svg"
    svg.write_text(console.export_svg(title=f"r2tui {argv[0]}"), encoding="utf-8")
    return svg


def to_png(svg: Path) -> None:
    """rsvg-convert collapses leading no-break spaces unless told to preserve them."""
    if shutil.which("rsvg-convert") is None:
        return
    text = svg.read_text(encoding="utf-8").replace("<svg ", '<svg xml:space="preserve" ', 1)
    subprocess.run(["rsvg-convert", "-o", str(svg.with_suffix(".png"))], input=text.encode(),
                   check=True)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    for name, steps in SHOTS.items():
        svg = asyncio.run(shoot(name, steps, out))
        to_png(svg)
        print(f"wrote {svg}", file=sys.stderr)
    for name, command in COMMANDS.items():
        svg = shoot_command(name, command, out)
        to_png(svg)
        print(f"wrote {svg}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
