"""Faults: transient errors retried (bounded), permanent ones fail one job, files that change or
cannot be read, and cancellation."""

from __future__ import annotations

import builtins
import hashlib
import io
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from r2tui.library import Library
from r2tui.sample import content_for
from r2tui.settings import Settings
from r2tui.transfers import (
    Event,
    JobCancelled,
    JobFailed,
    JobProgress,
    RetryPolicy,
)
from r2tui.transfers.journal import Journal
from tests.support.engine import engine_batch, plan_all
from tests.support.files import write
from tests.support.servers import (
    Delay,
    DropResponse,
    RequestInfo,
    ResetConnection,
    Respond,
    S3Proxy,
)

FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=0.05)
MiB = 1024 * 1024
BIG = "videos/intros/big.mp4"


def small_library(root: Path, count: int = 6) -> list[str]:
    keys = [f"photos/quotes/q_{i}.png" for i in range(count)]
    for key in keys:
        write(root, key, content_for(key))
    return keys


def on(operation: str, key: str | None = None, part: int | None = None) -> Callable[..., bool]:
    def match(info: RequestInfo) -> bool:
        return (
            info.operation == operation
            and (key is None or (info.key or "").endswith(key))
            and (part is None or info.query.get("partNumber") == str(part))
        )

    return match


def run(settings: Settings, events: list[Event] | None = None, **kwargs: Any) -> Any:
    library = Library(settings)
    try:
        listener = events.append if events is not None else None
        batch = engine_batch(library, plan_all(library), retry=FAST, on_event=listener,
                             **kwargs)
        return batch.run()
    finally:
        library.close()


