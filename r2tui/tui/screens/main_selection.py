"""The main screen's selection keys (space, m) and the highlight the details pane follows.

The selection is the view's, shared by both trees: toggling a key in one relabels it in both.
"""

from __future__ import annotations

from textual.widgets import Tree

from r2tui.tui.screens.main_base import MainScreenBase
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.details import Details
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.summary import Summary
from r2tui.tui.widgets.tree_entries import Entry, Kind


class SelectionActions(MainScreenBase):
    """A mixin of MainScreen (see ``main_base.py``)."""

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Entry]) -> None:
        if event.control is not self.last_tree:
            return  # a re-render of the other tree moved its cursor: not the user's doing
        if event.node.data is not None:
            self.query_one(Details).show_entry(event.node.data)

    def on_lazy_tree_selection_toggled(self, message: LazyTree.SelectionToggled) -> None:
        self._toggle(message.key)

    def _toggle(self, key: str) -> None:
        selected = self.view.selected
        selected.symmetric_difference_update({key})
        self._relabel([key])
        self.notify_selection()

    def _relabel(self, keys: list[str] | None) -> None:
        for tree in self.query(LazyTree):
            tree.relabel(keys)

    def notify_selection(self) -> None:
        count = len(self.view.selected)
        self.query_one(Summary).border_subtitle = f"{count} selected" if count else ""

    def action_toggle_select(self) -> None:
        entry = self.highlighted_entry()
        if entry is not None and entry.kind is Kind.FILE:
            self._toggle(entry.key)

    def action_select_missing(self) -> None:
        keys, where = self._uploadable_here()
        if not keys:
            self.tell(f"Nothing missing or changed {where}.")
            return
        self.view.selected.update(keys)
        self._relabel(None)
        self.notify_selection()
        self.tell(f"Selected {len(keys)} missing or changed file(s) {where}.")

    def _uploadable_here(self) -> tuple[list[str], str]:
        view = self.view
        if isinstance(self.focused, Dashboard):
            found, category = self.query_one(Dashboard).highlighted_category()
            if found:
                name = category.name if category else "uncategorised"
                return view.uploadable(category), f"in {name}"
        entry = self.highlighted_entry()
        if entry is None or entry.key == "":
            return view.uploadable(everywhere=True), "anywhere"
        if entry.kind is Kind.DIR:
            everywhere = view.uploadable(everywhere=True)
            return [k for k in everywhere if k.startswith(entry.key)], f"under {entry.key}"
        category = view.layout.category_of(entry.key)
        name = category.name if category else "uncategorised"
        return view.uploadable(category), f"in {name}"
