"""The transfer engine against the R2-like proxy: contents, properties, no re-sends, dedup."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import r2tui.transfers.plan as plan_module
from r2tui.library import Library
from r2tui.sample import content_for, sample_keys, write_library
from r2tui.settings import Settings
from r2tui.storage import make_client
from r2tui.transfers import (
    Action,
    Batch,
    BatchFinished,
    BatchProgress,
    Event,
    JobFinished,
    JobStarted,
    Resources,
    plan_uploads,
)
from tests.support.engine import engine_batch, plan_all
from tests.support.files import write
from tests.support.servers import S3Proxy

ODD_NAMES = [
    "photos/quotes/with space +plus%percent#hash?question.png",
    "photos/quotes/Кириллица ёж.png",
    "images/avatars/empty.png",
]
WRITES = ("PutObject", "UploadPart", "CopyObject", "UploadPartCopy")


def run_upload(settings: Settings, events: list[Event] | None = None, **kwargs: Any) -> Any:
    library = Library(settings)
    try:
        plan = plan_all(library)
        listener = events.append if events is not None else None
        summary = engine_batch(library, plan, on_event=listener, **kwargs).run()
    finally:
        library.close()
    return plan, summary


def body_bytes(proxy: S3Proxy) -> int:
    return sum(proxy.bytes_received(operation=op) for op in WRITES)


def test_uploads_a_sample_library_byte_for_byte_with_properties(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings], tmp_path: Path,
) -> None:
    keys = sample_keys(scale=0.02)
    write_library(library_root, keys)
    write(library_root, ODD_NAMES[0], content_for(ODD_NAMES[0]))
    write(library_root, ODD_NAMES[1], content_for(ODD_NAMES[1]))
    write(library_root, ODD_NAMES[2], b"")
    everything = keys + ODD_NAMES
    events: list[Event] = []

    plan, summary = run_upload(make_settings(), events)

    assert summary.ok and summary.uploaded == len(everything) and plan.uploads == len(everything)
    puts = proxy.records(operation="PutObject")
    assert all("content-md5" in r.headers for r in puts)
    # One request per small file: no "Expect: 100-continue" round trip, no HEAD after the PUT
    # (its answer, checked against Content-MD5 and the MD5, is the confirmation).
    assert len(puts) == len(everything) and not [r for r in puts if "expect" in r.headers]
    assert proxy.count(operation="HeadObject") == 0
    for key in everything:
        got = admin.get_object(Bucket=bucket, Key=key)
        data = (library_root / key).read_bytes()
        assert got["Body"].read() == data, key
        assert got["CacheControl"] == "max-age=86400"
        assert got["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert admin.head_object(Bucket=bucket, Key=keys[0])["ContentType"] == "video/mp4"
    assert admin.head_object(Bucket=bucket, Key=ODD_NAMES[1])["ContentType"] == "image/png"
    assert not [r for r in proxy.requests if "x-amz-acl" in r.headers]
    started = {e.key for e in events if isinstance(e, JobStarted)}
    assert started == set(everything)
    assert isinstance(events[-1], BatchFinished)
    last = [e for e in events if isinstance(e, BatchProgress)][-1]
    assert last.files_done == last.files_total == len(everything)
    assert last.bytes_done == last.bytes_total == plan.bytes_to_send

    # A rerun, then one on a "new machine" (no state at all), send no object bytes.
    for settings in (make_settings(), make_settings(state_dir=tmp_path / "fresh")):
        proxy.clear()
        plan, summary = run_upload(settings)
        assert plan.items == [] and summary.ok and summary.bytes_sent == 0
        assert body_bytes(proxy) == 0 and sum(proxy.count(operation=op) for op in WRITES) == 0


def test_old_script_objects_are_recognised_without_sending(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    """Objects put by boto3's upload_file (as the old scripts did), one multipart, are synced."""
    big = write(library_root, "videos/intros/big.mp4", content_for("big", video_size=22 << 20))
    small = write(library_root, "videos/intros/small.mp4", content_for("small"))
    for path in (big, small):
        admin.upload_file(str(path), bucket, path.relative_to(library_root).as_posix())
    proxy.clear()
    plan, summary = run_upload(make_settings())
    assert plan.items == [] and summary.ok
    assert body_bytes(proxy) == 0


def test_duplicate_content_is_copied_server_side(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = content_for("dup")
    write(library_root, "videos/intros/a.mp4", data)
    write(library_root, "videos/intros/b.mp4", data)
    write(library_root, "videos/weekly/c.mp4", data)
    events: list[Event] = []

    plan, summary = run_upload(make_settings(), events)

    assert plan.uploads == 1 and plan.copies == 2
    assert sorted(plan.duplicates) == [
        ("videos/intros/b.mp4", "videos/intros/a.mp4"),
        ("videos/weekly/c.mp4", "videos/intros/a.mp4"),
    ]
    assert (summary.uploaded, summary.copied) == (1, 2)
    assert proxy.count(operation="PutObject") == 1
    copies = proxy.records(operation="CopyObject")
    assert len(copies) == 2 and all(r.request_bytes == 0 for r in copies)
    assert body_bytes(proxy) == len(data)
    for key in ("videos/intros/b.mp4", "videos/weekly/c.mp4"):
        got = admin.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == data and got["ContentType"] == "video/mp4"
        assert got["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
    finished = [e for e in events if isinstance(e, JobFinished)]
    assert sorted(e.action for e in finished) == [Action.COPY, Action.COPY, Action.UPLOAD]

    # A new file with content already in the bucket under another key: copied, not sent.
    write(library_root, "videos/closing/d.mp4", data)
    proxy.clear()
    plan, summary = run_upload(make_settings())
    assert [(i.key, i.action, i.source_key) for i in plan.items] == [
        ("videos/closing/d.mp4", Action.COPY, "videos/intros/a.mp4")
    ]
    assert summary.copied == 1 and body_bytes(proxy) == 0


def test_large_plans_are_hashed_in_batches(
    proxy: S3Proxy, library_root: Path, make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plan_module, "HASH_BATCH", 3)
    monkeypatch.setattr(plan_module, "PARALLEL_HASH_SIZE", 100)  # the 318-byte cards are "big"
    keys = [f"photos/quotes/q{i:02d}.png" for i in range(10)]
    for key in keys:
        write(library_root, key, content_for(key))
    write(library_root, "upload_log.txt", b"small: hashed in the planning thread")
    keys.append("upload_log.txt")
    library = Library(make_settings())
    try:
        plan = plan_all(library)
        assert library.hasher.hashed == 11
    finally:
        library.close()
    assert [i.key for i in plan.items] == sorted(keys) and plan.uploads == 11


def test_the_engine_runs_with_the_client_it_is_handed(
    proxy: S3Proxy, library_root: Path, make_settings: Callable[..., Settings]
) -> None:
    """As s3transfer's TransferManager: the caller's client (with its own hooks) does the work."""
    keys = ["photos/quotes/q1.png", "photos/quotes/q2.png"]
    for key in keys:
        write(library_root, key, content_for(key))
    settings = make_settings()
    client = make_client(settings, retries=0)
    seen: list[str] = []
    client.meta.events.register(
        "before-send.s3.*", lambda request, **_: seen.append(request.method)
    )
    library = Library(settings)
    try:
        local = library.scan_local()
        assert local is not None
        res = Resources(settings, library.store, library.hasher, client)
        plan = plan_uploads(res, library.report(local), local)
        summary = Batch(res, plan).run()
    finally:
        library.close()
    assert summary.ok and summary.uploaded == 2
    assert seen.count("PUT") == 2 and proxy.count(operation="PutObject") == 2
