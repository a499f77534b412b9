"""The façade the CLI and the TUI share: settings, one client, the state, and the operations."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from r2tui.compare import Report, compare
from r2tui.errors import NotFoundError
from r2tui.inventory import (
    Level,
    ObjectDetails,
    Prefetched,
    head,
    iter_ranges,
    list_level,
)
from r2tui.keys import TRASH_PREFIX, check_key
from r2tui.scan import Hasher, LocalLibrary, scan
from r2tui.settings import Settings
from r2tui.state import StateStore
from r2tui.storage import LISTING_THREADS, S3Client, make_client, storage_errors
from r2tui.urls import public_url, signed_url

if TYPE_CHECKING:
    from r2tui.media_cache import MediaCache
    from r2tui.media_overview import MediaOverview


class Library:
    """One library: a bucket and, optionally, its local folder.

    The client and state store are created on first use and shared across threads.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._early: Future[Report] | None = None  # the first report, begun ahead

    @cached_property
    def client(self) -> S3Client:
        return make_client(self.settings)

    @cached_property
    def store(self) -> StateStore:
        return StateStore(self.settings.state_path())

    @cached_property
    def hasher(self) -> Hasher:
        return Hasher(self.store)

    @cached_property
    def media(self) -> MediaCache:
        """Media facts of local files and bucket objects, cached by content in the state."""
        from r2tui.media_cache import MediaCache  # PyAV and the readers: not for status

        return MediaCache(self.store, self.hasher)

    @property
    def local_root(self) -> Path | None:
        return self.settings.local_root

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()

    def scan_local(self) -> LocalLibrary | None:
        if self.settings.local_root is None:
            return None
        return scan(self.settings.require_local_root())

    def begin_report(self) -> None:
        """Start the first report in a thread now; the next :meth:`report` call returns it.

        The app calls this before it imports Textual, so that the listing's round trips and the
        server's work overlap the imports and the first frame instead of following them.
        """
        future: Future[Report] = Future()

        def work() -> None:
            try:
                future.set_result(self._compare())
            except BaseException as exc:  # handed to whoever asks for the report
                future.set_exception(exc)

        self._early = future
        threading.Thread(target=work, name="r2tui-first-report", daemon=True).start()

    def report(self, local: LocalLibrary | None = None) -> Report:
        """Compare the whole bucket with the local library (scanned now unless given)."""
        early, self._early = self._early, None
        if early is not None and local is None:
            return early.result()
        return self._compare(local)

    def _compare(self, local: LocalLibrary | None = None) -> Report:
        s = self.settings
        with storage_errors(s):
            remote = self.iter_objects()  # listing starts now, while the disk is scanned
            try:
                if local is None:
                    local = self.scan_local()
            except BaseException:
                remote.close()
                raise
            return compare(
                s.layout,
                s.bucket,
                remote,
                local=local,
                hasher=self.hasher if local is not None else None,
                records=self.store.upload_records(s.bucket) if local is not None else None,
                head=self.head,
                workers=s.workers,
            )

    def media_overview(
        self, local: LocalLibrary | None = None, *, read: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> MediaOverview | None:
        """The local library's media by category (None without a local folder): the facts
        cached so far, and with ``read`` those of every other file, read now. ``local`` is
        the scan to judge (a report's), else the folder is scanned now."""
        from r2tui.media_overview import gather  # PyAV and the readers: not for status

        if local is None:
            local = self.scan_local()
        if local is None:
            return None
        return gather(self.media, local, self.settings.layout, read=read, progress=progress,
                      cancelled=cancelled)

    def iter_objects(self) -> Prefetched:
        """Every object in the bucket, in key order; fetched in the background from this call
        on, in ranges of about a page of the categories' expected keys at once."""
        expected = {TRASH_PREFIX: 0}
        for category in self.settings.layout:
            expected |= {p: category.expected if n == 0 else 0
                         for n, p in enumerate(category.prefixes)}
        return iter_ranges(self.client, self.settings.bucket, expected, LISTING_THREADS)

    def head(self, key: str) -> ObjectDetails:
        with storage_errors(self.settings, key=key):
            return head(self.client, self.settings.bucket, key)

    def list_level(self, prefix: str = "", token: str | None = None) -> Level:
        with storage_errors(self.settings):
            return list_level(self.client, self.settings.bucket, prefix, token)

    def signed_url(self, key: str, expires: int | None = None, *, check: bool = True) -> str:
        """A signed GET URL; with ``check``, first make sure the object exists."""
        check_key(key)
        if check:
            self.require_object(key)
        return signed_url(
            self.client, self.settings.bucket, key, expires or self.settings.expires
        )

    def public_url(self, key: str) -> str:
        check_key(key)
        return public_url(self.settings.public_base_url, self.settings.layout, key)

    def require_object(self, key: str) -> ObjectDetails:
        """HEAD ``key``; tell a missing object from a missing bucket."""
        try:
            return self.head(key)
        except NotFoundError:
            with storage_errors(self.settings):
                self.client.list_objects_v2(Bucket=self.settings.bucket, MaxKeys=1)
            raise
