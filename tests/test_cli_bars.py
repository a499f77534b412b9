"""The live bars of ``r2tui upload`` on a terminal: Rich, keys as text, fitted to the width."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from r2tui.cli.bars import SHOWN_FILES, LiveBars
from r2tui.formatting import size
from r2tui.sample import write_library
from r2tui.transfers.events import (
    Action,
    BatchFinished,
    BatchProgress,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    Summary,
)

LONG = "videos/quotes [draft]/" + "a very long name " * 8 + ".mp4"


def shown(bars: LiveBars, width: int) -> list[str]:
    """The lines the live display shows now, as plain text."""
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(bars.progress.get_renderable())
    return [line.rstrip() for line in console.export_text().splitlines() if line.strip()]


def new_bars() -> tuple[LiveBars, io.StringIO]:
    out = io.StringIO()
    return LiveBars(console=Console(file=out, width=80, color_system=None)), out


def test_bars_show_keys_as_text_within_the_terminal_width() -> None:
    bars, out = new_bars()
    bars(JobStarted(LONG, 2_000_000, Action.UPLOAD))
    bars(JobStarted("photos/quotes/[b]old[/b].png", 1000, Action.UPLOAD))
    bars(JobProgress("photos/quotes/[b]old[/b].png", 500, 1000))
    bars(BatchProgress(500, 2_001_000, 0, 2, 1000.0, None))
    lines = shown(bars, 80)
    assert len(lines) == 3 and all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("videos/quotes [draft]/a very long") and "…" in lines[0]
    assert lines[1].startswith("photos/quotes/[b]old[/b].png") and "50%" in lines[1]
    assert lines[2].startswith("total 0/2 files · ") and "ETA" in lines[2]
    bars(JobFinished("photos/quotes/[b]old[/b].png", Action.UPLOAD, 1000))
    bars(JobFailed(LONG, "access denied"))
    assert out.getvalue().splitlines() == [  # the log lines, above the bars
        f"uploaded photos/quotes/[b]old[/b].png  {size(1000)}",
        f"FAILED   {LONG}: access denied",
    ]
    assert [line.split()[0] for line in shown(bars, 80)] == ["total"]
    bars(BatchFinished(Summary(uploaded=1, failed=1)))
    assert shown(bars, 80) == []


def test_bars_show_the_first_files_and_the_next_when_one_ends() -> None:
    bars, _ = new_bars()
    keys = [f"photos/quotes/{n:02d}.png" for n in range(SHOWN_FILES + 2)]
    for key in keys:
        bars(JobStarted(key, 100, Action.UPLOAD))
    assert [line.split()[0] for line in shown(bars, 80)] == keys[:SHOWN_FILES]
    bars(JobFinished(keys[0], Action.UPLOAD, 100))
    assert [line.split()[0] for line in shown(bars, 80)] == keys[1:SHOWN_FILES + 1]
    bars(JobStarted("photos/quotes/skipped.png", 100, Action.SKIP))
    assert "photos/quotes/skipped.png" not in " ".join(shown(bars, 80))


def test_upload_on_a_terminal_draws_bars_on_stderr_and_keeps_stdout_plain(
    env: dict[str, str], library_root: Path
) -> None:
    keys = ["videos/intros/a.mp4", "photos/quotes/b.png"]
    write_library(library_root, keys)
    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "r2tui", "upload", "--auto"],
        env=env | {"COLUMNS": "100"}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=child, text=True,
    )
    os.close(child)
    try:
        err = _read_until_exit(main, proc).decode()
        stdout = proc.stdout.read() if proc.stdout else ""
    finally:
        proc.kill()
        os.close(main)
    assert proc.returncode == 0, err
    assert all(f"uploaded {key}" in err for key in keys) and "Traceback" not in err
    assert "\x1b[" in err  # drawn in place on the terminal
    lines = stdout.splitlines()
    assert lines[0].startswith("plan: 2 uploads") and lines[-1].startswith("uploaded 2, copied 0")
    assert "\x1b" not in stdout


def _read_until_exit(fd: int, proc: subprocess.Popen) -> bytes:
    """Everything the child writes to the terminal, read as it comes so it never blocks."""
    data = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.2)[0]:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the child has exited and closed its side
                chunk = b""
            data += chunk
            if not chunk:
                break
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    return data
