"""``r2tui watch``: live completeness and upload progress, in a terminal and as a log."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from r2tui.cli.watch_view import Watcher
from r2tui.library import Library
from r2tui.progress_file import FILE_NAME, read_progress
from r2tui.sample import content_for, write_library
from r2tui.transfers import (
    Action,
    BatchFinished,
    BatchProgress,
    JobFailed,
    JobProgress,
    JobStarted,
    Summary,
)
from r2tui.transfers.progress_file import ProgressFile
from tests.support.keys import CLI_KEYS as KEYS


def spawn_watch(env: dict[str, str], **kwargs: Any) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "r2tui", "watch", "--interval", "1"], env=env, **kwargs
    )


def test_log_mode_follows_the_bucket_and_quits_on_q(
    env: dict[str, str], filled: list[str], admin: Any, bucket: str
) -> None:
    proc = spawn_watch(env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdin is not None
    try:
        first = proc.stdout.readline()
        assert "0.11 % (4/3346) · 1 missing" in first
        admin.put_object(Bucket=bucket, Key=KEYS[0], Body=content_for(KEYS[0]))
        deadline = time.monotonic() + 20
        while "0.14 % (5/3346) · 0 missing" not in proc.stdout.readline():
            assert time.monotonic() < deadline, "the new object never showed"
        proc.stdin.write("q\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")
    finally:
        proc.kill()


def read_until(fd: int, needle: bytes, timeout: float = 20) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        assert time.monotonic() < deadline, f"{needle!r} not in output: {seen[-1500:]!r}"
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            seen += os.read(fd, 65536)
    return seen


@pytest.mark.parametrize("how", ["q", "ctrl-c"])
def test_terminal_mode_draws_the_table_and_quits(
    env: dict[str, str], filled: list[str], how: str
) -> None:
    main, child = pty.openpty()
    proc = spawn_watch(env, stdin=child, stdout=child, stderr=child)
    os.close(child)
    try:
        screen = read_until(main, b"Trainer intros")
        screen += read_until(main, b"Class A ops/hour")
        assert b"\x1b[2J" in screen and b"q or Ctrl-C quits" in screen
        if how == "q":
            os.write(main, b"q")  # a single key press: the terminal is in cbreak mode
        else:
            proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        rest = b""
        while select.select([main], [], [], 0.2)[0]:
            try:
                rest += os.read(main, 65536)
            except OSError:
                break
        assert b"Traceback" not in rest
    finally:
        proc.kill()
        os.close(main)


def test_watch_shows_a_running_upload(
    make_settings: Any, library_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("r2tui.transfers.progress_file.WRITE_EVERY", 0)  # write on every event
    settings = make_settings()
    write_library(library_root, KEYS)
    progress = ProgressFile(settings.state_path() / FILE_NAME)
    progress(JobStarted(KEYS[0], 1000, Action.UPLOAD))
    progress(JobProgress(KEYS[0], 400, 1000))
    progress(JobFailed(KEYS[1], "access denied"))
    progress(BatchProgress(400, 5000, 1, 5, 2_000_000.0, 3.0))
    watcher = Watcher(Library(settings), interval=60)
    screen = watcher.screen()
    assert (f"Upload running (pid {os.getpid()}): 1/5 files · 400 Bytes/5.00 kB · 2.00 MB/s"
            " · ETA 3s") in screen
    assert f" 40 %  {KEYS[0]}" in screen and f"failed: {KEYS[1]}: access denied" in screen
    progress(BatchFinished(Summary(uploaded=4, failed=1)))
    assert "Last upload finished: 1/5 files" in watcher.screen()


def test_progress_of_a_dead_upload_is_marked_abandoned(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    path = tmp_path / FILE_NAME
    progress = ProgressFile(path)
    progress._state["pid"] = int(dead)  # as if written by that (now finished) process
    progress(BatchProgress(1, 2, 0, 1, 1.0, 1.0))
    data = read_progress(path)
    assert data is not None and data["abandoned"] and data["finished"]
