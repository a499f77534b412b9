"""The base the parts of a LazyTree share: the nodes shown, found by key, and their labels.

The listing (``tree_listing.py``) and the search (``tree_search.py``) each build the tree's
nodes and both keep ``_by_key`` up to date, so that a key's node is found (to relabel it after
the selection or the counts changed) whichever of the two drew it.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from r2tui.tui.format import literal
from r2tui.tui.messages import ReportsWorkerErrors
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.tree_entries import Entry, Kind
from r2tui.tui.widgets.tree_labels import entry_label


class KeyedTree(ReportsWorkerErrors, Tree[Entry]):
    LOCAL = False  # the local library's tree (LocalTree), not the bucket's
    def __init__(self, label: str, view: ViewState, *, id: str | None = None) -> None:
        super().__init__(literal(label), data=Entry(Kind.DIR, ""), id=id)
        self.view = view
        self.root_name = label
        self.show_root = True
        self.guide_depth = 3
        self._by_key: dict[str, TreeNode[Entry]] = {}
        self.needle = ""  # the filter's: while it is set, the tree shows a search's matches

    def label_of(self, entry: Entry) -> Text:
        return entry_label(entry, self.view, self.root_name, whole_paths=bool(self.needle),
                           local=self.LOCAL)

    def relabel(self, keys: list[str] | None = None) -> None:
        """Refresh labels (all, or the given keys' nodes) after counts or the selection changed."""
        nodes = self._by_key.values() if keys is None else [
            self._by_key[k] for k in keys if k in self._by_key
        ]
        for node in list(nodes):
            if node.data is not None:
                node.set_label(self.label_of(node.data))

    def node_for(self, key: str) -> TreeNode[Entry] | None:
        return self._by_key.get(key)
