"""The library's media at a glance: per category facts known, total duration, usual size and
problems by kind; the cached facts gathered with no read, the others read once."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import r2tui.media_cache as media_cache
from r2tui.layout import default_layout
from r2tui.media_cache import MediaCache
from r2tui.media_overview import gather
from r2tui.media_problems import ProblemKind
from r2tui.scan import Hasher, scan
from r2tui.state import StateStore
from tests.support.files import write
from tests.support.media import HEIGHT, WIDTH, Media

FILES = {  # key -> which generated content
    "videos/intros/a.mp4": "good", "videos/intros/b.mp4": "good",
    "videos/intros/c.mp4": "good", "videos/intros/odd.mp4": "odd",
    "videos/intros/cut.mp4": "truncated", "videos/closing/slow.mp4": "slow",
    "photos/quotes/card.png": "card", "photos/quotes/named wrong.jpg": "card",
    "service/notes.txt": None,
}


@pytest.fixture
def store(tmp_path: Path, media: Media) -> Iterator[StateStore]:
    """The state of a library of FILES in ``tmp_path / "lib"``."""
    for key, content in FILES.items():
        write(tmp_path / "lib", key, getattr(media, content) if content else b"not media")
    opened = StateStore(tmp_path / "state")
    yield opened
    opened.close()


@pytest.fixture
def hasher(store: StateStore) -> Hasher:
    return Hasher(store)


@pytest.fixture
def cache(store: StateStore, hasher: Hasher) -> MediaCache:
    return MediaCache(store, hasher)


def test_each_category_gets_its_duration_usual_size_and_problems(
    cache: MediaCache, tmp_path: Path
) -> None:
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


def test_gathering_reads_nothing_until_asked_and_each_content_once(
    cache: MediaCache, hasher: Hasher, tmp_path: Path
) -> None:
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


def test_a_file_changed_after_the_scan_is_unreadable_and_nothing_is_cached(
    cache: MediaCache, hasher: Hasher, tmp_path: Path
) -> None:
    local = scan(tmp_path / "lib")
    changed = local.files["videos/intros/a.mp4"]
    hasher.digests(changed)  # hashed as scanned: the hash cache matches the scan...
    os.utime(changed.path, ns=(changed.mtime_ns + 10**9, changed.mtime_ns + 10**9))
    # ...and the file changes before its facts are read

    overview = gather(cache, local, default_layout(), read=True)

    assert overview.unreadable == {changed.key: "changed while it was being read"}
    assert (overview.known, overview.unread) == (7, 0)  # unreadable is not "still to read"
    fresh = scan(tmp_path / "lib").files[changed.key]
    assert gather(cache, scan(tmp_path / "lib"), default_layout()).known == 7
    assert cache.known(fresh) is None  # nothing was cached under the scan's stale digests


def test_a_cancelled_gathering_starts_no_read(cache: MediaCache, tmp_path: Path) -> None:
    overview = gather(cache, scan(tmp_path / "lib"), default_layout(), read=True,
                      cancelled=lambda: True)

    assert (cache.read, overview.known, overview.unread) == (0, 0, 8)


def test_twins_asked_for_at_once_are_read_once(
    cache: MediaCache, hasher: Hasher, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = scan(tmp_path / "lib").files
    first, twin = files["videos/intros/a.mp4"], files["videos/intros/b.mp4"]
    entered, release = threading.Event(), threading.Event()
    real = media_cache.read_facts

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        assert release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(media_cache, "read_facts", held)
    with ThreadPoolExecutor(2) as pool:
        one = pool.submit(cache.local, first)
        assert entered.wait(10)
        other = pool.submit(cache.local, twin)
        sha256 = hasher.digests(first).sha256
        while cache._contents.get(sha256, (None, 0))[1] < 2:  # the twin waits on the lock
            time.sleep(0.001)
        release.set()
        assert one.result() == other.result()
    assert cache.read == 1
