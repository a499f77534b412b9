"""Guarded writes: R2's conditions as the proxy enforces them, and what the engine does when
one fails (already stored, the copy's source moved, someone else's newer content).

A third writer changes the bucket at an exact moment through the proxy's ``Before`` fault: it
runs on the handler thread before the engine's request is evaluated.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from r2tui.library import Library
from r2tui.sample import content_for
from r2tui.settings import Settings
from r2tui.transfers import RetryPolicy
from r2tui.transfers.adopt import adopt
from r2tui.transfers.guards import DESTINATION_PARAM, install
from r2tui.transfers.plan import Action
from r2tui.transfers.resources import Resources
from tests.support.engine import engine_batch, plan_all
from tests.support.files import write
from tests.support.servers import Before, RequestInfo, S3Proxy

FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05)
MiB = 1024 * 1024
KEY = "photos/quotes/q.png"


def on(operation: str, key: str) -> Callable[[RequestInfo], bool]:
    return lambda info: info.operation == operation and info.key == key


def status_of(call: Callable[[], object]) -> int:
    with pytest.raises(ClientError) as caught:
        call()
    return int(caught.value.response["ResponseMetadata"]["HTTPStatusCode"])


def body(admin: Any, bucket: str, key: str) -> bytes:
    return admin.get_object(Bucket=bucket, Key=key)["Body"].read()


def run(settings: Settings) -> Any:
    library = Library(settings)
    try:
        return engine_batch(library, plan_all(library), retry=FAST).run()
    finally:
        library.close()


# -- the proxy enforces R2's conditions ----------------------------------------------------


def test_put_conditions_refuse_an_existing_or_changed_object(admin: Any, bucket: str) -> None:
    etag = admin.put_object(Bucket=bucket, Key=KEY, Body=b"first")["ETag"]

    assert status_of(lambda: admin.put_object(Bucket=bucket, Key=KEY, Body=b"x",
                                              IfNoneMatch="*")) == 412
    assert status_of(lambda: admin.put_object(Bucket=bucket, Key=KEY, Body=b"x",
                                              IfMatch='"' + "0" * 32 + '"')) == 412
    assert body(admin, bucket, KEY) == b"first"
    admin.put_object(Bucket=bucket, Key=KEY, Body=b"second", IfMatch=etag)
    assert body(admin, bucket, KEY) == b"second"


def test_copy_conditions_on_source_and_destination(admin: Any, bucket: str) -> None:
    install(admin)
    source = admin.put_object(Bucket=bucket, Key="a", Body=b"source")["ETag"]
    admin.put_object(Bucket=bucket, Key="b", Body=b"destination")
    copy = {"Bucket": bucket, "Key": "b", "CopySource": {"Bucket": bucket, "Key": "a"}}

    wrong = '"' + "0" * 32 + '"'
    assert status_of(lambda: admin.copy_object(**copy, CopySourceIfMatch=wrong)) == 412
    assert status_of(lambda: admin.copy_object(
        **copy, **{DESTINATION_PARAM: {"cf-copy-destination-if-none-match": "*"}})) == 412
    assert status_of(lambda: admin.copy_object(
        **copy, **{DESTINATION_PARAM: {"cf-copy-destination-if-match": '"nope"'}})) == 412
    assert body(admin, bucket, "b") == b"destination"

    admin.copy_object(**copy, CopySourceIfMatch=source)
    assert body(admin, bucket, "b") == b"source"


def test_a_failed_complete_aborts_the_upload_and_part_copies_take_no_source_condition(
    admin: Any, bucket: str
) -> None:
    admin.put_object(Bucket=bucket, Key="big", Body=b"there already")
    upload = admin.create_multipart_upload(Bucket=bucket, Key="big")["UploadId"]
    etag = admin.upload_part(Bucket=bucket, Key="big", UploadId=upload, PartNumber=1,
                             Body=b"p" * 1024)["ETag"]
    parts = {"Parts": [{"PartNumber": 1, "ETag": etag}]}

    assert status_of(lambda: admin.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=upload, MultipartUpload=parts, IfNoneMatch="*")) == 412
    assert body(admin, bucket, "big") == b"there already"
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

    upload = admin.create_multipart_upload(Bucket=bucket, Key="other")["UploadId"]
    assert status_of(lambda: admin.upload_part_copy(
        Bucket=bucket, Key="other", UploadId=upload, PartNumber=1,
        CopySource={"Bucket": bucket, "Key": "big"}, CopySourceIfMatch=etag)) == 501


# -- the engine decides again after a 412 --------------------------------------------------


def test_newer_content_stored_by_someone_else_after_planning_is_a_conflict(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    write(library_root, KEY, b"ours")
    admin.put_object(Bucket=bucket, Key=KEY, Body=b"old")  # changed: planned with its ETag
    proxy.add_fault(on("PutObject", KEY), Before(
        lambda: admin.put_object(Bucket=bucket, Key=KEY, Body=b"theirs, newer")))

    summary = run(make_settings())

    assert (summary.uploaded, summary.conflicts, summary.ok) == (0, 1, False)
    assert "someone else stored other content" in summary.failures[KEY]
    assert body(admin, bucket, KEY) == b"theirs, newer"
    assert proxy.count(operation="PutObject", status=412) == 1


def test_a_missing_key_stored_meanwhile_with_this_content_counts_as_already(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = content_for(KEY)
    write(library_root, KEY, data)
    proxy.add_fault(on("PutObject", KEY), Before(
        lambda: admin.put_object(Bucket=bucket, Key=KEY, Body=data)))

    summary = run(make_settings())

    assert (summary.uploaded, summary.already, summary.ok) == (0, 1, True)
    assert proxy.count(operation="PutObject", status=412) == 1
    # Recorded as this library's: the next run has nothing to do.
    assert run(make_settings()).to_json()["uploaded"] == 0


def test_a_copy_whose_source_changed_before_the_copy_sends_the_bytes(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = content_for("videos/intros/a.mp4")
    write(library_root, "videos/intros/a.mp4", data)
    write(library_root, "videos/intros/b.mp4", data)
    settings = make_settings()
    library = Library(settings)
    try:
        engine_batch(library, plan_all(library), retry=FAST).run()  # a.mp4 and b.mp4
        admin.delete_object(Bucket=bucket, Key="videos/intros/b.mp4")
        plan = plan_all(library)
        assert [(i.key, i.action, i.source_key) for i in plan.items] == [
            ("videos/intros/b.mp4", Action.COPY, "videos/intros/a.mp4")]
        proxy.add_fault(on("CopyObject", "videos/intros/b.mp4"), Before(
            lambda: admin.put_object(Bucket=bucket, Key="videos/intros/a.mp4", Body=b"new")))
        summary = engine_batch(library, plan, retry=FAST).run()
    finally:
        library.close()

    assert (summary.copied, summary.uploaded, summary.ok) == (0, 1, True)
    assert summary.bytes_sent == len(data)
    assert body(admin, bucket, "videos/intros/b.mp4") == data
    assert body(admin, bucket, "videos/intros/a.mp4") == b"new"  # theirs, left alone


def test_adopt_leaves_an_object_replaced_during_adoption_alone(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    keys = [f"photos/quotes/q_{i}.png" for i in range(3)]
    for key in keys:  # the old scripts' uploads: same content, no sha256
        write(library_root, key, content_for(key))
        admin.put_object(Bucket=bucket, Key=key, Body=content_for(key))
    proxy.add_fault(on("CopyObject", keys[0]), Before(
        lambda: admin.put_object(Bucket=bucket, Key=keys[0], Body=b"replaced")))
    library = Library(make_settings())
    try:
        local = library.scan_local()
        assert local is not None
        result = adopt(Resources.of(library), library.report(local), local, policy=FAST)
    finally:
        library.close()

    assert result.adopted == keys[1:]
    assert "replaced during adoption" in result.failures[keys[0]]
    assert body(admin, bucket, keys[0]) == b"replaced"
    assert "sha256" not in admin.head_object(Bucket=bucket, Key=keys[0])["Metadata"]


# -- two processes at once, and a third writer ---------------------------------------------


def test_two_uploads_at_once_and_a_third_writer_overwrite_nothing_newer(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path, env: dict[str, str],
) -> None:
    missing = [f"photos/quotes/q_{i}.png" for i in range(12)]
    changed = [f"photos/cards/c_{i}.png" for i in range(4)]
    big = "videos/intros/big.mp4"
    contested = changed[0]
    for key in [*missing, *changed]:
        write(library_root, key, content_for(key))
    write(library_root, big, content_for(big, video_size=9 * MiB)[: 9 * MiB])
    for key in changed:
        admin.put_object(Bucket=bucket, Key=key, Body=b"older")

    # Both processes' PUTs of the contested key meet here (so both runs are mid-way at once);
    # the first to arrive lets the third writer store its content, then both go on.
    met, written = threading.Barrier(2, timeout=120), threading.Barrier(2, timeout=120)

    def third_writer() -> None:
        if met.wait() == 0:
            admin.put_object(Bucket=bucket, Key=contested, Body=b"the third writer's")
        written.wait()

    proxy.add_fault(on("PutObject", contested), Before(third_writer), times=2)
    command = [sys.executable, "-m", "r2tui", "upload", "--auto", "--json", "--workers", "3"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=300) for r in runs]

    for run_, (out, err) in zip(runs, outputs, strict=True):
        lines = [json.loads(line) for line in out.splitlines()]
        plan, summary = lines[0], lines[-1]
        # Each fails for the third writer's object only, never for the other's uploads: what
        # the other stored first counts as already stored.
        assert run_.returncode == 1 and "Traceback" not in err, err
        assert (summary["conflicts"], summary["failed"]) == (1, 0), summary["failures"]
        assert list(summary["failures"]) == [contested]
        finished = summary["uploaded"] + summary["copied"] + summary["already"]
        assert finished + 1 == plan["uploads"] + plan["copies"], (plan, summary)
    assert body(admin, bucket, contested) == b"the third writer's"
    for key in [*missing, *changed[1:], big]:
        assert body(admin, bucket, key) == (library_root / key).read_bytes(), key
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
