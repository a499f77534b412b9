"""Big files: hashed by their job unless a copy is possible, each part's MD5 computed once."""

from __future__ import annotations

import hashlib
import os
import random
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import r2tui.transfers.multipart as multipart
from r2tui.digests import MiB, compute_digests
from r2tui.library import Library
from r2tui.settings import Settings
from r2tui.storage import LISTING_THREADS
from r2tui.transfers import Action, plan_uploads
from r2tui.transfers.resources import Resources
from tests.support.engine import engine_batch, plan_all
from tests.support.media import Media
from tests.support.servers import S3Proxy

BIG = ["videos/intros/a.mp4", "videos/intros/b.mp4"]


def write_big(root: Path, key: str, size: int) -> bytes:
    data = random.Random(key).randbytes(size)
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def count_part_md5s(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = multipart._part_md5

    def counted(data: bytes) -> bytes:
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(multipart, "_part_md5", counted)
    return calls


def test_big_files_of_sizes_nothing_else_has_are_hashed_by_their_jobs(
    admin: Any, bucket: str, proxy: S3Proxy, library_root: Path,
    make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch,
) -> None:
    datas = [write_big(library_root, BIG[0], 9 * MiB), write_big(library_root, BIG[1], 17 * MiB)]
    calls = count_part_md5s(monkeypatch)
    library = Library(make_settings())
    try:
        plan = plan_all(library)
        assert library.hasher.hashed == 0  # no copy can exist: nothing else has these sizes
        assert [(i.key, i.action) for i in plan.items] == [(k, Action.UPLOAD) for k in BIG]
        proxy.clear()
        summary = engine_batch(library, plan).run()
        assert library.hasher.hashed == 2
    finally:
        library.close()
    assert summary.ok and summary.uploaded == 2
    # Each byte crossed once, and every part's Content-MD5 came from the hashing read.
    assert proxy.bytes_received(operation="UploadPart") == sum(len(d) for d in datas)
    assert calls == []
    for key, data in zip(BIG, datas, strict=True):
        head = admin.head_object(Bucket=bucket, Key=key)
        assert head["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert head["ETag"].strip('"') == compute_digests(library_root / key).mpu_etag


def test_a_big_file_of_a_stored_size_is_hashed_in_the_plan_and_copied(
    admin: Any, bucket: str, proxy: S3Proxy, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = write_big(library_root, BIG[0], 9 * MiB)
    settings = make_settings()
    library = Library(settings)
    try:
        assert engine_batch(library, plan_all(library)).run().uploaded == 1
    finally:
        library.close()
    (library_root / BIG[1]).write_bytes(data)  # the same content under another key
    library = Library(settings)
    try:
        plan = plan_all(library)
        assert library.hasher.hashed == 1
        assert [(i.key, i.action, i.source_key) for i in plan.items] == [
            (BIG[1], Action.COPY, BIG[0])]
    finally:
        library.close()


def test_a_file_rewritten_after_its_hashing_read_is_not_completed(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The parts' MD5s of the hashing read no longer match: changed, not stored."""
    write_big(library_root, BIG[0], 9 * MiB)
    path = library_root / BIG[0]
    library = Library(make_settings())
    try:
        plan = plan_all(library)
        real = multipart._upload

        def rewrite_then_upload(ctx: Any, file: Any, digests: Any, *args: Any) -> str:
            assert digests.part_md5s  # from the job's own hashing read
            stat = path.stat()
            with path.open("r+b") as fh:
                fh.write(b"\0" * 1024)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and mtime
            return real(ctx, file, digests, *args)

        monkeypatch.setattr(multipart, "_upload", rewrite_then_upload)
        summary = engine_batch(library, plan).run()
    finally:
        library.close()
    assert summary.failed == 1 and "changed while it was being uploaded" in summary.failures[BIG[0]]
    assert "Contents" not in admin.list_objects_v2(Bucket=bucket)


def test_parts_are_hashed_when_sent_after_a_cached_hash(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The hash cache keeps no part MD5s: a later run computes them from the bytes it sends."""
    write_big(library_root, BIG[0], 9 * MiB)
    settings = make_settings()
    library = Library(settings)
    try:
        library.hasher.digests(library.scan_local().files[BIG[0]])  # type: ignore[union-attr]
    finally:
        library.close()
    calls = count_part_md5s(monkeypatch)
    library = Library(settings)
    try:
        summary = engine_batch(library, plan_all(library)).run()
        assert library.hasher.hashed == 0
    finally:
        library.close()
    assert summary.uploaded == 1 and sorted(calls) == [1 * MiB, 8 * MiB]


def test_listing_and_uploads_share_the_pooled_connections(
    proxy: S3Proxy, library_root: Path, make_settings: Callable[..., Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The pool holds a connection for each listing thread and each request in flight: none is
    opened beyond it, and none thrown away (urllib3 warns when it discards one)."""
    for n in range(60):
        path = library_root / f"photos/quotes/q{n:02d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"card %d" % n)
    library = Library(make_settings(workers=12))
    try:
        proxy.clear()
        summary = engine_batch(library, plan_all(library)).run()
    finally:
        library.close()
    assert summary.uploaded == 60
    connections = {r.connection_id for r in proxy.requests}
    assert len(connections) <= max(LISTING_THREADS, 12)
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]


def _padded(video: bytes, size: int, *, claims: int | None = None) -> bytes:
    """``video`` and a top-level ``free`` box up to ``size`` bytes (claiming ``claims``)."""
    body = size - len(video) - 8
    return video + struct.pack(">I4s", 8 + (claims or body), b"free") + bytes(body)


def test_a_big_video_is_checked_by_its_first_frames_not_hashed_in_the_plan(
    media: Media, library_root: Path, make_settings: Callable[..., Settings],
) -> None:
    good, cut = "videos/intros/good.mp4", "videos/intros/cut.mp4"
    for key, data in ((good, _padded(media.good, 9 * MiB)),
                      (cut, _padded(media.good, 10 * MiB, claims=20 * MiB))):
        (library_root / key).parent.mkdir(parents=True, exist_ok=True)
        (library_root / key).write_bytes(data)
    library = Library(make_settings())
    try:
        local = library.scan_local()
        assert local is not None
        plan = plan_uploads(Resources.of(library), library.report(local), local,
                            media=library.media)
        assert library.hasher.hashed == 0  # neither read whole before its job sends it
        assert list(plan.refused) == [cut] and "truncated" in plan.refused[cut]
        assert [(i.key, i.action) for i in plan.items] == [(good, Action.UPLOAD)]
        assert library.media.read == 2
    finally:
        library.close()