def test_transient_faults_are_retried_and_everything_ends_verified(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    keys = small_library(library_root)
    big = write(library_root, BIG, content_for(BIG, video_size=12 * MiB)[: 12 * MiB])
    proxy.add_fault(on("PutObject"), Respond(503, "SlowDown"), times=3)
    proxy.add_fault(on("PutObject", keys[1]), ResetConnection())
    proxy.add_fault(on("PutObject", keys[2]), DropResponse())  # stored, answer lost
    proxy.add_fault(on("CreateMultipartUpload"), DropResponse())  # leaves a stray upload
    proxy.add_fault(on("UploadPart", part=2), Respond(500, "InternalError"))
    proxy.add_fault(on("UploadPart", part=1), DropResponse())
    proxy.add_fault(on("CompleteMultipartUpload"), DropResponse())  # completed, answer lost

    summary = run(make_settings())

    # The two lost answers: the retried write is refused (If-None-Match: *), the object read
    # again holds this very content, so the file counts as already stored, not as failed.
    assert summary.ok and (summary.uploaded, summary.already) == (len(keys) - 1, 2), (
        summary.failures)
    assert proxy.count(status=412) == 2
    assert not proxy.faults  # every fault fired
    for key in [*keys, BIG]:
        got = admin.get_object(Bucket=bucket, Key=key)["Body"].read()
        assert got == (library_root / key).read_bytes()
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert big.exists()


def test_retries_are_bounded_and_permanent_errors_fail_at_once(
    proxy: S3Proxy, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
) -> None:
    keys = small_library(library_root, 4)
    proxy.add_fault(on("PutObject", keys[0]), Respond(503, "SlowDown"), times=None)
    proxy.add_fault(on("PutObject", keys[1]), Respond(403, "AccessDenied", "denied"), times=None)

    summary = run(make_settings())

    assert (summary.uploaded, summary.failed) == (2, 2)
    assert proxy.count(operation="PutObject", path_prefix=f"/{bucket}/{keys[0]}") == 5
    assert proxy.count(operation="PutObject", path_prefix=f"/{bucket}/{keys[1]}") == 1
    assert "access denied" in summary.failures[keys[1]]
    assert "reduce your request rate" in summary.failures[keys[0]]


def test_a_file_changed_during_its_upload_is_not_marked_done(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    key = "videos/weekly/w.mp4"
    path = write(library_root, key, content_for(key))

    def modify_while_sending(info: RequestInfo) -> bool:
        if info.operation == "PutObject":
            path.write_bytes(content_for(key, variant=1))
            return True
        return False

    proxy.add_fault(modify_while_sending, Delay(0.05))
    summary = run(make_settings())

    assert summary.failed == 1 and "changed while it was being uploaded" in summary.failures[key]
    library = Library(make_settings())
    assert library.store.upload_records(bucket) == {}
    library.close()
    summary = run(make_settings())  # the next run sends the new content
    assert summary.ok and summary.uploaded == 1
    got = admin.get_object(Bucket=bucket, Key=key)
    assert got["Body"].read() == content_for(key, variant=1)


def test_a_multipart_file_changed_mid_way_is_never_completed(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = content_for(BIG, video_size=12 * MiB)[: 12 * MiB]
    path = write(library_root, BIG, data)

    def modify(info: RequestInfo) -> bool:
        if on("UploadPart", part=2)(info):
            with path.open("r+b") as fh:
                fh.seek(9 * MiB)
                fh.write(b"changed!")
            return True
        return False

    proxy.add_fault(modify, Delay(0.05))
    summary = run(make_settings(), workers=1)

    assert summary.failed == 1 and "changed" in summary.failures[BIG]
    assert proxy.count(operation="CompleteMultipartUpload") == 0
    assert "Contents" not in admin.list_objects_v2(Bucket=bucket)
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_unreadable_files_fail_alone_with_a_clear_reason(
    proxy: S3Proxy, library_root: Path, make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tests run as root, where chmod 000 does not stop reads: one file is replaced by a dangling
    symlink after planning, and opening another is refused by a patched ``open``."""
    keys = small_library(library_root, 4)
    denied = (library_root / keys[1]).resolve()
    real_open = builtins.open

    def guarded_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(denied):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    library = Library(make_settings())
    plan = plan_all(library)
    assert keys[1] in plan.unreadable
    gone = library_root / keys[0]
    gone.unlink()
    gone.symlink_to(library_root / "nowhere.png")
    summary = engine_batch(library, plan, retry=FAST).run()
    library.close()

    assert (summary.uploaded, summary.failed) == (2, 2)
    assert summary.failures[keys[0]].startswith("cannot read")
    assert "Permission denied" in summary.failures[keys[1]]


def test_cancel_stops_between_parts_and_the_next_run_resumes(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = content_for(BIG, video_size=20 * MiB)[: 20 * MiB]
    write(library_root, BIG, data)
    small_library(library_root, 3)
    proxy.add_fault(on("UploadPart"), Delay(0.2), times=None)
    events: list[Event] = []
    library = Library(make_settings())
    batch = engine_batch(library, plan_all(library), workers=1, retry=FAST)

    def listen(event: Event) -> None:
        events.append(event)
        if isinstance(event, JobProgress) and event.key == BIG:
            batch.cancel()

    batch._on_event = listen
    thread = threading.Thread(target=batch.run)
    thread.start()
    thread.join(30)
    library.close()
    summary = batch.summary

    assert not thread.is_alive() and summary.cancelled >= 1 and not summary.ok
    assert any(isinstance(e, JobCancelled) and e.key == BIG for e in events)
    assert not any(isinstance(e, JobFailed) for e in events)
    journal = Journal(make_settings().state_path())
    entry = journal.get(bucket, BIG)
    journal.close()
    assert entry is not None and 1 <= len(entry.parts) < 3
    stored = len(entry.parts)
    proxy.clear_faults()
    proxy.clear()

    summary = run(make_settings())
    assert summary.ok
    assert proxy.count(operation="UploadPart") == 3 - stored
    got = admin.get_object(Bucket=bucket, Key=BIG)["Body"].read()
    assert hashlib.sha256(got).digest() == hashlib.sha256(data).digest()
