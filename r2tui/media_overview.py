"""The library's media at a glance: per category, how many files have known facts, their total
duration, their usual resolution and how many have a media problem; and the problems by key.

Gathering reads nothing by default: it takes the facts the state store already holds (a file
whose digests and facts are both cached), so it can follow every report. With ``read`` it
reads the files not known yet (each content once; the cache keeps them for next time).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from r2tui.layout import Layout
from r2tui.media import MediaFacts, media_kind
from r2tui.media_cache import READERS, MediaCache
from r2tui.media_problems import (
    MediaProblem,
    ProblemKind,
    judge,
    usual_resolution,
)
from r2tui.scan import LocalFile, LocalLibrary

PROGRESS_STEP = 25  # files read between two progress reports


@dataclass(frozen=True)
class CategoryMedia:
    files: int  # videos and images of the category in the local library
    known: int  # of them, with facts
    duration: float  # seconds, the known videos' total
    usual: tuple[int, int] | None  # the most common width x height of its main kind, if any
    with_problems: int  # files with at least one media problem
    kinds: Mapping[ProblemKind, int] = field(default_factory=dict)  # files with each kind


@dataclass(frozen=True)
class MediaOverview:
    categories: Mapping[str, CategoryMedia]  # by category id
    problems: Mapping[str, tuple[MediaProblem, ...]]  # by key, only keys with a problem
    files: int = 0
    known: int = 0
    unreadable: Mapping[str, str] = field(default_factory=dict)  # key -> why

    @property
    def unread(self) -> int:
        """Media files not read yet (neither known nor found unreadable)."""
        return self.files - self.known - len(self.unreadable)


def summarise(keys: Iterable[str], facts: Mapping[str, MediaFacts], layout: Layout,
              unreadable: Mapping[str, str] | None = None) -> MediaOverview:
    """The overview of the media files ``keys``, of which ``facts`` holds those known."""
    problems: dict[str, list[MediaProblem]] = defaultdict(list)
    for problem in judge(facts, layout):
        problems[problem.key].append(problem)
    by_category: dict[str, list[str]] = defaultdict(list)
    all_keys = list(keys)
    for key in all_keys:
        category = layout.category_of(key)
        if category is not None:
            by_category[category.id].append(key)
    categories = {cid: _category(members, facts, problems) for cid, members in by_category.items()}
    return MediaOverview(
        categories, {k: tuple(v) for k, v in problems.items()},
        files=len(all_keys), known=sum(1 for k in all_keys if k in facts),
        unreadable=dict(unreadable or {}))


def _category(keys: list[str], facts: Mapping[str, MediaFacts],
              problems: Mapping[str, list[MediaProblem]]) -> CategoryMedia:
    known = [facts[k] for k in keys if k in facts]
    kinds = Counter(f.kind for f in known)  # judged per kind, as the odd sizes are
    main_kind = kinds.most_common(1)[0][0] if kinds else None
    usual = usual_resolution(f for f in known if f.kind == main_kind)
    return CategoryMedia(
        files=len(keys), known=len(known),
        duration=sum(f.duration or 0.0 for f in known if f.kind == "video"),
        usual=usual[0] if usual else None,
        with_problems=sum(1 for k in keys if problems.get(k)),
        kinds=Counter(kind for k in keys for kind in {p.kind for p in problems.get(k, ())}))


def gather(media: MediaCache, local: LocalLibrary, layout: Layout, *, read: bool = False,
           progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] = lambda: False) -> MediaOverview:
    """The overview of ``local``'s media: the cached facts, and with ``read`` the others read.

    ``progress(done, total)`` is called before the first read and as files are read
    (``total``: those not cached); once ``cancelled()`` says so, no other file is started.
    """
    files = [f for key, f in sorted(local.files.items()) if media_kind(key) is not None]
    facts: dict[str, MediaFacts] = {}
    todo = []
    for file in files:
        known = media.known(file)
        if known is None:
            todo.append(file)
        else:
            facts[file.key] = known
    unreadable: dict[str, str] = {}
    if read and todo:
        _read(media, todo, facts, unreadable, progress, cancelled)
    return summarise([f.key for f in files], facts, layout, unreadable)


def _read(media: MediaCache, todo: list[LocalFile], facts: dict[str, MediaFacts],
          unreadable: dict[str, str], progress: Callable[[int, int], None] | None,
          cancelled: Callable[[], bool]) -> None:
    def one(file: LocalFile) -> MediaFacts | str | None:
        """The facts, why they cannot be read, or None: not read, the caller gave up."""
        if cancelled():
            return None
        try:
            return media.local(file)
        except OSError as exc:
            return exc.strerror or str(exc)
        except Exception as exc:  # noqa: BLE001 - a reader's surprise loses one file, not all
            return f"cannot read its media: {exc}"

    if progress is not None:
        progress(0, len(todo))
    with ThreadPoolExecutor(READERS, thread_name_prefix="r2tui-overview") as pool:
        futures = {pool.submit(one, f): f.key for f in todo}
        for done, future in enumerate(as_completed(futures), start=1):
            got = future.result()
            if isinstance(got, MediaFacts):
                facts[futures[future]] = got
            elif got is not None:
                unreadable[futures[future]] = got
            if progress is not None and (done % PROGRESS_STEP == 0 or done == len(todo)):
                progress(done, len(todo))
