"""The local library's folders, read on expand; files carry their state against the bucket."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from r2tui.scan import is_skipped, key_for, scan
from r2tui.tui.format import literal
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.tree_entries import PAGE, KeyPage, Page


class LocalTree(LazyTree):
    LOCAL = True

    def __init__(self, root: Path | None, view: ViewState) -> None:
        super().__init__(root.name if root else "(no local library)", view, id="local-tree")
        self.local_root = root
        self.border_title = "Local library"

    def relist(self) -> None:
        if self.local_root is not None and self.local_root.is_dir():
            super().relist()
        elif self.local_root is not None:
            self.root.set_label(literal(f"{self.local_root.name} (folder not found)"))

    def fetch(self, prefix: str, token: str | None) -> Page:
        """One page of a local folder; the token is the offset into its sorted listing."""
        assert self.local_root is not None
        root = self.local_root
        folder = root / prefix if prefix else root
        entries = sorted(
            (e for e in os.scandir(folder) if not is_skipped(e.name, at_root=not prefix)),
            key=lambda e: (not e.is_dir(), e.name.casefold()),
        )
        start = int(token or 0)
        chunk = entries[start : start + PAGE]
        dirs = [key_for(root, Path(e.path)) + "/" for e in chunk if e.is_dir()]
        files = [
            (key_for(root, Path(e.path)), e.stat().st_size)
            for e in chunk
            if e.is_file()
        ]
        more = str(start + PAGE) if start + PAGE < len(entries) else None
        return Page(dirs, files, more)

    def key_pages(self) -> Iterator[KeyPage]:
        if self.local_root is not None and self.local_root.is_dir():
            yield [(key, file.size) for key, file in scan(self.local_root).files.items()]
