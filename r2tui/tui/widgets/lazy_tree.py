"""A tree whose folders are listed on expand, a page at a time, in a thread worker.

The shape of Textual's DirectoryTree: each node carries an Entry with a ``loaded`` flag and a
cache of what was fetched, so the filter and the problems-only view re-render without I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from r2tui.status_text import size as human_size
from r2tui.tui.format import badge, state_mark
from r2tui.tui.messages import ReportsWorkerErrors
from r2tui.tui.view import ViewState

PAGE = 1000


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


class LazyTree(ReportsWorkerErrors, Tree[Entry]):
    """Subclasses say how to fetch one page of a folder; this class does the rest."""

    BINDINGS = [
        Binding("space", "toggle_select", "Select", id="select"),
        Binding("enter", "select_cursor", "Open", show=False, id="open"),
    ]

    @dataclass
    class LevelLoaded(Message):
        tree: LazyTree
        node: TreeNode[Entry]
        token: str | None
        page: Page

    @dataclass
    class SelectionToggled(Message):
        key: str

    def __init__(self, label: str, view: ViewState, *, id: str | None = None) -> None:
        super().__init__(label, data=Entry(Kind.DIR, ""), id=id)
        self.view = view
        self.root_name = label
        self.show_root = True
        self.guide_depth = 3
        self._by_key: dict[str, TreeNode[Entry]] = {}

    def fetch(self, prefix: str, token: str | None) -> Page:
        """One page of the folder ``prefix``; runs in a thread worker."""
        raise NotImplementedError

    def extra_entries(self, entry: Entry) -> list[Entry]:
        """Entries to show after a folder's listing (the bucket tree's missing ghosts)."""
        return []

    def on_mount(self) -> None:
        self.relist()

    def relist(self) -> None:
        """Forget everything listed and list the root again."""
        self.root.remove_children()
        self.root.data = Entry(Kind.DIR, "", expanded=True)
        self._by_key = {"": self.root}
        self.root.expand()
        self.load(self.root)

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
        page = self.fetch(node.data.key, token)
        if not get_current_worker().is_cancelled:
            self.post_message(self.LevelLoaded(self, node, token, page))

    def on_lazy_tree_level_loaded(self, message: LevelLoaded) -> None:
        if message.tree is not self:
            return
        message.stop()
        entry = message.node.data
        assert entry is not None
        if message.token is None:
            entry.children = []
        entry.children += [Entry(Kind.DIR, d) for d in message.page.dirs]
        entry.children += [Entry(Kind.FILE, k, size) for k, size in message.page.files]
        entry.next_token = message.page.next_token
        entry.loaded = True
        self.render_children(message.node)

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

    def rerender(self) -> None:
        """Re-apply the filter and the problems-only view to every listed folder."""
        if self.root.data is not None and self.root.data.loaded:
            self.render_children(self.root)

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

    def label_of(self, entry: Entry) -> Text:
        if entry.kind is Kind.DIR:
            return self.dir_label(entry)
        mark = "● " if entry.key in self.view.selected else "  "
        text = Text(mark, style="bold cyan")
        text.append(entry.name, style="" if entry.in_bucket else "dim")
        if entry.size is not None:
            text.append(f"  {human_size(entry.size)}", style="dim")
        state = self.view.state_of(entry.key)
        if state is not None:
            text.append("  ").append_text(state_mark(state))
        elif self.view.layout.category_of(entry.key) is None:
            text.append("  uncategorised", style="magenta")
        return text

    def dir_label(self, entry: Entry) -> Text:
        text = Text(f"{entry.name}/" if entry.key else self.root_name,
                    style="bold" if entry.in_bucket else "dim")
        category = self.view.layout.category_of_prefix(entry.key)
        report = self.view.category_report(category) if category is not None else None
        if report is not None and self.view.report is not None:
            if entry.key == "":
                text.append(f"  {category.name}: " if category else "  ", style="dim")
            else:
                text.append("  ")
            text.append_text(badge(report, self.view.report.has_local))
        elif entry.key and self.view.is_uncategorised_dir(entry.key):
            text.append("  uncategorised", style="magenta")
        return text

    def action_toggle_select(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None:
            if node.data.kind is Kind.FILE:
                self.post_message(self.SelectionToggled(node.data.key))
            elif node.data.kind is Kind.DIR:
                node.toggle()

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
