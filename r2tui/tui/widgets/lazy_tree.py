"""A tree whose folders are listed on expand, a page at a time, in a thread worker.

The shape of Textual's DirectoryTree: each node carries an Entry with a ``loaded`` flag and a
cache of what was fetched, so the problems-only view re-renders without I/O. The filter is a
search mode: every key is listed once in the background into a KeyIndex, and the matches from
anywhere in the library are shown grouped by folder, capped, with a note of how many more.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState, get_current_worker

from r2tui.formatting import size as human_size
from r2tui.tui.format import badge, literal, state_mark
from r2tui.tui.messages import ReportsWorkerErrors
from r2tui.tui.search import KeyIndex, Matches
from r2tui.tui.view import ViewState, parent_of

PAGE = 1000
RESEARCH_EVERY = 0.3  # seconds: while the index grows, search again at most this often
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


class LazyTree(ReportsWorkerErrors, Tree[Entry]):
    """Subclasses say how to fetch one page of a folder and every key; this class does the rest."""

    BINDINGS = [
        Binding("space", "toggle_select", "Select", id="select"),
        Binding("enter", "select_cursor", "Open", show=False, id="open"),
    ]

    @dataclass
    class LevelLoaded(Message):
        node: TreeNode[Entry]
        token: str | None
        page: Page

    @dataclass
    class LevelFailed(Message):
        node: TreeNode[Entry]
        token: str | None

    @dataclass
    class IndexGrew(Message):
        """More keys are in the filter's index; only the latest one matters."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LazyTree.IndexGrew)

    @dataclass
    class Matched(Message):
        matches: Matches

    @dataclass
    class SelectionToggled(Message):
        key: str

    def __init__(self, label: str, view: ViewState, *, id: str | None = None) -> None:
        super().__init__(literal(label), data=Entry(Kind.DIR, ""), id=id)
        self.view = view
        self.root_name = label
        self.show_root = True
        self.guide_depth = 3
        self._by_key: dict[str, TreeNode[Entry]] = {}
        self.needle = ""
        self.index = KeyIndex()
        self._indexer: Worker[None] | None = None
        self._searched_at = 0.0

    def fetch(self, prefix: str, token: str | None) -> Page:
        """One page of the folder ``prefix``; runs in a thread worker."""
        raise NotImplementedError

    def key_pages(self) -> Iterator[KeyPage]:
        """Every key with its size, a page at a time, for the filter; runs in a thread worker."""
        raise NotImplementedError

    def extra_entries(self, entry: Entry) -> list[Entry]:
        """Entries to show after a folder's listing (the bucket tree's missing ghosts)."""
        return []

    def extra_keys(self) -> KeyPage:
        """Keys the filter should find although they are not listed (missing ones)."""
        return []

    def adopt_dir(self, key: str) -> Entry:
        """The entry of a listed folder (the bucket tree reuses its ghost's, state and all)."""
        return Entry(Kind.DIR, key)

    def on_mount(self) -> None:
        self.relist()

    def relist(self) -> None:
        """Forget everything listed (the filter's index too) and list the root again."""
        self.root.remove_children()
        self.root.data = Entry(Kind.DIR, "", expanded=True)
        self._by_key = {"": self.root}
        if self._indexer is not None:
            self._indexer.cancel()
            self._indexer = None
        self.index = KeyIndex()
        self.root.expand()  # its NodeExpanded lists the root
        if self.needle:
            self.set_filter(self.needle)

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

    def on_lazy_tree_level_loaded(self, message: LevelLoaded) -> None:
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

    def on_lazy_tree_level_failed(self, message: LevelFailed) -> None:
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

    def rerender(self) -> None:
        """Re-apply the problems-only view (and the filter's search) after a change."""
        if self.needle:
            self._search()
        elif self.root.data is not None and self.root.data.loaded:
            self.render_children(self.root)

    # --- the filter ------------------------------------------------------------------------

    def set_filter(self, needle: str) -> None:
        """Show the keys containing ``needle`` from anywhere; an empty needle ends the search."""
        self.needle = needle
        if not needle:
            self.workers.cancel_group(self, f"search:{self.id}")
            self.rerender()
            return
        if self._indexer is None:
            self._indexer = self.run_worker(self._build_index, thread=True, exit_on_error=False,
                                            group=f"index:{self.id}")
        self._search()

    def _build_index(self) -> None:
        index, worker = self.index, get_current_worker()
        for page in self.key_pages():
            if worker.is_cancelled:
                return
            index.add(page)
            self.post_message(self.IndexGrew())
        index.complete = True
        self.post_message(self.IndexGrew())

    def on_lazy_tree_index_grew(self, message: IndexGrew) -> None:
        message.stop()
        due = time.monotonic() - self._searched_at >= RESEARCH_EVERY
        if self.needle and (due or self.index.complete):
            self._search()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        super().on_worker_state_changed(event)
        if event.worker is self._indexer and event.state is WorkerState.ERROR:
            self._indexer = None  # the next keystroke in the filter lists again

    def _search(self) -> None:
        self._searched_at = time.monotonic()
        self.run_worker(partial(self._find, self.index, self.needle, self.extra_keys()),
                        thread=True, exclusive=True, exit_on_error=False,
                        group=f"search:{self.id}")

    def _find(self, index: KeyIndex, needle: str, extra: KeyPage) -> None:
        matches = index.search(needle, extra)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Matched(matches))

    def on_lazy_tree_matched(self, message: Matched) -> None:
        message.stop()
        if message.matches.needle == self.needle:
            self.show_matches(message.matches)

    def show_matches(self, matches: Matches) -> None:
        """The matches grouped by folder, every folder open, and a note of what is not shown."""
        root = self.root
        assert root.data is not None
        root.remove_children()
        self._by_key = {"": root}
        note = f"  {matches.total:,} match{'es' if matches.total != 1 else ''}"
        label = Text.assemble(self.label_of(root.data), (note, "bold cyan"))
        if not matches.complete:
            label.append(f" (listing… {len(self.index):,} keys so far)", style="dim italic")
        root.set_label(label)
        folders: dict[str, TreeNode[Entry]] = {"": root}
        for key, size in matches.found:
            if not self.view.shows_file(key):
                continue
            folder = parent_of(key)
            if folder not in folders:
                entry = Entry(Kind.DIR, folder, loaded=True, expanded=True)
                folders[folder] = root.add(self.label_of(entry), entry, expand=True)
                self._by_key[folder] = folders[folder]
            entry = Entry(Kind.FILE, key, size, in_bucket=key in self.index)
            self._by_key[key] = folders[folder].add_leaf(self.label_of(entry), entry)
        if matches.more:
            root.add_leaf(Text(f"… {matches.more:,} more: type more of the key to narrow",
                               style="italic dim"))

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
        text.append_text(literal(entry.name, style="" if entry.in_bucket else "dim"))
        if entry.size is not None:
            text.append(f"  {human_size(entry.size)}", style="dim")
        state = self.view.state_of(entry.key)
        if state is not None:
            text.append("  ").append_text(state_mark(state))
        elif self.view.layout.category_of(entry.key) is None:
            text.append("  uncategorised", style="magenta")
        return text

    def dir_label(self, entry: Entry) -> Text:
        name = entry.key if self.needle else f"{entry.name}/"  # a search shows whole paths
        text = literal(name if entry.key else self.root_name,
                       style="bold" if entry.in_bucket else "dim")
        category = self.view.layout.category_of_prefix(entry.key)
        report = self.view.category_report(category) if category is not None else None
        if report is not None and self.view.report is not None:
            if entry.key == "":
                text.append_text(literal(f"  {category.name}: " if category else "  ", "dim"))
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
