"""The listing part of a LazyTree: a folder is listed when it is opened, a page at a time, in a
thread worker, and its entries are cached so that re-renders (the problems-only view, a ghost
that landed) need no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from r2tui.tui.widgets.tree_entries import Entry, Kind, Page
from r2tui.tui.widgets.tree_nodes import KeyedTree


class TreeListing(KeyedTree):
    """Subclasses say how to fetch one page of a folder (and may add entries to a listing)."""

    @dataclass
    class LevelLoaded(Message):
        node: TreeNode[Entry]
        token: str | None
        page: Page

    @dataclass
    class LevelFailed(Message):
        node: TreeNode[Entry]
        token: str | None

    def fetch(self, prefix: str, token: str | None) -> Page:
        """One page of the folder ``prefix``; runs in a thread worker."""
        raise NotImplementedError

    def extra_entries(self, entry: Entry) -> list[Entry]:
        """Entries to show after a folder's listing (the bucket tree's missing ghosts)."""
        return []

    def adopt_dir(self, key: str) -> Entry:
        """The entry of a listed folder (the bucket tree reuses its ghost's, state and all)."""
        return Entry(Kind.DIR, key)

    def on_mount(self) -> None:
        self.relist()

    def relist(self) -> None:
        """Forget everything listed and list the root again."""
        self.root.remove_children()
        self.root.data = Entry(Kind.DIR, "", expanded=True)
        self._by_key = {"": self.root}
        self.root.expand()  # its NodeExpanded lists the root

    def load(self, node: TreeNode[Entry], token: str | None = None) -> None:
        entry = node.data
        assert entry is not None
        if token is None:
            node.set_label(Text.assemble(self.label_of(entry), (" loading…", "dim italic")))
        self.run_worker(
            partial(self._fetch_page, node, token),
            thread=True,
            exclusive=True,  # per folder: the newest listing of it wins
            group=f"level:{self.id}:{entry.key}",
            exit_on_error=False,
        )

    def _fetch_page(self, node: TreeNode[Entry], token: str | None) -> None:
        assert node.data is not None
        try:
            page = self.fetch(node.data.key, token)
        except Exception:
            self.post_message(self.LevelFailed(node, token))
            raise  # the app's error routing says what went wrong
        if not get_current_worker().is_cancelled:
            self.post_message(self.LevelLoaded(node, token, page))

    def _shown(self, entry: Entry) -> TreeNode[Entry] | None:
        """The node showing ``entry`` now (re-renders replace nodes; searches hide them)."""
        node = None if self.needle else self._by_key.get(entry.key)
        return node if node is not None and node.data is entry else None

    def on_tree_listing_level_loaded(self, message: LevelLoaded) -> None:
        message.stop()
        entry = message.node.data
        assert entry is not None
        if message.token is not None and message.token != entry.next_token:
            return  # that page was taken already (a double "load more")
        if message.token is None:
            entry.children = []
        known = {child.key for child in entry.children}
        entry.children += [self.adopt_dir(d) for d in message.page.dirs if d not in known]
        entry.children += [
            Entry(Kind.FILE, k, size) for k, size in message.page.files if k not in known
        ]
        entry.next_token = message.page.next_token
        entry.loaded = True
        node = self._shown(entry)
        if node is not None:
            self.render_children(node)

    def on_tree_listing_level_failed(self, message: LevelFailed) -> None:
        message.stop()
        entry = message.node.data
        assert entry is not None
        node = self._shown(entry)
        if node is None:
            return
        if message.token is None:
            failed = Text("  ✗ not listed (r retries)", style="bold red")
            node.set_label(Text.assemble(self.label_of(entry), failed))
        else:
            self.render_children(node)  # the "… load more" line comes back

    def render_children(self, node: TreeNode[Entry]) -> None:
        """(Re)build a listed folder's nodes, and those of its expanded listed sub-folders."""
        entry = node.data
        assert entry is not None
        for key in [k for k in self._by_key if k.startswith(entry.key) and k != entry.key]:
            del self._by_key[key]
        node.remove_children()
        node.set_label(self.label_of(entry))
        extra = self.extra_entries(entry)
        dirs = sorted((c for c in [*entry.children, *extra] if c.kind is Kind.DIR),
                      key=lambda c: c.key)
        files = [c for c in [*entry.children, *extra] if c.kind is Kind.FILE]
        for child in [*dirs, *files]:
            if child.kind is Kind.DIR and self.view.shows_dir(child.key):
                expand = child.expanded and child.loaded
                added = node.add(self.label_of(child), child, expand=expand)
                self._by_key[child.key] = added
                if expand:
                    self.render_children(added)
            elif child.kind is Kind.FILE and self.view.shows_file(child.key):
                self._by_key[child.key] = node.add_leaf(self.label_of(child), child)
        if entry.next_token:
            more = Entry(Kind.MORE, entry.key, token=entry.next_token)
            node.add_leaf(Text("… load more", style="italic cyan"), more)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Entry]) -> None:
        entry = event.node.data
        if entry is None or entry.kind is not Kind.DIR:
            return
        entry.expanded = True
        if not entry.loaded:
            self.load(event.node)
        elif not event.node.children:
            self.render_children(event.node)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[Entry]) -> None:
        if event.node.data is not None:
            event.node.data.expanded = False

    def on_tree_node_selected(self, event: Tree.NodeSelected[Entry]) -> None:
        entry = event.node.data
        parent = event.node.parent
        if entry is not None and entry.kind is Kind.MORE and parent is not None:
            event.node.set_label(Text("… loading", style="italic dim"))
            self.load(parent, entry.token)
