"""``r2tui watch``: a live, read-only view of completeness and of any running upload.

Plain ANSI output, so it works over SSH and in any terminal; a line log when stdout is not a
terminal. The bucket is listed again every ``interval`` seconds (Class A operations: the footer
says what that costs); a running upload's progress comes from its progress file, for free.
"""

from __future__ import annotations

import os
import select
import sys
import termios
import threading
import time
import tty
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from r2tui.cli.status import render_status
from r2tui.compare import Report
from r2tui.errors import ExitCode, R2TuiError
from r2tui.formatting import eta, rate, size, summary_line
from r2tui.keys import printable
from r2tui.library import Library
from r2tui.progress_file import FILE_NAME, read_progress

REDRAW_EVERY = 0.5


class Watcher:
    """Keeps the latest report (refreshed in a background thread) and renders the view."""

    def __init__(self, library: Library, interval: float) -> None:
        self.library = library
        self.interval = interval
        self.report: Report | None = None
        self.error: str | None = None
        self.refreshed: float | None = None
        self.refreshes = 0
        self._stop = threading.Event()
        state = library.settings.state_path()
        self.progress_path = state / FILE_NAME if state else None

    def start(self) -> None:
        threading.Thread(target=self._refresh_loop, name="r2tui-watch", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _refresh_loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.report = self.library.report()
                self.error = None
            except R2TuiError as exc:
                self.error = exc.message
            self.refreshed = time.time()
            self.refreshes += 1
            self._stop.wait(self.interval)

    def progress(self) -> dict[str, Any] | None:
        return read_progress(self.progress_path) if self.progress_path else None

    def listing_cost(self) -> str:
        """What re-listing every ``interval`` seconds costs per hour, in Class A operations."""
        objects = self.report.totals.remote if self.report else 0
        pages = max(1, -(-objects // 1000))
        per_hour = pages * 3600 / self.interval
        dollars = self.library.settings.prices.class_a(int(per_hour))
        return (
            f"re-listing every {self.interval:g} s: "
            f"~{per_hour:,.0f} Class A ops/hour (${dollars:.4f}/h)"
        )

    def screen(self) -> str:
        """The whole view, for a terminal."""
        settings = self.library.settings
        when = time.strftime("%H:%M:%S", time.localtime(self.refreshed)) if self.refreshed else "…"
        lines = [f"r2tui watch · bucket {settings.bucket} · listed at {when} · q or Ctrl-C quits"]
        if self.error:
            lines += ["", f"error: {printable(self.error)} (retrying every {self.interval:g} s)"]
        if self.report is not None:
            lines += ["", render_status(self.report, settings)]
        elif not self.error:
            lines += ["", "Comparing the bucket with the local library…"]
        lines += ["", *upload_lines(self.progress()), "", self.listing_cost()]
        return "\n".join(lines)

    def log_line(self) -> str:
        """One line per refresh, for a log."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        if self.error:
            return f"{stamp} error: {printable(self.error)}"
        status = summary_line(self.report) if self.report else "no report yet"
        progress = self.progress()
        upload = f" | {upload_lines(progress)[0]}" if progress else ""
        return f"{stamp} {status}{upload}"


def upload_lines(progress: dict[str, Any] | None) -> list[str]:
    if not progress:
        return ["No upload running."]
    done, total = progress.get("files_done", 0), progress.get("files_total", 0)
    sent, to_send = progress.get("bytes_done", 0), progress.get("bytes_total", 0)
    failed = progress.get("failed", {})
    if progress.get("finished"):
        state = "stopped before finishing" if progress.get("abandoned") else "finished"
        head = f"Last upload {state}: {done}/{total} files, {size(sent)}"
        return [head + (f", {len(failed)} failed" if failed else "")]
    lines = [
        f"Upload running (pid {progress.get('pid')}): {done}/{total} files · "
        f"{size(sent)}/{size(to_send)} · {rate(progress.get('bytes_per_second') or 0.0)} · "
        f"{eta(progress.get('eta_seconds'))}"
    ]
    for key, (bytes_done, file_size) in list(progress.get("active", {}).items())[:10]:
        percent = 100 * bytes_done // file_size if file_size else 100
        lines.append(f"  {percent:3d} %  {printable(key)}")
    lines += [f"  failed: {printable(f'{key}: {reason}')}"
              for key, reason in list(failed.items())[:5]]
    return lines


@contextmanager
def _keys(stream: TextIO) -> Iterator[bool]:
    """cbreak mode on a terminal (single key presses); yields whether stdin is a terminal."""
    if not stream.isatty():
        yield False
        return
    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield True
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _quit_pressed(stream: TextIO, timeout: float) -> bool | None:
    """True on q, None at end of input, False otherwise (after waiting up to ``timeout``)."""
    ready, _, _ = select.select([stream], [], [], timeout)
    if not ready:
        return False
    data = os.read(stream.fileno(), 64)
    if not data:
        return None
    return b"q" in data.lower()


def run_watch(
    library: Library, interval: float, out: TextIO = sys.stdout, keys: TextIO = sys.stdin
) -> int:
    """Until q or Ctrl-C: redraw (terminal) or log a line per refresh (anything else)."""
    watcher = Watcher(library, interval)
    watcher.start()
    terminal = out.isatty()
    logged = 0
    reading = True
    try:
        with _keys(keys):
            while True:
                if terminal:
                    out.write("\x1b[H\x1b[2J" + watcher.screen() + "\n")
                    out.flush()
                elif watcher.refreshes > logged:
                    logged = watcher.refreshes
                    print(watcher.log_line(), file=out, flush=True)
                if reading:
                    pressed = _quit_pressed(keys, REDRAW_EVERY)
                    if pressed:
                        return int(ExitCode.OK)
                    reading = pressed is not None
                else:
                    time.sleep(REDRAW_EVERY)
    except KeyboardInterrupt:
        return int(ExitCode.OK)
    finally:
        watcher.stop()
