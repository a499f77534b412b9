"""Scanning the local library: files, their keys (NFC, POSIX) and cached digests.

Skipped by rule (and documented in the README): names starting with ``.`` (hidden files and
folders, ``.DS_Store``, the tool's own ``.r2tui/`` state, ``.env``), OS junk (``Thumbs.db``,
``desktop.ini``), the library config file ``r2tui.toml`` at the root, and symlinks that lead out
of the library root.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from r2tui.digests import Digests, compute_digests
from r2tui.keys import key_problem
from r2tui.settings import CONFIG_NAME
from r2tui.state import StateStore

JUNK_NAMES = frozenset({"Thumbs.db", "desktop.ini", "ehthumbs.db", "Icon\r"})


@dataclass(slots=True)
class LocalFile:
    key: str
    path: Path
    size: int
    mtime_ns: int
    digests: Digests | None = None


@dataclass(frozen=True, slots=True)
class ScanIssue:
    path: str
    problem: str


@dataclass
class LocalLibrary:
    """The result of a scan: files by key, and what could not be taken in."""

    root: Path
    files: dict[str, LocalFile] = field(default_factory=dict)
    issues: list[ScanIssue] = field(default_factory=list)


def key_for(root: Path, path: Path) -> str:
    """The bucket key of a file below ``root``: POSIX relative path, Unicode NFC."""
    rel = path.relative_to(root).as_posix()
    return unicodedata.normalize("NFC", rel)


def is_skipped(name: str, at_root: bool) -> bool:
    return name.startswith(".") or name in JUNK_NAMES or (at_root and name == CONFIG_NAME)


def scan(root: Path, under: str = "") -> LocalLibrary:
    """Walk ``root`` (or its sub-folder ``under``) and stat every file; hashes nothing."""
    root = root.resolve()
    library = LocalLibrary(root)
    start = root / under if under else root
    for path, st in _walk(root, start, library.issues):
        key = key_for(root, path)
        problem = key_problem(key)
        if problem is not None:
            library.issues.append(ScanIssue(str(path), f"key refused: {problem}"))
            continue
        if key in library.files:
            other = library.files[key].path
            library.issues.append(
                ScanIssue(str(path), f"same key as {other} once normalised to NFC; skipped")
            )
            continue
        library.files[key] = LocalFile(key, path, st.st_size, st.st_mtime_ns)
    return library


def _walk(
    root: Path, start: Path, issues: list[ScanIssue]
) -> Iterator[tuple[Path, os.stat_result]]:
    seen_dirs: set[tuple[int, int]] = set()
    stack = [start]
    while stack:
        folder = stack.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen_dirs:
                continue
            seen_dirs.add((st.st_dev, st.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            issues.append(ScanIssue(str(folder), f"cannot read folder: {exc.strerror}"))
            continue
        for entry in entries:
            if is_skipped(entry.name, folder == root):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink() and not _inside(root, path):
                    issues.append(ScanIssue(str(path), "symlink out of the library; not followed"))
                    continue
                st = entry.stat()
            except OSError as exc:
                issues.append(ScanIssue(str(path), f"cannot read: {exc.strerror}"))
                continue
            if stat.S_ISDIR(st.st_mode):
                stack.append(path)
            elif stat.S_ISREG(st.st_mode):
                yield path, st


def _inside(root: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError):
        return False
    return True


class Hasher:
    """Digests of local files through the on-disk cache, so unchanged files are hashed once."""

    def __init__(self, store: StateStore) -> None:
        self._store = store
        self._cache = store.all_cached()
        self.hashed = 0  # files actually read in this run (tests and benchmarks look at it)

    def cached(self, file: LocalFile) -> Digests | None:
        hit = self._cache.get(file.key)
        if hit and hit[0] == file.size and hit[1] == file.mtime_ns:
            return hit[2]
        return None

    def digests(self, file: LocalFile) -> Digests:
        """The file's digests; reads it only if it changed since it was last hashed.

        Raises OSError if the file cannot be read, and ChangedWhileReading if it changed.
        """
        if file.digests is not None:
            return file.digests
        found = self.cached(file)
        if found is None:
            found = compute_digests(file.path)
            st = file.path.stat()
            if st.st_size != file.size or st.st_mtime_ns != file.mtime_ns:
                raise ChangedWhileReading(str(file.path))
            self.hashed += 1
            self._store.store_digests(file.key, file.size, file.mtime_ns, found)
            self._cache[file.key] = (file.size, file.mtime_ns, found)
        file.digests = found
        return found

    def digest_all(
        self,
        files: list[LocalFile],
        on_error: Callable[[LocalFile, OSError], None],
        workers: int = 4,
    ) -> None:
        """Hash ``files`` in parallel (hashlib releases the GIL); report unreadable ones."""

        def one(file: LocalFile) -> None:
            try:
                self.digests(file)
            except OSError as exc:
                on_error(file, exc)

        todo = []
        for f in files:
            if f.digests is None:
                f.digests = self.cached(f)
                if f.digests is None:
                    todo.append(f)
        if len(todo) <= 1:
            for f in todo:
                one(f)
            return
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, todo))


class ChangedWhileReading(OSError):
    """The file's size or mtime moved while it was being read."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} changed while it was being read")
        self.strerror = "changed while it was being read"
