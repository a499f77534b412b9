"""Rename detection: content the bucket holds under another key is copied server-side, never
sent again; with ``--renames`` an object with no local twin moves to its new key (the old key
goes to the trash)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from r2tui.cli import main
from r2tui.keys import TRASH_PREFIX
from r2tui.sample import content_for
from tests.support.files import write
from tests.support.servers import TEST_ACCESS_KEY, TEST_SECRET_KEY, S3Proxy

MiB = 1024 * 1024
LEGACY = "photos/quotes/legacy_copy_source.png"
WANTED = "photos/quotes/quote_0001.png"


@pytest.fixture(autouse=True)
def _settings(r2_environ: dict[str, str]) -> None:
    """Every test here runs ``main()`` with this test's bucket and library."""


def keys_of(admin: Any, bucket: str) -> list[str]:
    pages = admin.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def sent_bytes(proxy: S3Proxy) -> int:
    return sum(r.request_bytes for r in proxy.requests
               if r.operation in ("PutObject", "UploadPart"))


def summary_of(out: str) -> dict[str, Any]:
    return json.loads(out.splitlines()[-1])


def test_the_old_tools_copy_is_the_source_of_a_server_side_copy(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = content_for(WANTED)
    write(library_root, WANTED, data)
    admin.put_object(Bucket=bucket, Key=LEGACY, Body=data)  # plain MD5 ETag, no sha256
    proxy.clear()

    assert main(["upload", "--auto", "--json"]) == 0
    summary = summary_of(capsys.readouterr().out)
    assert (summary["copied"], summary["uploaded"], summary["bytes_sent"]) == (1, 0, 0)
    assert sent_bytes(proxy) == 0
    assert admin.get_object(Bucket=bucket, Key=WANTED)["Body"].read() == data
    assert keys_of(admin, bucket) == [LEGACY, WANTED]  # without --renames both stay


def test_renames_move_the_object_and_trash_the_old_key(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = content_for(WANTED)
    write(library_root, WANTED, data)
    admin.put_object(Bucket=bucket, Key=LEGACY, Body=data)

    assert main(["upload", "--auto", "--renames", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"rename  {WANTED}  <- {LEGACY}" in out and "(1 of them renames)" in out
    proxy.clear()
    assert main(["upload", "--auto", "--renames", "--json"]) == 0
    summary = summary_of(capsys.readouterr().out)
    assert (summary["renamed"], summary["copied"], summary["bytes_sent"]) == (1, 0, 0)
    assert sent_bytes(proxy) == 0
    [trashed] = [k for k in keys_of(admin, bucket) if k.startswith(TRASH_PREFIX)]
    assert trashed.endswith("/" + LEGACY)
    assert keys_of(admin, bucket) == sorted([trashed, WANTED])
    stored = admin.get_object(Bucket=bucket, Key=WANTED)
    assert stored["Body"].read() == data
    assert stored["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert admin.get_object(Bucket=bucket, Key=trashed)["Body"].read() == data


def test_a_folder_renamed_locally_moves_in_the_bucket_without_a_byte_sent(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    old = ["videos/intros/a.mp4", "videos/intros/b.mp4"]
    big = content_for(old[0], video_size=12 * MiB)[: 12 * MiB]
    write(library_root, old[0], big)
    write(library_root, old[1], content_for(old[1]))
    assert main(["upload", "--auto"]) == 0
    (library_root / "videos/intros").rename(library_root / "videos/welcome")
    new = [k.replace("/intros/", "/welcome/") for k in old]
    capsys.readouterr()
    proxy.clear()

    assert main(["upload", "--auto", "--renames", "--json"]) == 0
    summary = summary_of(capsys.readouterr().out)
    assert (summary["renamed"], summary["uploaded"], summary["bytes_sent"]) == (2, 0, 0)
    assert sent_bytes(proxy) == 0
    live = [k for k in keys_of(admin, bucket) if not k.startswith(TRASH_PREFIX)]
    assert live == new
    assert admin.get_object(Bucket=bucket, Key=new[0])["Body"].read() == big


def test_a_multipart_etag_at_the_usual_part_size_is_recognised(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key, legacy = "videos/intros/new name.mp4", "videos/intros/old name.mp4"
    data = content_for(key, video_size=20 * MiB)[: 20 * MiB]
    write(library_root, key, data)
    path = library_root / key
    # As the old scripts did: boto3's upload_file with 8 MiB parts (and, as R2 wants, no
    # checksums but those required).
    plain = boto3.client("s3", endpoint_url=proxy.url, region_name="us-east-1",
                         aws_access_key_id=TEST_ACCESS_KEY, aws_secret_access_key=TEST_SECRET_KEY,
                         config=Config(request_checksum_calculation="when_required",
                                       response_checksum_validation="when_required"))
    plain.upload_file(str(path), bucket, legacy, Config=TransferConfig(multipart_threshold=8 * MiB))
    assert admin.head_object(Bucket=bucket, Key=legacy)["ETag"].endswith('-3"')
    proxy.clear()

    assert main(["upload", "--auto", "--json"]) == 0
    summary = summary_of(capsys.readouterr().out)
    assert (summary["copied"], summary["bytes_sent"]) == (1, 0)
    assert sent_bytes(proxy) == 0
    assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == data


def test_one_object_renamed_once_and_its_other_twins_copied_from_the_new_key(
    admin: Any, bucket: str, library_root: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    data = content_for(WANTED)
    twins = [WANTED, "photos/quotes/quote_0002.png"]
    for key in twins:
        write(library_root, key, data)
    admin.put_object(Bucket=bucket, Key=LEGACY, Body=data)

    assert main(["upload", "--auto", "--renames", "--json"]) == 0
    summary = summary_of(capsys.readouterr().out)
    assert (summary["renamed"], summary["copied"], summary["bytes_sent"]) == (1, 1, 0)
    live = [k for k in keys_of(admin, bucket) if not k.startswith(TRASH_PREFIX)]
    assert live == twins
    for key in twins:
        assert admin.get_object(Bucket=bucket, Key=key)["Body"].read() == data
