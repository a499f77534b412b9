"""A tree whose folders are listed on expand, a page at a time, in a thread worker.

The shape of Textual's DirectoryTree: each node carries an Entry with a ``loaded`` flag and a
cache of what was fetched, so the problems-only view re-renders without I/O. The filter is a
search mode: every key is listed once in the background into a KeyIndex, and the matches from
anywhere in the library are shown grouped by folder, capped, with a note of how many more.

One job a module, each class built on the one before: ``tree_nodes.py`` (the nodes by key and
their labels, drawn by ``tree_labels.py``), ``tree_listing.py`` (a folder's pages),
``tree_search.py`` (the filter's matches) and this one, the keys a tree answers itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message

from r2tui.tui.widgets.tree_entries import Kind
from r2tui.tui.widgets.tree_search import TreeSearch


class LazyTree(TreeSearch):
    """Subclasses say how to fetch one page of a folder and every key; this class does the rest."""

    BINDINGS = [
        Binding("space", "toggle_select", "Select", show=False, id="select"),
        Binding("enter", "select_cursor", "Open", show=False, id="open"),
        Binding("n", "step_match(1)", "Next match", show=False, id="next-match"),
        Binding("N", "step_match(-1)", "Previous match", show=False, id="previous-match"),
    ]

    @dataclass
    class SelectionToggled(Message):
        key: str

    def action_step_match(self, step: int) -> None:
        self.step_match(step)

    def action_toggle_select(self) -> None:
        """Space: a file is selected or unselected (the screen keeps the selection), a folder
        opens or closes."""
        node = self.cursor_node
        if node is not None and node.data is not None:
            if node.data.kind is Kind.FILE:
                self.post_message(self.SelectionToggled(node.data.key))
            elif node.data.kind is Kind.DIR:
                node.toggle()
