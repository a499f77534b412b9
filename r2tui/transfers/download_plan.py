"""What a download will fetch, and where each object lands: never outside its destination.

``--auto`` takes every categorised object the local library lacks (and, with ``overwrite``, the
ones whose local twin differs); chosen keys or prefixes land in the library at their key, or
below ``--to DIR`` relative to the prefix named. A local file that already holds the object's
content is skipped; one that differs is replaced only with ``overwrite``, and only if it is
still as it was planned (size and mtime) when the download is renamed over it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from r2tui.compare import Report, State
from r2tui.digests import compute_digests, part_size_for
from r2tui.identity import Verdict, quick_verdict
from r2tui.inventory import RemoteObject
from r2tui.keys import TRASH_PREFIX, key_problem
from r2tui.scan import Hasher, LocalFile

NOT_LOCAL = "not in the local library"
DIFFERS = "differs from the local file"


@dataclass(frozen=True)
class Existing:
    """The local file a download replaces, as it was when planned."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DownloadItem:
    key: str
    size: int
    etag: str
    target: Path
    reason: str
    replaces: Existing | None = None  # None: the target must still be absent
    in_library: bool = True  # the hash cache may learn the file's digests


@dataclass
class DownloadPlan:
    items: list[DownloadItem] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # key -> why it is not fetched
    refused: dict[str, str] = field(default_factory=dict)  # key -> why it cannot be

    @property
    def bytes_to_receive(self) -> int:
        return sum(i.size for i in self.items)

    @property
    def class_b_ops(self) -> int:
        """Billed reads (R2 charges no egress): one GET for an object of one chunk, else a HEAD
        and its ranged GETs."""
        chunks = [max(1, -(-i.size // part_size_for(i.size))) for i in self.items]
        return sum(n + (n > 1) for n in chunks)


def target_for(base: Path, relative: str) -> Path:
    """``base / relative``, refused (ValueError with the reason) unless it stays inside
    ``base``: no ``..`` or empty segment, no symlinked folder leading out."""
    problem = key_problem(relative)
    if problem is not None:
        raise ValueError(f"refused: {problem}")
    target = base / relative
    root = base.resolve()
    parent = target.parent
    while not parent.exists():  # the folders still to be made cannot lead anywhere else
        parent = parent.parent
    if not parent.resolve().is_relative_to(root) or (
        target.is_symlink() or (target.exists() and not target.is_file())
    ):
        raise ValueError("refused: it would be written outside the destination folder "
                         "or over something that is not a plain file")
    return target


def plan_auto(report: Report, root: Path, *, overwrite: bool = False) -> DownloadPlan:
    """Every categorised object without a local twin; differing twins only with ``overwrite``."""
    plan = DownloadPlan()
    local = report.local
    for category in report.categories:
        for key, state in sorted(category.problems.items()):
            size, etag = category.sizes.get(key), category.etags.get(key)
            if size is None or etag is None:
                continue
            if state is State.EXTRA:
                _add(plan, RemoteObject(key, size, etag), root, key, NOT_LOCAL, None)
            elif state is State.CHANGED and overwrite and local is not None:
                twin = local.files[key]
                _add(plan, RemoteObject(key, size, etag), root, key, DIFFERS,
                     Existing(twin.size, twin.mtime_ns))
            elif state is State.CHANGED:
                plan.skipped[key] = f"{DIFFERS} (--overwrite replaces it)"
            elif state is State.UNVERIFIED:
                plan.skipped[key] = "same size as the local file, not provably different"
    return plan


def plan_chosen(
    objects: Iterable[tuple[RemoteObject, str]], base: Path, *, overwrite: bool = False,
    hasher: Hasher | None = None,
) -> DownloadPlan:
    """``(object, path relative to base)`` pairs: each object to ``base / path``.

    ``hasher``: ``base`` is the library, whose hash cache tells a local file's content (and
    learns what is downloaded); without one, local files are hashed here, and nothing learnt.
    """
    plan = DownloadPlan()
    in_library = hasher is not None
    for obj, relative in objects:
        if obj.key.startswith(TRASH_PREFIX):
            plan.refused[obj.key] = "in the trash: 'r2tui trash restore' puts it back first"
            continue
        existing = _existing(base, relative)
        if existing is None:
            _add(plan, obj, base, relative, NOT_LOCAL, None, in_library)
        elif _holds(LocalFile(relative, base / relative, existing.size, existing.mtime_ns), obj,
                       hasher):
            plan.skipped[obj.key] = "the local file already holds this content"
        elif overwrite:
            _add(plan, obj, base, relative, DIFFERS, existing, in_library)
        else:
            plan.skipped[obj.key] = f"{DIFFERS} (--overwrite replaces it)"
    return plan


def _add(
    plan: DownloadPlan, obj: RemoteObject, base: Path, relative: str, reason: str,
    replaces: Existing | None, in_library: bool = True,
) -> None:
    try:
        target = target_for(base, relative)
    except ValueError as exc:
        plan.refused[obj.key] = str(exc)
        return
    plan.items.append(DownloadItem(obj.key, obj.size, obj.etag, target, reason, replaces,
                                   in_library))


def _existing(base: Path, relative: str) -> Existing | None:
    try:
        st = (base / relative).stat()
    except (OSError, ValueError):
        return None
    return Existing(st.st_size, st.st_mtime_ns)


def _holds(file: LocalFile, obj: RemoteObject, hasher: Hasher | None) -> bool:
    """Whether the local file provably holds the object's content (from size and ETag)."""
    if file.size != obj.size:
        return False
    try:
        digests = hasher.digests(file) if hasher is not None else compute_digests(file.path)
    except OSError:
        return False
    return quick_verdict(file, digests, obj, None) is Verdict.SAME
