"""Wait for what a child process writes, line by line, instead of sleeping."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO


class Lines:
    """Reads a child's text pipe in a thread, so a test can wait for a line with a deadline.

    Reading continuously also keeps a chatty child from blocking on a full pipe.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._lines: list[str] = []
        self._closed = False
        self._changed = threading.Condition()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self._lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = 60) -> str:
        """The first line for which ``wanted`` is true; AssertionError if the stream ends or
        ``timeout`` seconds pass without one."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = next((line for line in self._lines if wanted(line)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if self._closed or left <= 0:
                    state = "ended" if self._closed else f"stayed silent for {timeout} s"
                    raise AssertionError(f"no such line; the stream {state}:\n{self.text()}")
                self._changed.wait(left)

    def rest(self, timeout: float = 30) -> str:
        """Everything, once the stream has ended (the child exited)."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._closed, timeout):
                raise AssertionError(f"the stream did not end in {timeout} s:\n{self.text()}")
            return self.text()

    def text(self) -> str:
        """Everything read so far."""
        with self._changed:
            return "".join(self._lines)
