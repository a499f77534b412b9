"""The bucket's prefixes, listed with a delimiter one page at a time; missing keys as ghosts."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from r2tui.library import Library
from r2tui.storage import storage_errors
from r2tui.tui.view import ViewState, ancestors
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.tree_entries import PAGE, Entry, KeyPage, Kind, Page


class BucketTree(LazyTree):
    def __init__(self, library: Library, view: ViewState) -> None:
        super().__init__(library.settings.bucket, view, id="bucket-tree")
        self.library = library
        self.border_title = "Bucket"
        self._ghost_dirs: dict[str, Entry] = {}

    def relist(self) -> None:
        self._ghost_dirs = {}
        super().relist()

    def fetch(self, prefix: str, token: str | None) -> Page:
        level = self.library.list_level(prefix, token)
        files = [(o.key, o.size) for o in level.objects if o.key != prefix]
        return Page(level.prefixes, files, level.next_token)

    def key_pages(self) -> Iterator[KeyPage]:
        with storage_errors(self.library.settings):
            objects = self.library.iter_objects()
            stream = iter(objects)
            try:
                while page := [(o.key, o.size) for o in islice(stream, PAGE)]:
                    yield page
            finally:
                objects.close()

    def extra_entries(self, entry: Entry) -> list[Entry]:
        """Folders and files the bucket should hold but does not (yet): shown as ghosts.

        A ghost folder keeps one entry until it is listed for real, so that opening it
        survives re-renders and its listing lands on the node shown.
        """
        listed = {child.key for child in entry.children}
        folders = sorted(self.view.folders_in(entry.key) - listed)
        ghosts = [self._ghost_dirs.setdefault(key, Entry(Kind.DIR, key, in_bucket=False))
                  for key in folders]
        ghosts += [
            Entry(Kind.FILE, key, in_bucket=False)
            for key in self.view.missing_in(entry.key)
            if key not in listed
        ]
        return ghosts

    def adopt_dir(self, key: str) -> Entry:
        entry = self._ghost_dirs.pop(key, None)
        if entry is None:
            return Entry(Kind.DIR, key)
        entry.in_bucket = True
        return entry

    def extra_keys(self) -> KeyPage:
        return [(key, None) for key in self.view.missing_keys()]

    def landed(self, key: str, size: int) -> None:
        """An object arrived: turn its ghost into a real entry (and let the filter know it)."""
        self.index.add([(key, size)])
        node = self.node_for(key)
        if node is not None and node.data is not None:
            node.data.in_bucket = True
            node.data.size = size
        folder = self._folder_of(key)
        if folder is not None and folder.loaded and all(c.key != key for c in folder.children):
            folder.children.append(Entry(Kind.FILE, key, size))
        self.relabel([key, *self._category_dirs()])

    def _folder_of(self, key: str) -> Entry | None:
        """The cached entry of the folder holding ``key``, if it was ever listed."""
        entry = self.root.data
        for folder in ancestors(key)[1:]:
            if entry is None:
                return None
            listed = next((c for c in entry.children if c.key == folder), None)
            entry = listed or self._ghost_dirs.get(folder)
        return entry

    def _category_dirs(self) -> list[str]:
        return [p for c in self.view.layout for p in c.prefixes]
