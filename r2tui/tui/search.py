"""The filter's key index: every key of a tree, listed once in the background, searched by
substring in a thread so that a 100,000-key bucket stays responsive (no Textual here)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

SHOWN_MATCHES = 300


@dataclass(frozen=True)
class Matches:
    needle: str
    found: list[tuple[str, int | None]]  # (key, size), sorted, at most SHOWN_MATCHES
    total: int  # every match, shown or not
    complete: bool  # the index held every key when searched

    @property
    def more(self) -> int:
        return self.total - len(self.found)


class KeyIndex:
    """Keys added page by page from a worker thread, searched from another."""

    def __init__(self) -> None:
        self._folded: list[str] = []
        self._keys: list[tuple[str, int | None]] = []
        self._known: set[str] = set()
        self._lock = threading.Lock()
        self.complete = False

    def __len__(self) -> int:
        return len(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._known

    def add(self, page: Iterable[tuple[str, int | None]]) -> None:
        with self._lock:
            for key, size in page:
                if key not in self._known:
                    self._known.add(key)
                    self._folded.append(key.casefold())
                    self._keys.append((key, size))

    def search(
        self, needle: str, extra: Iterable[tuple[str, int | None]] = (), limit: int = SHOWN_MATCHES
    ) -> Matches:
        """Keys containing ``needle`` (case-insensitive), and ``extra`` keys not indexed."""
        folded = needle.casefold()
        with self._lock:
            complete = self.complete
            count = len(self._keys)
            folded_keys, keys = self._folded[:count], self._keys[:count]
        hits = [keys[i] for i, k in enumerate(folded_keys) if folded in k]
        hits += [(k, s) for k, s in extra if k not in self._known and folded in k.casefold()]
        hits.sort()
        return Matches(needle, hits[:limit], len(hits), complete)
