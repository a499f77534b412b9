"""The media part of the details pane: what a video or an image is (duration, resolution, codec,
fast-start, problems) and, for a local video, a thumbnail from about 10 % in.

The facts come from the core's MediaCache in a thread worker: the local twin if there is one,
else ranged GETs of the object's header; each content is read once (cached by SHA-256).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL.Image import Image as PILImage
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker
from textual_image.widget import Image

from r2tui.formatting import media_rows
from r2tui.library import Library
from r2tui.media import MediaFacts
from r2tui.media_frames import frame_at
from r2tui.media_problems import MediaProblem, ProblemKind, problems_of
from r2tui.scan import LocalFile
from r2tui.storage import storage_errors
from r2tui.tui.format import literal

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".webm", ".mkv")
MEDIA_SUFFIXES = (*VIDEO_SUFFIXES, ".png", ".jpg", ".jpeg", ".webp", ".gif")


class MediaPane(Vertical):
    @dataclass
    class FactsLoaded(Message):
        key: str
        facts: MediaFacts | None
        error: str | None = None

    @dataclass
    class ThumbnailLoaded(Message):
        key: str
        image: PILImage

    def __init__(self, library: Library) -> None:
        super().__init__(id="media")
        self.library = library
        self.key: str | None = None
        self._outliers: tuple[MediaProblem, ...] = ()
        self._loaded: MediaPane.FactsLoaded | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="media-text", markup=False)
        yield Image(id="thumbnail")

    def clear(self) -> None:
        self.key = None
        self._loaded = None
        self.display = False
        self.query_one("#thumbnail", Image).image = None
        self.query_one("#thumbnail", Image).display = False

    def show_for(self, key: str, path: Path | None, sha256: str | None, in_bucket: bool,
                 known: tuple[MediaProblem, ...] = ()) -> None:
        """Read the facts of ``key`` (its local file ``path`` first) unless it is no media.

        ``known``: the problems the library's overview found, of which those judged against
        the category (an odd size) are shown too; the others come from the facts read here.
        """
        self.clear()
        self._outliers = _outliers(known)
        if not key.lower().endswith(MEDIA_SUFFIXES) or (path is None and not in_bucket):
            return
        self.key = key
        self._load(key, path, sha256)

    @work(thread=True, exclusive=True, exit_on_error=False, group="media")
    def _load(self, key: str, path: Path | None, sha256: str | None) -> None:
        worker = get_current_worker()
        media = self.library.media
        try:
            if path is not None:
                st = path.stat()
                facts = media.local(LocalFile(key, path, st.st_size, st.st_mtime_ns))
            else:
                settings = self.library.settings
                with storage_errors(settings, key=key):
                    facts = media.remote(self.library.client, settings.bucket, key,
                                         sha256=sha256)
        except OSError as exc:
            self.post_message(self.FactsLoaded(key, None, exc.strerror or str(exc)))
            return
        if worker.is_cancelled:
            return
        self.post_message(self.FactsLoaded(key, facts))
        if path is not None and key.lower().endswith(VIDEO_SUFFIXES) and not facts.corrupt:
            image = frame_at(path)
            if image is not None and not worker.is_cancelled:
                self.post_message(self.ThumbnailLoaded(key, image))

    def known_changed(self, known: tuple[MediaProblem, ...]) -> None:
        """The library's overview changed: show the odd size it found (or no longer finds)."""
        self._outliers = _outliers(known)
        if self._loaded is not None and self._loaded.key == self.key:
            self.query_one("#media-text", Static).update(facts_table(self._loaded,
                                                                     self._outliers))

    def on_media_pane_facts_loaded(self, message: FactsLoaded) -> None:
        message.stop()
        if message.key != self.key:
            return
        self._loaded = message
        self.display = True
        self.query_one("#media-text", Static).update(facts_table(message, self._outliers))

    def on_media_pane_thumbnail_loaded(self, message: ThumbnailLoaded) -> None:
        message.stop()
        if message.key == self.key:
            thumbnail = self.query_one("#thumbnail", Image)
            thumbnail.image = message.image
            thumbnail.display = True


def _outliers(known: tuple[MediaProblem, ...]) -> tuple[MediaProblem, ...]:
    """Of the overview's problems, those judged against the category (an odd size)."""
    return tuple(p for p in known if p.kind is ProblemKind.RESOLUTION_OUTLIER)


def facts_table(loaded: MediaPane.FactsLoaded, outliers: tuple[MediaProblem, ...] = ()) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    if loaded.facts is None:
        grid.add_row("media", literal(f"cannot read: {loaded.error}", "red"))
        return grid
    for label, value in media_rows(loaded.facts):
        grid.add_row(label, literal(value))
    for problem in [*problems_of(loaded.key, loaded.facts), *outliers]:
        grid.add_row(Text("problem", style="bold red"),
                     literal(f"{problem.kind.value}: {problem.detail}", "red"))
    return grid
