"""The plain boto3 baseline of bench_upload.py: a folder to a bucket, 10 threads, nothing more.

    python bench/boto3_baseline.py FOLDER BUCKET [--transfer-manager] [--workers 10]

put_object per file from a ThreadPoolExecutor (the old upload scripts' shape), or with
``--transfer-manager`` boto3's TransferManager (upload_file's engine: multipart above 8 MiB).
No skip logic, no hashing, no verification. Endpoint and credentials from AWS_* / R2_ENDPOINT.
Checksums as R2 needs them (``when_required``), like the old scripts against R2.
"""

from __future__ import annotations

import argparse
import os
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config


def files(root: Path) -> Iterator[tuple[Path, str]]:
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            yield path, unicodedata.normalize("NFC", path.relative_to(root).as_posix())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("bucket")
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--transfer-manager", action="store_true")
    args = parser.parse_args()
    client = boto3.client(
        "s3", endpoint_url=os.environ["R2_ENDPOINT"], region_name="us-east-1",
        config=Config(max_pool_connections=args.workers,
                      request_checksum_calculation="when_required",
                      response_checksum_validation="when_required"),
    )
    todo = list(files(args.folder))
    if args.transfer_manager:
        config = TransferConfig(max_concurrency=args.workers)
        with create_transfer_manager(client, config) as manager:
            futures = [manager.upload(str(path), args.bucket, key) for path, key in todo]
            for future in futures:
                future.result()
        return 0

    def put(item: tuple[Path, str]) -> None:
        path, key = item
        client.put_object(Bucket=args.bucket, Key=key, Body=path.read_bytes())

    with ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(put, todo))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
