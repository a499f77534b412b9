"""Helpers for the TUI tests: a seeded library, and driving the real app with a Pilot."""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import Awaitable, Callable

from rich.console import Console, RenderableType
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.worker import WorkerFailed

from r2tui.tui.app import R2TuiApp
from r2tui.tui.widgets.lazy_tree import LazyTree

SIZE = (120, 36)
Scenario = Callable[[Pilot[int]], Awaitable[None]]


async def settle(pilot: Pilot[int], rounds: int = 4) -> None:
    """Let workers finish and their messages land (workers may start more workers)."""
    for _ in range(rounds):
        with contextlib.suppress(WorkerFailed):  # failures are the app's to show, not ours
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_for(pilot: Pilot[int], condition: Callable[[], bool], seconds: float = 10) -> None:
    """Let the app run until ``condition`` holds (while a worker is meant to stay busy)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met in time")


def on_screen(widget: Widget) -> str:
    """The widget's lines exactly as drawn on the screen (borders included), as plain text."""
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def as_text(renderable: RenderableType, width: int = 4096) -> str:
    """What Rich draws for ``renderable`` (a string read as markup, as Rich and Textual read
    one), as plain text on a terminal wide enough that nothing wraps."""
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


async def expand(pilot: Pilot[int], tree: LazyTree, *prefixes: str) -> None:
    """Expand folders one after the other, waiting for each listing."""
    for prefix in prefixes:
        node = tree.node_for(prefix)
        assert node is not None, f"{prefix} not listed"
        node.expand()
        await settle(pilot)


async def highlight(pilot: Pilot[int], tree: LazyTree, key: str) -> None:
    node = tree.node_for(key)
    assert node is not None, f"{key} not listed"
    tree.focus()
    await pilot.pause()  # the screen learns which tree has the focus before the cursor moves
    tree.move_cursor(node)
    await settle(pilot)


def drive(
    app: R2TuiApp, scenario: Scenario, *, notifications: bool = False,
    size: tuple[int, int] = SIZE,
) -> None:
    """Run ``scenario`` against the real app (at 120x36 unless ``size``), after the first load
    settled (``notifications``: draw the toasts, as a terminal would)."""

    async def main() -> None:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())
