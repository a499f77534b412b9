"""The bucket's side: streamed listings, one folder level at a time, and object details."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from r2tui.storage import S3Client

PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class RemoteObject:
    key: str
    size: int
    etag: str  # without quotes
    last_modified: datetime | None = None

    @property
    def is_multipart(self) -> bool:
        return "-" in self.etag


@dataclass(frozen=True, slots=True)
class ObjectDetails:
    """What a HEAD request tells about one object."""

    key: str
    size: int
    etag: str
    last_modified: datetime | None
    content_type: str | None
    cache_control: str | None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str | None:
        return self.metadata.get("sha256")


@dataclass(frozen=True, slots=True)
class Level:
    """One page of a delimiter listing: sub-prefixes ("folders") and objects at this level."""

    prefixes: list[str]
    objects: list[RemoteObject]
    next_token: str | None


def _object(item: dict) -> RemoteObject:
    return RemoteObject(
        key=item["Key"],
        size=int(item.get("Size", 0)),
        etag=str(item.get("ETag", "")).strip('"'),
        last_modified=item.get("LastModified"),
    )


def iter_pages(client: S3Client, bucket: str, prefix: str = "") -> Iterator[list[RemoteObject]]:
    """The objects under ``prefix``, a page (up to 1,000) at a time."""
    token: str | None = None
    while True:
        kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": PAGE_SIZE}
        if token:
            kwargs["ContinuationToken"] = token
        page = client.list_objects_v2(**kwargs)
        yield [_object(item) for item in page.get("Contents", ())]
        token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
        if not token:
            return


def iter_objects(client: S3Client, bucket: str, prefix: str = "") -> Iterator[RemoteObject]:
    """Every object under ``prefix``, page by page: memory stays bounded whatever the size."""
    for page in iter_pages(client, bucket, prefix):
        yield from page


class Prefetched:
    """Iterate objects whose pages are fetched in a background thread meanwhile.

    The queue holds at most ``depth`` pages, so memory stays bounded; errors are raised in the
    caller's thread; ``close()`` (or leaving the iteration) stops the thread at its next page.
    """

    def __init__(self, pages: Iterator[list[RemoteObject]], depth: int = 8) -> None:
        self._pages = pages
        self._queue: queue.Queue[list[RemoteObject] | BaseException | None] = queue.Queue(depth)
        self._stop = threading.Event()
        threading.Thread(target=self._fetch, name="r2tui-list", daemon=True).start()

    def _put(self, item: list[RemoteObject] | BaseException | None) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _fetch(self) -> None:
        try:
            for page in self._pages:
                if self._stop.is_set():
                    return
                self._put(page)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._put(exc)
        finally:
            self._put(None)

    def __iter__(self) -> Iterator[RemoteObject]:
        try:
            while (item := self._queue.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                yield from item
        finally:
            self.close()

    def close(self) -> None:
        self._stop.set()


def list_level(
    client: S3Client, bucket: str, prefix: str = "", token: str | None = None
) -> Level:
    """One page of the folder ``prefix``: what a lazily expanded tree node needs."""
    kwargs = {"Bucket": bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": PAGE_SIZE}
    if token:
        kwargs["ContinuationToken"] = token
    page = client.list_objects_v2(**kwargs)
    return Level(
        prefixes=[p["Prefix"] for p in page.get("CommonPrefixes", ())],
        objects=[_object(item) for item in page.get("Contents", ())],
        next_token=page.get("NextContinuationToken") if page.get("IsTruncated") else None,
    )


def head(client: S3Client, bucket: str, key: str) -> ObjectDetails:
    """HEAD one object (a Class B operation). botocore errors propagate to the caller."""
    return details_of(key, client.head_object(Bucket=bucket, Key=key))


def details_of(key: str, response: Mapping[str, Any]) -> ObjectDetails:
    """What a HEAD's (or a whole GET's) answer says about the object."""
    return ObjectDetails(
        key=key,
        size=int(response.get("ContentLength", 0)),
        etag=str(response.get("ETag", "")).strip('"'),
        last_modified=response.get("LastModified"),
        content_type=response.get("ContentType"),
        cache_control=response.get("CacheControl"),
        metadata={k.lower(): v for k, v in response.get("Metadata", {}).items()},
    )
