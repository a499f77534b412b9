"""The search part of a LazyTree, behind the filter: every key is listed once in the background
into a KeyIndex, searched in a thread as the needle changes, and the matches from anywhere in the
library are shown grouped by folder, capped, with a note of how many more. Built on the listing,
which it hides while a search is on and draws again from its cache when the search ends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.message import Message
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState, get_current_worker

from r2tui.tui.search import KeyIndex, Matches
from r2tui.tui.view import ViewState, parent_of
from r2tui.tui.widgets.tree_entries import Entry, KeyPage, Kind
from r2tui.tui.widgets.tree_listing import TreeListing

RESEARCH_EVERY = 0.3  # seconds: while the index grows, search again at most this often


class TreeSearch(TreeListing):
    """Subclasses say how to list every key (and which keys to find although not listed)."""

    @dataclass
    class IndexGrew(Message):
        """More keys are in the filter's index; only the latest one matters."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, TreeSearch.IndexGrew)

    @dataclass
    class Matched(Message):
        matches: Matches

    def __init__(self, label: str, view: ViewState, *, id: str | None = None) -> None:
        super().__init__(label, view, id=id)
        self.index = KeyIndex()
        self._indexer: Worker[None] | None = None
        self._searched_at = 0.0
        self._landing = False  # the cursor goes to the first match once the matches are shown
        self._before_search: str | None = None  # the key under the cursor when a search began

    def key_pages(self) -> Iterator[KeyPage]:
        """Every key with its size, a page at a time, for the filter; runs in a thread worker."""
        raise NotImplementedError

    def extra_keys(self) -> KeyPage:
        """Keys the filter should find although they are not listed (missing ones)."""
        return []

    def relist(self) -> None:
        """List again, the filter's index too (a search in progress searches anew)."""
        if self._indexer is not None:
            self._indexer.cancel()
            self._indexer = None
        self.index = KeyIndex()
        super().relist()
        if self.needle:
            self.set_filter(self.needle)

    def rerender(self) -> None:
        """Re-apply the problems-only view (and the filter's search) after a change."""
        if self.needle:
            self._search()
        elif self.root.data is not None and self.root.data.loaded:
            self.render_children(self.root)

    def set_filter(self, needle: str) -> None:
        """Show the keys containing ``needle`` from anywhere; an empty needle ends the search."""
        if needle and not self.needle:
            node = self.cursor_node
            self._before_search = node.data.key if node is not None and node.data else None
        self.needle = needle
        if not needle:
            self._landing = False
            self.workers.cancel_group(self, f"search:{self.id}")
            self.rerender()
            self.call_after_refresh(self._back_to, self._before_search)
            return
        if self._indexer is None:
            self._indexer = self.run_worker(self._build_index, thread=True, exit_on_error=False,
                                            group=f"index:{self.id}")
        self._search()

    def _back_to(self, key: str | None) -> None:
        """The cursor where it was before the search (the listing is drawn from its cache)."""
        node = self.node_for(key) if key is not None else None
        if node is not None:
            self.move_cursor(node)

    def land_on_match(self) -> None:
        """Put the cursor on the first matching file, now or when the matches arrive."""
        self._landing = True
        if self._match_nodes():
            self.step_match(0)

    def _match_nodes(self) -> list[TreeNode[Entry]]:
        if not self.needle:
            return []
        found: list[TreeNode[Entry]] = []

        def walk(node: TreeNode[Entry]) -> None:
            for child in node.children:
                if child.data is not None and child.data.kind is Kind.FILE:
                    found.append(child)
                walk(child)

        walk(self.root)
        return found

    def step_match(self, step: int) -> None:
        """The cursor to the next (``step`` 1), previous (-1) or first (0) matching file."""
        nodes = self._match_nodes()
        if not nodes:
            return
        self._landing = False
        if step == 0:
            self.move_cursor(nodes[0])
            return
        here = self.cursor_node
        index = nodes.index(here) if here in nodes else (-1 if step > 0 else 0)
        self.move_cursor(nodes[(index + step) % len(nodes)])

    def _build_index(self) -> None:
        index, worker = self.index, get_current_worker()
        for page in self.key_pages():
            if worker.is_cancelled:
                return
            index.add(page)
            self.post_message(self.IndexGrew())
        index.complete = True
        self.post_message(self.IndexGrew())

    def on_tree_search_index_grew(self, message: IndexGrew) -> None:
        message.stop()
        due = time.monotonic() - self._searched_at >= RESEARCH_EVERY
        if self.needle and (due or self.index.complete):
            self._search()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
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

    def on_tree_search_matched(self, message: Matched) -> None:
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
        if self._landing:
            self.call_after_refresh(self.step_match, 0)
