"""The bucket's prefixes, listed with a delimiter one page at a time; missing keys as ghosts."""

from __future__ import annotations

from r2tui.library import Library
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.lazy_tree import Entry, Kind, LazyTree, Page


class BucketTree(LazyTree):
    def __init__(self, library: Library, view: ViewState) -> None:
        super().__init__(library.settings.bucket, view, id="bucket-tree")
        self.library = library
        self.border_title = "Bucket"

    def fetch(self, prefix: str, token: str | None) -> Page:
        level = self.library.list_level(prefix, token)
        files = [(o.key, o.size) for o in level.objects if o.key != prefix]
        return Page(level.prefixes, files, level.next_token)

    def extra_entries(self, entry: Entry) -> list[Entry]:
        """Folders and files the bucket should hold but does not (yet): shown as ghosts."""
        listed = {child.key for child in entry.children}
        folders = sorted(self.view.folders_in(entry.key) - listed)
        ghosts = [Entry(Kind.DIR, key, in_bucket=False) for key in folders]
        ghosts += [
            Entry(Kind.FILE, key, in_bucket=False)
            for key in self.view.missing_in(entry.key)
            if key not in listed
        ]
        return ghosts

    def landed(self, key: str, size: int) -> None:
        """An object arrived: turn its ghost into a real entry."""
        node = self.node_for(key)
        if node is not None and node.data is not None:
            node.data.in_bucket = True
            node.data.size = size
            parent = node.parent.data if node.parent else None
            if parent is not None and all(c.key != key for c in parent.children):
                parent.children.append(node.data)
        self.relabel([key, *self._category_dirs()])

    def _category_dirs(self) -> list[str]:
        return [p for c in self.view.layout for p in c.prefixes]
