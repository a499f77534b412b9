"""Benchmark: media facts of the sample layout from a cold cache, against ``ffprobe`` per file.

    python bench/bench_media.py [--repeat 3] [--scale 1.0] [--ffprobe PATH]

1. The layout's videos alone (1,333 at scale 1): ``r2tui validate --media --json`` in one
   process with an empty state folder (cold: every file hashed, opened and its first three
   frames decoded) against ``ffprobe -show_format -show_streams`` run once per file, one after
   the other and two at a time (``xargs -P 2``, as many as the cores).
2. The whole layout (3,343 videos and cards): r2tui cold, then warm (the facts cache answers).

The videos are the sample library's: a real half-second 64x36 H.264 MP4 padded to 12-36 kB, so
the figures are per-file overheads (start-up, opening, probing), not decoding throughput.
ffprobe (Debian's ``ffmpeg`` package) is not a dependency of r2tui: PyAV carries FFmpeg.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from common import Run, find_tool, machine, measure, median_run

from r2tui.layout import Kind, default_layout
from r2tui.sample import sample_keys, write_library

R2TUI = str(Path(sys.executable).with_name("r2tui"))


def r2tui_cold(library: Path, state: Path, repeat: int) -> Run:
    """Median of ``repeat`` runs, each with a state folder of its own: nothing cached."""
    runs = []
    for n in range(repeat):
        env = _env(state / f"cold-{n}")
        runs.append(measure([R2TUI, "validate", "--media", "--json", "--local", str(library)],
                            env))
    return _median(runs)


def _median(runs: list[Run]) -> Run:
    runs = sorted(runs, key=lambda r: r.wall)
    return runs[len(runs) // 2]


def _env(state: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("R2_", "AWS_", "R2TUI_"))}
    return keep | {"R2TUI_STATE_DIR": str(state)}


def ffprobe_each(ffprobe: str, files: Path, parallel: int, repeat: int) -> Run:
    cmd = ["xargs", "-0", "-n", "1", "-P", str(parallel), "-a", str(files), ffprobe, "-v",
           "error", "-show_format", "-show_streams", "-of", "json"]
    return median_run(cmd, _env(Path("/nonexistent")), repeat)


def row(name: str, run: Run, base: Run | None, files: int) -> str:
    ratio = f"{run.wall / base.wall:.2f}x" if base else ""
    per_file = run.wall / files * 1000
    return (f"| {name} | {run.wall:.2f} | {run.cpu:.2f} | {per_file:.1f} | "
            f"{run.max_rss_mb:.0f} | {ratio} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the layout")
    parser.add_argument("--ffprobe", help="the ffprobe to compare with (default: on PATH)")
    args = parser.parse_args()
    ffprobe = args.ffprobe or find_tool("ffprobe")
    layout = default_layout()
    keys = sample_keys(layout, args.scale)
    videos = [k for k in keys if (c := layout.category_of(k)) and c.kind is Kind.VIDEO]
    media = [k for k in keys if k.endswith((".mp4", ".png"))]
    print(f"Machine: {machine()}; {len(videos)} videos, {len(media)} videos and cards\n")
    with tempfile.TemporaryDirectory(prefix="r2tui-bench-media-") as tmp:
        base = Path(tmp)
        only_videos, whole = base / "videos-only", base / "layout"
        write_library(only_videos, videos)
        write_library(whole, keys)
        listing = base / "videos.list"
        listing.write_bytes(b"".join(str(only_videos / k).encode() + b"\0" for k in videos))

        print("| videos only | wall s | CPU s | ms per file | peak RSS MB | wall vs ffprobe |")
        print("|---|---:|---:|---:|---:|---:|")
        serial = None
        if ffprobe is None:
            print("| ffprobe: not installed (apt-get install ffmpeg), not compared | | | | | |")
        else:
            serial = ffprobe_each(ffprobe, listing, 1, args.repeat)
            print(row("`ffprobe` per file, one at a time", serial, serial, len(videos)))
            pair = ffprobe_each(ffprobe, listing, 2, args.repeat)
            print(row("`ffprobe` per file, two at a time", pair, serial, len(videos)))
        cold = r2tui_cold(only_videos, base / "state-videos", args.repeat)
        print(row("`r2tui validate --media`, cold cache", cold, serial, len(videos)))

        print("\n| whole layout | wall s | CPU s | ms per file | peak RSS MB | |")
        print("|---|---:|---:|---:|---:|---:|")
        cold = r2tui_cold(whole, base / "state-layout", args.repeat)
        print(row("`r2tui validate --media`, cold cache", cold, None, len(media)))
        warm_state = base / "state-layout" / "cold-0"
        warm = median_run([R2TUI, "validate", "--media", "--json", "--local", str(whole)],
                          _env(warm_state), args.repeat)
        print(row("`r2tui validate --media`, warm cache", warm, None, len(media)))


if __name__ == "__main__":
    main()
