"""The TUI's first counts, as a user gets them: from process start until the dashboard shows counts.

    python bench/tui_counts.py        (settings from the environment, as ``r2tui`` reads them)

Run as a child process by bench_wan.py: the child's wall time, interpreter start and imports
included, is the figure. The app runs headless under Textual's ``run_test`` (bench_tui.py's
approach) and the process exits as soon as the dashboard has rows; it prints the seconds from
its first statement until then (what the imports before it cost is the difference).
"""

from __future__ import annotations

import asyncio
import time


async def until_counts() -> None:
    from r2tui.cli.app import make_app  # as `r2tui` starts it: the report begun first
    from r2tui.settings import load_settings

    app = make_app(load_settings())
    from r2tui.tui.widgets.dashboard import Dashboard

    async with app.run_test(size=(120, 36)):
        while app.main.query_one(Dashboard).row_count == 0:
            await asyncio.sleep(0.005)


def main() -> int:
    started = time.perf_counter()
    asyncio.run(until_counts())
    print(f"{time.perf_counter() - started:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
