"""Media facts through the state store, by SHA-256: each content is read once.

A local file's SHA-256 comes from the hash cache (unchanged files are not hashed again); a
bucket object's from its ``sha256`` metadata. Facts read less thoroughly than asked (a bucket
object's header, then a local ``--deep`` check) are read again and replace the cached ones.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import IO

from r2tui.media import Check, MediaFacts, read_facts
from r2tui.media_remote import read_remote
from r2tui.scan import ChangedWhileReading, Hasher, LocalFile
from r2tui.state import StateStore
from r2tui.storage import S3Client

# Bumped whenever the reader finds other facts for the same bytes: older entries are read again.
FACTS_VERSION = 1
# FFmpeg decodes with the GIL released: a few threads keep two cores busy, more only queue.
READERS = 4


class MediaCache:
    """Facts of local files and bucket objects, cached by content. Safe to share by threads."""

    def __init__(self, store: StateStore, hasher: Hasher) -> None:
        self._store = store
        self._hasher = hasher
        self._lock = threading.Lock()
        self._contents: dict[str, tuple[threading.Lock, int]] = {}  # being read, and by how many
        self.read = 0  # contents actually read in this run (tests and benchmarks look at it)
        self.gets = 0  # ranged GETs sent for bucket objects, and their bytes
        self.bytes_fetched = 0

    def cached(self, sha256: str, at_least: Check = Check.HEADER) -> MediaFacts | None:
        """The facts cached for this content if it was checked at least that far."""
        found = self._store.cached_media(sha256, FACTS_VERSION)
        if found is None:
            return None
        facts = MediaFacts.from_json(found)
        return facts if facts.checked.rank >= at_least.rank else None

    def known(self, file: LocalFile) -> MediaFacts | None:
        """The cached facts of a local file, reading nothing: None unless the hash cache knows
        the file as it is now and the facts of its content are cached."""
        digests = file.digests or self._hasher.cached(file)
        return self.cached(digests.sha256) if digests is not None else None

    def local(self, file: LocalFile, *, deep: bool = False) -> MediaFacts:
        """The facts of a local file: open and decode its first frames (every frame if ``deep``).

        Raises OSError when the file cannot be read.
        """
        sha256 = self._hasher.digests(file).sha256
        wanted = Check.ALL_FRAMES if deep else Check.FIRST_FRAMES
        with self._reading(sha256):  # twins read at once by two threads: one reads, one waits
            facts = self.cached(sha256, wanted)
            if facts is None:
                facts = self._read(file, deep=deep)
                self._store.store_media(sha256, FACTS_VERSION, facts.to_json())
        return facts

    def _read(self, file: LocalFile, *, deep: bool = False) -> MediaFacts:
        """Read the facts of ``file`` as scanned; raises ChangedWhileReading when its size or
        mtime is not the scan's before or after the read (the facts would be of other bytes
        than the SHA-256 they are cached under)."""
        with file.path.open("rb") as source:
            self._same_as_scanned(file, source)
            facts = read_facts(source, file.size, file.key, deep=deep)
            self._same_as_scanned(file, source)
        with self._lock:
            self.read += 1
        return facts

    @staticmethod
    def _same_as_scanned(file: LocalFile, source: IO[bytes]) -> None:
        st = os.fstat(source.fileno())
        if (st.st_size, st.st_mtime_ns) != (file.size, file.mtime_ns):
            raise ChangedWhileReading(str(file.path))

    @contextmanager
    def _reading(self, sha256: str) -> Iterator[None]:
        """Hold the one lock of this content while it is looked up and read."""
        with self._lock:
            lock, users = self._contents.get(sha256, (threading.Lock(), 0))
            self._contents[sha256] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._lock:
                lock, users = self._contents[sha256]
                if users == 1:
                    del self._contents[sha256]
                else:
                    self._contents[sha256] = (lock, users - 1)

    def unhashed(self, file: LocalFile) -> MediaFacts:
        """The facts of a local file without hashing it first: through the cache when the
        file's digests are known, else read now (its header and first frames) and not kept,
        as nothing names its content yet. The upload plan checks big files so: their job
        hashes them while the files before them are sent.

        Raises OSError when the file cannot be read.
        """
        if file.digests is not None or self._hasher.cached(file) is not None:
            return self.local(file)
        return self._read(file)

    def local_all(
        self, files: Sequence[LocalFile], *, deep: bool = False, hash_first: bool = True
    ) -> dict[str, MediaFacts | OSError]:
        """:meth:`local` (or, without ``hash_first``, :meth:`unhashed`) for each file, a few
        at a time: key -> facts, or why it is unreadable."""

        def one(file: LocalFile) -> MediaFacts | OSError:
            try:
                return self.local(file, deep=deep) if hash_first else self.unhashed(file)
            except OSError as exc:
                return exc

        found: dict[str, MediaFacts | OSError] = {}
        todo = []
        for file in files:  # cached facts are answered here: a thread hop costs more
            known = None if deep else self.known(file)
            if known is None:
                todo.append(file)
            else:
                found[file.key] = known
        if len(todo) <= 1:
            return found | {f.key: one(f) for f in todo}
        with ThreadPoolExecutor(READERS, thread_name_prefix="r2tui-media") as pool:
            return found | dict(zip([f.key for f in todo], pool.map(one, todo), strict=True))

    def remote(
        self, client: S3Client, bucket: str, key: str, *, sha256: str | None = None
    ) -> MediaFacts:
        """The facts of a bucket object from ranged GETs of its header (and tail).

        ``sha256`` (the object's metadata, when the caller has it from a HEAD or a listing
        record) lets a cached content be answered with no request. Objects without ``sha256``
        metadata are read each time: nothing names their content. Raises botocore's errors.
        """
        if sha256 is not None and (facts := self.cached(sha256)) is not None:
            return facts
        got = read_remote(client, bucket, key)
        with self._lock:
            self.read += 1
            self.gets += got.gets
            self.bytes_fetched += got.bytes_read
        stored = got.sha256 or sha256
        if stored is not None and self.cached(stored, got.facts.checked) is None:
            self._store.store_media(stored, FACTS_VERSION, got.facts.to_json())
        return got.facts
