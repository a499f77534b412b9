"""The library's media at a glance: per category facts known, total duration, usual size and
problems by kind; the cached facts gathered with no read, the others read once."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2tui.layout import default_layout
from r2tui.media_cache import MediaCache
from r2tui.media_overview import gather
from r2tui.media_problems import ProblemKind
from r2tui.scan import Hasher, scan
from r2tui.state import StateStore
from tests.support.media import HEIGHT, WIDTH, Media

FILES = {  # key -> which generated content
    "videos/intros/a.mp4": "good", "videos/intros/b.mp4": "good",
    "videos/intros/c.mp4": "good", "videos/intros/odd.mp4": "odd",
    "videos/intros/cut.mp4": "truncated", "videos/closing/slow.mp4": "slow",
    "photos/quotes/card.png": "card", "photos/quotes/named wrong.jpg": "card",
    "service/notes.txt": None,
}


def _library(root: Path, media: Media) -> None:
    for key, content in FILES.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(getattr(media, content) if content else b"not media")


def test_each_category_gets_its_duration_usual_size_and_problems(
    media: Media, tmp_path: Path
) -> None:
    _library(tmp_path / "lib", media)
    store = StateStore(tmp_path / "state")
    cache = MediaCache(store, Hasher(store))
    layout = default_layout()

    overview = gather(cache, scan(tmp_path / "lib"), layout, read=True)

    assert (overview.files, overview.known, overview.unread) == (8, 8, 0)
    intros = overview.categories[layout.category_of("videos/intros/a.mp4").id]
    assert (intros.files, intros.known, intros.with_problems) == (5, 5, 2)
    assert intros.usual == (WIDTH, HEIGHT)
    assert intros.duration == pytest.approx(5.0, abs=0.3)  # a second each, the cut one's claim
    assert dict(intros.kinds) == {ProblemKind.TRUNCATED: 1, ProblemKind.RESOLUTION_OUTLIER: 1}
    quotes = overview.categories[layout.category_of("photos/quotes/card.png").id]
    assert (quotes.duration, quotes.usual) == (0.0, None)  # two cards: too few for a usual size
    assert {k: {p.kind for p in ps} for k, ps in overview.problems.items()} == {
        "videos/intros/odd.mp4": {ProblemKind.RESOLUTION_OUTLIER},
        "videos/intros/cut.mp4": {ProblemKind.TRUNCATED},
        "videos/closing/slow.mp4": {ProblemKind.NOT_FASTSTART},
        "photos/quotes/named wrong.jpg": {ProblemKind.EXTENSION_MISMATCH},
    }
    store.close()


def test_gathering_reads_nothing_until_asked_and_each_content_once(
    media: Media, tmp_path: Path
) -> None:
    _library(tmp_path / "lib", media)
    store = StateStore(tmp_path / "state")
    hasher = Hasher(store)
    cache = MediaCache(store, hasher)
    layout = default_layout()
    seen: list[tuple[int, int]] = []

    cold = gather(cache, scan(tmp_path / "lib"), layout)
    assert (cold.known, cold.unread, cache.read, hasher.hashed) == (0, 8, 0, 0)
    assert not cold.problems

    read = gather(cache, scan(tmp_path / "lib"), layout, read=True,
                  progress=lambda done, total: seen.append((done, total)))
    assert read.unread == 0 and seen[-1] == (8, 8)
    assert cache.read == 5  # a, b and c are one content, and so are the two cards

    warm = gather(cache, scan(tmp_path / "lib"), layout)
    assert (warm.known, cache.read) == (8, 5) and warm.problems == read.problems
    store.close()
