"""Running a batch (upload or download) from the command line: in a thread, so Ctrl-C here
cancels it cleanly; its events to JSON lines, live bars or a line log, and to the progress file
``r2tui watch`` reads."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from r2tui.cli.console import JsonLog, LineLog, Listener
from r2tui.progress_file import FILE_NAME as PROGRESS_FILE
from r2tui.transfers.events import Event
from r2tui.transfers.progress_file import ProgressFile


class Runnable(Protocol):
    def run(self) -> object: ...
    def cancel(self) -> None: ...


def run_batch(
    make: Callable[[Callable[[Event], None]], Runnable], *, as_json: bool, state: Path | None
) -> bool:
    """Run the batch ``make(listener)`` builds; True if Ctrl-C interrupted it (exit 130 after).

    Waits on an Event, not Thread.join: a join interrupted by Ctrl-C can return early.
    """
    with _listener(as_json) as listener:
        batch = make(_with_progress_file(state, listener))
        done = threading.Event()

        def work() -> None:
            try:
                batch.run()
            finally:
                done.set()

        threading.Thread(target=work, name="r2tui-batch", daemon=True).start()
        try:
            while not done.wait(0.2):
                pass
        except KeyboardInterrupt:
            listener.note("r2tui: cancelling: finishing the requests in flight...")
            batch.cancel()
            done.wait()
            return True
    return False


@contextmanager
def _listener(as_json: bool) -> Iterator[Listener]:
    """JSON lines on stdout; live bars on stderr when it is a terminal; else a line log."""
    if as_json:
        yield JsonLog(sys.stdout)
    elif sys.stderr.isatty():
        from r2tui.cli.bars import LiveBars  # Rich is loaded only for a terminal

        with LiveBars(sys.stderr) as bars:
            yield bars
    else:
        yield LineLog(sys.stdout)


def _with_progress_file(
    state: Path | None, listener: Callable[[Event], None]
) -> Callable[[Event], None]:
    """Also mirror progress to the state folder, where ``r2tui watch`` reads it."""
    if state is None:
        return listener
    progress = ProgressFile(state / PROGRESS_FILE)

    def both(event: Event) -> None:
        listener(event)
        progress(event)

    return both
