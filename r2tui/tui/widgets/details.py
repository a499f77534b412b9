"""The details pane: the highlighted object's metadata, twin status and an image preview."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker
from textual_image.widget import Image

from r2tui.compare import State
from r2tui.errors import NotFoundError
from r2tui.formatting import size
from r2tui.inventory import ObjectDetails
from r2tui.keys import library_path
from r2tui.library import Library
from r2tui.storage import storage_errors
from r2tui.tui.format import badge, literal
from r2tui.tui.messages import ReportsWorkerErrors
from r2tui.tui.preview import (
    IMAGE_SUFFIXES,
    PREVIEW_MAX_BYTES,
    Preview,
    decode,
    read_local,
    too_big,
)
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.media_pane import MediaPane
from r2tui.tui.widgets.tree_entries import Entry, Kind
from r2tui.tui.widgets.tree_labels import rollup

TWIN_TEXT = {
    State.MISSING: ("local only: not in the bucket yet", "bold red"),
    State.CHANGED: ("differs from the bucket (changed)", "bold yellow"),
    State.UNVERIFIED: ("same size, identity unverified", "dim"),
}


class Details(ReportsWorkerErrors, VerticalScroll):
    @dataclass
    class DetailsLoaded(Message):
        key: str
        details: ObjectDetails | None
        local_size: int | None

    @dataclass
    class PreviewLoaded(Message):
        key: str
        preview: Preview

    def __init__(self, library: Library, view: ViewState) -> None:
        super().__init__(id="details")
        self.library = library
        self.view = view
        self.border_title = "Details"
        self.key: str | None = None
        self.folder = ""

    def compose(self) -> ComposeResult:
        yield Static(id="details-text")
        yield MediaPane(self.library)
        yield Static(id="preview-note")
        yield Image(id="preview")

    def on_mount(self) -> None:
        self.show_folder("")

    def show_entry(self, entry: Entry) -> None:
        if entry.kind is Kind.DIR:
            self.show_folder(entry.key)
        elif entry.kind is Kind.FILE:
            self.show_object(entry.key, entry.in_bucket)

    def show_folder(self, prefix: str) -> None:
        self.key = None
        self.folder = prefix
        self._clear_preview()
        grid = _grid()
        grid.add_row("folder", literal(prefix or f"{self.library.settings.bucket} (bucket root)"))
        category = self.view.layout.category_of_prefix(prefix)
        report = self.view.category_report(category) if category else None
        if category is not None and report is not None and self.view.report is not None:
            grid.add_row("category", literal(category.name))
            grid.add_row("counts", badge(report, self.view.report.has_local))
            grid.add_row("access", _access(category.is_public))
        elif prefix and (rolled := rollup(self.view, prefix)) is not None:
            names = ", ".join(c.name for c in self.view.categories_below(prefix))
            grid.add_row("categories", literal(names))
            grid.add_row("counts", rolled)
        elif prefix and self.view.is_uncategorised_dir(prefix):
            grid.add_row("category", Text("uncategorised", style="magenta"))
        self.query_one("#details-text", Static).update(grid)

    def media_changed(self) -> None:
        """The media overview changed: the highlighted file's odd size may have."""
        if self.key is not None:
            self.query_one(MediaPane).known_changed(self.view.media_problems(self.key))

    def counts_changed(self) -> None:
        if self.key is None:
            self.show_folder(self.folder)

    def show_object(self, key: str, in_bucket: bool) -> None:
        self.key = key
        self._clear_preview()
        self._show_details(key, None, None, loading=True)
        self._load(key, in_bucket)

    @work(thread=True, exclusive=True, exit_on_error=False, group="details")
    def _load(self, key: str, in_bucket: bool) -> None:
        time.sleep(0.1)  # the cursor may still be moving: HEAD only where it stops
        worker = get_current_worker()
        if worker.is_cancelled:
            return
        details = None
        if in_bucket:
            try:
                details = self.library.head(key)
            except NotFoundError:
                details = None
        path = library_path(self.library.local_root, key)
        local_size = path.stat().st_size if path is not None else None
        self.post_message(self.DetailsLoaded(key, details, local_size))
        if self._previewable(key) and not worker.is_cancelled:
            known = local_size if path is not None else details.size if details else None
            preview = self._preview(key, path, known)
            if preview is not None and not worker.is_cancelled:
                self.post_message(self.PreviewLoaded(key, preview))

    def _previewable(self, key: str) -> bool:
        category = self.view.layout.category_of(key)
        return bool(category and category.is_previewable
                    and key.lower().endswith(IMAGE_SUFFIXES))

    def _preview(self, key: str, path: Path | None, known_size: int | None) -> Preview | None:
        """The library's file if it has one, else the object; nothing over the limit is read."""
        if known_size is None:
            return None
        refused = too_big(known_size)
        if refused is not None:
            return refused
        data = read_local(path) if path is not None else self._fetch(key)
        return decode(data) if data else None

    def _fetch(self, key: str) -> bytes | None:
        """The object, known to be no bigger than a preview reads (the Range makes sure)."""
        with storage_errors(self.library.settings, key=key):
            response = self.library.client.get_object(
                Bucket=self.library.settings.bucket, Key=key,
                Range=f"bytes=0-{PREVIEW_MAX_BYTES - 1}",
            )
            return bytes(response["Body"].read())

    def on_details_details_loaded(self, message: DetailsLoaded) -> None:
        if message.key == self.key:
            self._show_details(message.key, message.details, message.local_size, loading=False)
            path = library_path(self.library.local_root, message.key)
            details = message.details
            self.query_one(MediaPane).show_for(
                message.key, path if message.local_size is not None else None,
                details.sha256 if details else None, details is not None,
                self.view.media_problems(message.key))

    def on_details_preview_loaded(self, message: PreviewLoaded) -> None:
        if message.key != self.key:
            return
        note = self.query_one("#preview-note", Static)
        note.update(literal(message.preview.note, "dim italic"))
        note.display = bool(message.preview.note)
        if message.preview.image is not None:
            preview = self.query_one("#preview", Image)
            preview.image = message.preview.image
            preview.display = True

    def _clear_preview(self) -> None:
        self.query_one(MediaPane).clear()
        preview = self.query_one("#preview", Image)
        preview.image = None
        preview.display = False
        self.query_one("#preview-note", Static).display = False

    def _show_details(
        self, key: str, details: ObjectDetails | None, local_size: int | None, *, loading: bool
    ) -> None:
        grid = _grid()
        grid.add_row("key", literal(key))
        category = self.view.layout.category_of(key)
        grid.add_row("category", literal(category.name) if category
                     else Text("uncategorised", "magenta"))
        grid.add_row("access", _access(category is not None and category.is_public))
        if loading:
            grid.add_row("bucket", Text("loading…", style="dim italic"))
        elif details is None:
            grid.add_row("bucket", Text("not in the bucket", style="bold red"))
        else:
            _object_rows(grid, details)
        grid.add_row("local twin", self._twin(key, local_size, loading))
        self.query_one("#details-text", Static).update(grid)

    def _twin(self, key: str, local_size: int | None, loading: bool) -> Text:
        if self.library.local_root is None:
            return Text("no local library", style="dim")
        state = self.view.state_of(key)
        if state in TWIN_TEXT:
            return Text(*TWIN_TEXT[state])
        if state is State.EXTRA:
            return Text("none: not in the local library (d downloads it)", style="magenta")
        if loading:
            return Text("…", style="dim")
        if local_size is None:
            return Text("none", style="dim")
        return Text(f"in sync ({size(local_size)})", style="green")


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold dim", no_wrap=True)
    grid.add_column(overflow="fold")
    return grid


def _access(public: bool) -> Text:
    if public:
        return Text("public allowed (and signed)", style="green")
    return Text("signed URLs only", style="yellow")


def _object_rows(grid: Table, d: ObjectDetails) -> None:
    modified = d.last_modified.strftime("%Y-%m-%d %H:%M:%S %Z") if d.last_modified else "–"
    grid.add_row("size", Text(f"{size(d.size)} ({d.size:,} bytes)"))
    grid.add_row("modified", Text(modified))
    grid.add_row("content type", literal(d.content_type or "–"))
    grid.add_row("cache-control", literal(d.cache_control or "–"))
    grid.add_row("sha256", literal(d.sha256) if d.sha256 else Text("not recorded", style="dim"))
