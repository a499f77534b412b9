"""The bucket's side: streamed listings, one folder level at a time, and object details."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from r2tui.storage import S3Client

PAGE_SIZE = 1000
MORE_KEYS = 32  # a range's second page, when it holds more keys than expected
# Above nearly every character a key continues with (U+10FFFD: the last code point that XML
# allows and that is not a noncharacter), for a StartAfter just below a key.
_ABOVE_KEYS = "\U0010fffd"


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


@dataclass(frozen=True, slots=True)
class KeyRange:
    """The keys ``lo`` <= k < ``hi`` (``hi`` None: no end), listed on their own.

    The listing starts just below ``lo`` and stops at the first key from ``hi`` on; what it
    returns outside the range is dropped, so each key is in exactly one of :func:`key_ranges`
    whatever the keys look like. ``expected``: about how many keys it holds (its first page).
    """

    lo: str = ""
    hi: str | None = None
    expected: int = PAGE_SIZE

    def holds(self, key: str) -> bool:
        return key >= self.lo and (self.hi is None or key < self.hi)


def key_ranges(expected: Mapping[str, int]) -> list[KeyRange]:
    """The whole key space in consecutive ranges of about a page each, cut at prefixes.

    ``expected`` is the keys expected under each prefix (the layout's categories). The
    outermost prefixes, in key order, are packed into ranges of up to a page of expected keys
    (a category bigger than a page is a range of its own); keys under no prefix fall into the
    range around them. Without prefixes: one range, the whole bucket.
    """
    outer: dict[str, int] = {}
    last = None
    for prefix in sorted(p for p in expected if p):
        if last is not None and prefix.startswith(last):  # sorted: an enclosing one is just before
            outer[last] += expected[prefix]
        else:
            outer[prefix] = expected[prefix]
            last = prefix
    cuts: list[tuple[str, int]] = [("", 0)]
    for prefix, count in outer.items():
        lo, held = cuts[-1]
        if held and held + count > PAGE_SIZE:
            cuts.append((prefix, count))
        else:
            cuts[-1] = (lo, held + count)
    ends = [lo for lo, _ in cuts[1:]] + [None]
    return [KeyRange(lo, hi, held) for (lo, held), hi in zip(cuts, ends, strict=True)]


def range_pages(client: S3Client, bucket: str, part: KeyRange) -> Iterator[list[RemoteObject]]:
    """The objects of one key range, a page at a time (pages may be empty).

    The keys past the range's end that come with a page are the next range's, listed there
    too: so the first page asks for a little more than the range is expected to hold, and the
    pages after it (more keys than expected) for few at first, twice as many each time.
    """
    ask = min(PAGE_SIZE, part.expected + part.expected // 8 + 16)
    kwargs: dict[str, Any] = {"Bucket": bucket, "MaxKeys": ask if part.hi else PAGE_SIZE}
    if part.lo:
        kwargs["StartAfter"] = _below(part.lo)
    ask = min(PAGE_SIZE, MORE_KEYS)
    while True:
        page = client.list_objects_v2(**kwargs)
        objects = [_object(item) for item in page.get("Contents", ())]
        yield [o for o in objects if part.holds(o.key)]
        past = part.hi is not None and bool(objects) and objects[-1].key >= part.hi
        token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
        if past or not token:
            return
        kwargs = {"Bucket": bucket, "MaxKeys": ask if part.hi else PAGE_SIZE,
                  "ContinuationToken": token}
        ask = min(PAGE_SIZE, ask * 2)


def _below(key: str) -> str:
    """A string just below ``key``: few keys lie between the two (a listing's StartAfter)."""
    last = ord(key[-1]) - 1
    if last < 0 or 0xD800 <= last <= 0xDFFF:  # no character just below: a little further down
        return key[:-1]
    return key[:-1] + chr(last) + _ABOVE_KEYS


def iter_ranges(
    client: S3Client, bucket: str, expected: Mapping[str, int], threads: int
) -> Prefetched:
    """Every object in the bucket, in key order, its :func:`key_ranges` listed in parallel.

    A listing then takes about as many round trips as its largest range has pages, not the
    sum of all pages.
    """
    sources = [range_pages(client, bucket, part) for part in key_ranges(expected)]
    return Prefetched(sources, threads=threads)


def iter_objects(client: S3Client, bucket: str, prefix: str = "") -> Iterator[RemoteObject]:
    """Every object under ``prefix``, page by page: memory stays bounded whatever the size."""
    for page in iter_pages(client, bucket, prefix):
        yield from page


class Prefetched:
    """Iterate objects whose pages are fetched in background threads meanwhile.

    ``sources`` are page iterators over consecutive parts of the key space (see
    :func:`key_ranges`); up to ``threads`` of them are fetched at once and their objects come
    out in the sources' order. Sources are taken in that order too, so the one being read is
    always being fetched or done, never waiting for a thread held by a later one. Each source's
    queue holds at most ``depth`` pages, so memory stays bounded; errors are raised in the
    caller's thread when it reaches them; ``close()`` (or leaving the iteration) stops the
    threads at their next page.
    """

    def __init__(
        self, sources: Sequence[Iterator[list[RemoteObject]]], threads: int = 1, depth: int = 8
    ) -> None:
        self._queues: list[queue.Queue[list[RemoteObject] | BaseException | None]] = [
            queue.Queue(depth) for _ in sources
        ]
        self._todo = iter(list(zip(sources, self._queues, strict=True)))
        self._todo_lock = threading.Lock()
        self._stop = threading.Event()
        for _ in range(max(1, min(threads, len(sources)))):
            threading.Thread(target=self._work, name="r2tui-list", daemon=True).start()

    def _work(self) -> None:
        while not self._stop.is_set():
            with self._todo_lock:
                source = next(self._todo, None)
            if source is None:
                return
            self._fetch(*source)

    def _put(self, out: queue.Queue, item: list[RemoteObject] | BaseException | None) -> None:
        while not self._stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _fetch(self, pages: Iterator[list[RemoteObject]], out: queue.Queue) -> None:
        try:
            for page in pages:
                if self._stop.is_set():
                    return
                self._put(out, page)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._put(out, exc)
        finally:
            self._put(out, None)

    def __iter__(self) -> Iterator[RemoteObject]:
        try:
            for source in self._queues:
                while (item := source.get()) is not None:
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
