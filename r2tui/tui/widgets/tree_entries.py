"""What a LazyTree's nodes carry: an Entry per folder, file or "load more" line, and the page a
folder's listing arrives in (no Textual here: the listing threads build these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

PAGE = 1000
KeyPage = list[tuple[str, int | None]]


class Kind(StrEnum):
    DIR = "dir"
    FILE = "file"
    MORE = "more"


@dataclass
class Entry:
    kind: Kind
    key: str  # a folder prefix ("" at the root) or an object key
    size: int | None = None
    in_bucket: bool = True
    token: str | None = None  # MORE: where the next page starts
    loaded: bool = False
    expanded: bool = False
    children: list[Entry] = field(default_factory=list)
    next_token: str | None = None

    @property
    def name(self) -> str:
        stripped = self.key.rstrip("/")
        return stripped[stripped.rfind("/") + 1 :]


@dataclass(frozen=True)
class Page:
    dirs: list[str]
    files: list[tuple[str, int]]
    next_token: str | None
