"""Benchmark: how soon the TUI is useful, and how fast it answers keys while uploads run.

    python bench/bench_tui.py [--repeat 3] [--big 100000] [--upload-mb 32]

The app runs in-process under Textual's ``run_test`` (headless: the terminal write is skipped,
so each repaint below also renders the update's segments, as a terminal would need), against a
moto server process (bench/common.py). Figures go to bench/README-tui.md by hand.

1. The spec's 3,346-file layout, hash cache warm: time from building the app until the dashboard
   shows counts (modules already imported; the import time is measured apart, in a subprocess).
2. A bucket of ``--big`` keys, no local folder: time until the bucket tree is usable (root level
   listed and a keypress answered: the cursor moved), and until the dashboard shows counts.
3. Keypress-to-repaint latency in the bucket tree, idle and while 10 uploads run: from posting
   the key until the first compositor update after the cursor moved.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config
from common import ACCESS_KEY, SECRET_KEY, MotoServer, machine
from textual._compositor import CompositorUpdate
from textual.pilot import Pilot

from r2tui.library import Library
from r2tui.sample import content_for, sample_keys, write_library
from r2tui.settings import Secret, Settings
from r2tui.tui.app import R2TuiApp, build_app
from r2tui.tui.screens.plan import PlanScreen
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.dashboard import Dashboard

SIZE = (120, 36)
UPLOADS = 10


def admin_client(endpoint: str):  # type: ignore[no-untyped-def]
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(max_pool_connections=16, retries={"max_attempts": 10}),
    )


def fill(client, bucket: str, items: list[tuple[str, bytes]]) -> None:  # type: ignore[no-untyped-def]
    client.create_bucket(Bucket=bucket)
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda kv: client.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]), items))


def settings_for(endpoint: str, bucket: str, local: Path | None, state: Path) -> Settings:
    return Settings(bucket=bucket, access_key_id=ACCESS_KEY, secret_access_key=Secret(SECRET_KEY),
                    endpoint_url=endpoint, local_root=local, state_dir=state)


async def until(pilot: Pilot[int], condition: Callable[[], bool], limit: float = 600) -> float:
    """Poll every 5 ms; the time when ``condition`` first held."""
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.005)
    return time.perf_counter()


def paint_log(app: R2TuiApp) -> list[float]:
    """Timestamps of the app's repaints (each rendered to segments, as a terminal needs)."""
    stamps: list[float] = []
    display = app._display

    def logged(screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            stamps.append(time.perf_counter())
        display(screen, renderable)

    app._display = logged  # type: ignore[method-assign]
    return stamps


async def keypress_latency(pilot: Pilot[int], stamps: list[float], presses: int) -> list[float]:
    """Press down (then up) in the bucket tree; ms from the key to the repaint that shows it."""
    app = pilot.app
    tree = app.query_one(BucketTree)
    tree.focus()
    await pilot.pause()
    latencies = []
    for n in range(presses):
        line = tree.cursor_line
        key = "down" if n % 2 == 0 else "up"
        start = time.perf_counter()
        app.simulate_key(key)
        moved = await until(pilot, lambda line=line: tree.cursor_line != line, 10)
        await until(pilot, lambda moved=moved: bool(stamps) and stamps[-1] >= moved, 10)
        shown = next(s for s in stamps if s >= moved)
        latencies.append((shown - start) * 1000)
        await asyncio.sleep(0.05)
    return latencies


async def first_counts(settings: Settings) -> float:
    start = time.perf_counter()
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        done = await until(pilot, lambda: app.main.query_one(Dashboard).row_count > 0)
    return done - start


async def big_bucket(settings: Settings) -> tuple[float, float, float]:
    """(root listed, keypress answered, counts shown), seconds from building the app."""
    start = time.perf_counter()
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        tree = app.query_one(BucketTree)
        listed = await until(pilot, lambda: bool(tree.root.data and tree.root.data.loaded))
        line = tree.cursor_line
        app.simulate_key("down")
        answered = await until(pilot, lambda: tree.cursor_line != line)
        counts = await until(pilot, lambda: app.main.query_one(Dashboard).row_count > 0)
    return listed - start, answered - start, counts - start


async def latency_during_uploads(settings: Settings, keys: list[str], presses: int
                                 ) -> tuple[list[float], list[float], bool]:
    app = build_app(settings)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.main.query_one(Dashboard).row_count > 0)
        stamps = paint_log(app)
        idle = await keypress_latency(pilot, stamps, presses)
        app.main.view.selected.update(keys)
        await pilot.press("u")
        await until(pilot, lambda: isinstance(app.screen, PlanScreen))
        await pilot.press("y")
        panel = app.main.transfers
        await until(pilot, lambda: panel.running)
        await asyncio.sleep(0.5)  # the ten workers are sending
        busy = await keypress_latency(pilot, stamps, presses)
        still_running = panel.running
        panel.cancel()
        await until(pilot, lambda: not panel.running)
    return idle, busy, still_running


def import_time() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import r2tui.tui.app"], check=True)
    return time.perf_counter() - start


def ms(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
    return f"median {statistics.median(values):.1f} ms, p95 {p95:.1f} ms, max {values[-1]:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=100_000, help="keys in the big bucket (0: skip)")
    parser.add_argument("--upload-mb", type=int, default=32, help="size of each uploaded file")
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    print(f"Machine: {machine()}\n")
    print(f"import r2tui.tui.app in a fresh interpreter: {import_time():.2f} s")
    with MotoServer() as server, tempfile.TemporaryDirectory() as tmp:
        client = admin_client(server.url)
        lib, state = Path(tmp) / "library", Path(tmp) / "state"
        keys = sample_keys()
        write_library(lib, keys)
        fill(client, "layout", [(k, content_for(k)) for k in keys])
        settings = settings_for(server.url, "layout", lib, state)
        Library(settings).report()  # warm the hash cache
        runs = [asyncio.run(first_counts(settings)) for _ in range(args.repeat)]
        print(f"3,346-file layout: first counts after {statistics.median(runs):.2f} s "
              f"(median of {args.repeat}: {', '.join(f'{r:.2f}' for r in runs)})")

        big = [f"videos/reminders/upload_{n:02d}.mp4" for n in range(UPLOADS)]
        for key in big:
            (lib / key).write_bytes(bytes(args.upload_mb * 1024 * 1024))
        idle, busy, running = asyncio.run(latency_during_uploads(settings, big, args.presses))
        print(f"keypress to repaint, idle: {ms(idle)}")
        print(f"keypress to repaint, {UPLOADS} uploads of {args.upload_mb} MiB running: "
              f"{ms(busy)} (uploads still running at the end: {running})")

        if args.big:
            started = time.perf_counter()
            names = [f"photos/quotes/q{i:07d}.png" for i in range(args.big)]
            fill(client, "big", [(k, b"x") for k in names])
            print(f"\nfilled {args.big:,} keys in {time.perf_counter() - started:.0f} s")
            big_settings = settings_for(server.url, "big", None, state)
            results = [asyncio.run(big_bucket(big_settings)) for _ in range(args.repeat)]
            listed, answered, counts = (statistics.median(r[i] for r in results) for i in range(3))
            print(f"{args.big:,} keys (median of {args.repeat}): root listed {listed:.2f} s, "
                  f"keypress answered {answered:.2f} s, counts {counts:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
