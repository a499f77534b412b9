"""Resume: kill -9 mid multipart, rerun without re-sending stored parts; stale and stray uploads."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from r2tui.library import Library
from r2tui.sample import content_for
from r2tui.settings import Settings
from r2tui.transfers.cleanup import abort_orphans
from r2tui.transfers.context import transfer_context
from r2tui.transfers.journal import Journal, JournalEntry
from r2tui.transfers.retry import RetryPolicy
from tests.support.engine import engine_batch, plan_all
from tests.support.servers import (
    TEST_ACCESS_KEY,
    TEST_SECRET_KEY,
    Delay,
    MotoServer,
    RequestInfo,
    S3Proxy,
)

BIG = "videos/intros/big.mp4"
OTHER_KEY = "videos/intros/other.mp4"
MiB = 1024 * 1024


def cli_env(endpoint: str, bucket: str, root: Path, state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "R2_", "R2TUI_"))}
    env.update(
        R2_ENDPOINT=endpoint, R2_ACCESS_KEY_ID=TEST_ACCESS_KEY,
        R2_SECRET_ACCESS_KEY=TEST_SECRET_KEY, R2_BUCKET=bucket, R2_LOCAL_ROOT=str(root),
        R2TUI_STATE_DIR=str(state),
    )
    return env


def write_big(root: Path, size: int = 20 * MiB) -> bytes:
    data = content_for(BIG, video_size=size)[:size]
    path = root / BIG
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return data


def part(number: int) -> Callable[[RequestInfo], bool]:
    return lambda info: info.operation == "UploadPart" and info.query.get("partNumber") == str(
        number
    )


def test_kill_9_mid_multipart_then_rerun_sends_only_missing_parts(
    moto_server: MotoServer, proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    tmp_path: Path,
) -> None:
    data = write_big(library_root)  # parts of 8 + 8 + 4 MiB
    state = tmp_path / "state"
    with S3Proxy(moto_server.url) as doomed:  # its own proxy: stopping it drops the held part
        doomed.add_fault(part(3), Delay(60))
        child = subprocess.Popen(
            [sys.executable, "-m", "r2tui", "upload", "--auto", "--workers", "3"],
            env=cli_env(doomed.url, bucket, library_root, state), cwd=tmp_path,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        journal = Journal(state)  # the client's own file: kill it once both parts are journaled
        while (entry := journal.get(bucket, BIG)) is None or len(entry.parts) < 2:
            assert time.monotonic() < deadline and child.poll() is None
            time.sleep(0.05)
        journal.close()
        child.kill()
        child.wait()
    journal = Journal(state)
    entry = journal.get(bucket, BIG)
    journal.close()
    assert entry is not None and sorted(entry.parts) == [1, 2]

    rerun = subprocess.run(
        [sys.executable, "-m", "r2tui", "upload", "--auto", "--json"],
        env=cli_env(proxy.url, bucket, library_root, state), cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )

    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout.splitlines()[-1])
    assert summary["event"] == "summary" and summary["uploaded"] == 1
    assert summary["bytes_sent"] == 4 * MiB
    sent = proxy.records(operation="UploadPart")
    assert [r.query["partNumber"] for r in sent] == ["3"]
    assert proxy.count(operation="ListParts") == 1
    assert proxy.count(operation="CreateMultipartUpload") == 0
    assert admin.get_object(Bucket=bucket, Key=BIG)["Body"].read() == data
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_forgotten_upload_starts_over_and_strays_are_aborted(
    proxy: S3Proxy, admin: Any, bucket: str, library_root: Path,
    make_settings: Callable[..., Settings],
) -> None:
    data = write_big(library_root, 12 * MiB)
    settings = make_settings()
    # A journaled upload the server no longer knows, and a stray one the journal never saw.
    forgotten = admin.create_multipart_upload(Bucket=bucket, Key=BIG)["UploadId"]
    admin.abort_multipart_upload(Bucket=bucket, Key=BIG, UploadId=forgotten)
    admin.create_multipart_upload(Bucket=bucket, Key=BIG)
    journal = Journal(settings.state_path())
    sha = hashlib.sha256(data).hexdigest()
    journal.begin(bucket, JournalEntry(BIG, forgotten, len(data), sha, 8 * MiB, {1: "0" * 32}))
    journal.close()
    proxy.clear()
    library = Library(settings)
    summary = engine_batch(library, plan_all(library)).run()
    library.close()
    assert summary.ok and summary.uploaded == 1
    assert proxy.count(operation="ListParts") == 1
    assert proxy.count(operation="CreateMultipartUpload") == 1
    assert proxy.count(operation="AbortMultipartUpload") == 1
    assert admin.get_object(Bucket=bucket, Key=BIG)["Body"].read() == data
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_an_upload_another_live_run_is_creating_is_no_stray(
    proxy: S3Proxy, admin: Any, bucket: str, make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings()
    state = settings.state_path()
    # Another run sharing the state folder has claimed the key and created its upload, but has
    # not journaled it yet.
    other = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from r2tui.transfers.journal import Journal; "
         f"Journal(Path(sys.argv[1])).claim({bucket!r}, {BIG!r}); print('claimed', flush=True); "
         "sys.stdin.read()", str(state)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert other.stdout is not None and other.stdout.readline() == "claimed\n"
    theirs = admin.create_multipart_upload(Bucket=bucket, Key=BIG)["UploadId"]
    stray = admin.create_multipart_upload(Bucket=bucket, Key=OTHER_KEY)["UploadId"]

    def clean_up() -> int:
        with transfer_context(settings, 2, RetryPolicy(), threading.Event()) as ctx:
            return abort_orphans(ctx, {BIG, OTHER_KEY})

    try:
        assert clean_up() == 1
        ids = [u["UploadId"] for u in admin.list_multipart_uploads(Bucket=bucket)["Uploads"]]
        assert ids == [theirs] and stray not in ids
    finally:
        other.communicate("", timeout=30)
    assert clean_up() == 1  # its run ended without journaling it: now it is a stray
    assert admin.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_ending_an_upload_keeps_a_newer_one_journaled_at_the_key(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.begin("b", JournalEntry(BIG, "old", 1, "s", 1))
    journal.begin("b", JournalEntry(BIG, "new", 1, "s", 1))  # another run's, at the same key
    journal.end("b", BIG, "old")
    assert journal.kept("b") == ({BIG: "new"}, set())
    journal.end("b", BIG, "new")
    assert journal.kept("b") == ({}, set())
    journal.close()


def test_ctrl_c_cancels_promptly_with_the_journal_consistent(
    proxy: S3Proxy, bucket: str, library_root: Path, tmp_path: Path
) -> None:
    write_big(library_root)
    state = tmp_path / "state"
    proxy.add_fault(lambda info: info.operation == "UploadPart", Delay(1.0), times=None)
    child = subprocess.Popen(
        [sys.executable, "-m", "r2tui", "upload", "--auto", "--workers", "1"],
        env=cli_env(proxy.url, bucket, library_root, state), cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while proxy.count(operation="UploadPart", status=200) < 1:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.02)
    interrupted = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)

    assert child.returncode == 130 and time.monotonic() - interrupted < 5, (out, err)
    assert "cancelling" in err and "Traceback" not in err
    assert "cancelled 1" in out  # the part in flight finished, the last one never started
    journal = Journal(state)
    entry = journal.get(bucket, BIG)
    journal.close()
    assert entry is not None and 1 <= len(entry.parts) < 3
