"""Which thread workers are still running, so the state store is closed only after the last.

Textual marks a cancelled thread worker finished at once while its thread runs on until the
function returns; only the function itself knows when it is done. Workers that use the store
(the report, the plan, the upload batch) run their bodies inside ``track()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class InFlight:
    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._count = 0
        self._on_idle: list[Callable[[], None]] = []

    @contextmanager
    def track(self) -> Iterator[None]:
        with self._changed:
            self._count += 1
        try:
            yield
        finally:
            with self._changed:
                self._count -= 1
                due = self._on_idle if self._count == 0 else []
                if due:
                    self._on_idle = []
                self._changed.notify_all()
            for callback in due:
                callback()

    @property
    def idle(self) -> bool:
        with self._changed:
            return self._count == 0

    def wait_idle(self) -> None:
        """Block until no tracked body runs (call it from a thread, not the UI's)."""
        with self._changed:
            self._changed.wait_for(lambda: self._count == 0)

    def when_idle(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` now if nothing runs, else in the thread of the last to finish."""
        with self._changed:
            if self._count:
                self._on_idle.append(callback)
                return
        callback()
