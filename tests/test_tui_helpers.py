"""Helpers for the TUI tests: a seeded library, and driving the real app with a Pilot."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from textual.pilot import Pilot
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
    tree.move_cursor(node)
    await settle(pilot)


def drive(app: R2TuiApp, scenario: Scenario) -> None:
    """Run ``scenario`` against the real app at 120x36, after the first load settled."""

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await scenario(pilot)

    asyncio.run(main())
