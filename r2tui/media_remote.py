"""Media facts of a bucket object from ranged GETs of its header (and its tail), never the whole.

The first GET takes the first 128 KiB; its ``Content-Range`` gives the object's size, its
metadata the ``sha256`` r2tui stores. An MP4 whose ``moov`` box is longer than that gets its
rest in a second GET; one whose ``moov`` follows ``mdat`` (not fast-start) gets the tail, from
the end of ``mdat``. A fast-start file is thus read in one GET of 128 KiB when its index fits
(two when it does not), any other in two.

PyAV works from these partial bytes, as found by experiment: FFmpeg's MP4 demuxer needs only the
top-level box headers and ``moov`` to open a file (duration, size, codec, frame rate, bitrate),
and seeks over ``mdat``. :class:`HeldRanges` gives it a file object of the object's full size in
which only the ranges fetched hold bytes (a read elsewhere returns nothing), and frames whose
bytes were not fetched are not decoded.
"""

from __future__ import annotations

import bisect
import io
from dataclasses import dataclass

from botocore.exceptions import ClientError

from r2tui.containers import BoxWalk, sniff, walk_boxes
from r2tui.media import MediaFacts, held_reader, read_facts
from r2tui.storage import S3Client

HEAD_BYTES = 128 * 1024
MAX_GETS = 3  # the header, the rest of a long ``moov`` or the tail; one more past a big box


class HeldRanges(io.RawIOBase):
    """A read-only file of ``total`` bytes of which only the ranges added are held."""

    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total
        self._starts: list[int] = []
        self._chunks: list[bytes] = []
        self._pos = 0

    def add(self, start: int, data: bytes) -> None:
        at = bisect.bisect(self._starts, start)
        self._starts.insert(at, start)
        self._chunks.insert(at, data)

    def _chunk_at(self, offset: int) -> tuple[int, bytes] | None:
        at = bisect.bisect(self._starts, offset) - 1
        while at >= 0:
            start, data = self._starts[at], self._chunks[at]
            if start <= offset < start + len(data):
                return start, data
            at -= 1
        return None

    def held_end(self, offset: int) -> int:
        """Where the bytes held from ``offset`` on end (``offset`` itself when none are)."""
        end = offset
        while (found := self._chunk_at(end)) is not None:
            end = found[0] + len(found[1])
        return end

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.total}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        found = self._chunk_at(self._pos)
        if found is None:
            return 0
        start, data = found
        view = data[self._pos - start:self._pos - start + len(buffer)]
        buffer[:len(view)] = view
        self._pos += len(view)
        return len(view)


@dataclass(frozen=True, slots=True)
class RemoteRead:
    """What the ranged reads found, and what they cost."""

    facts: MediaFacts
    size: int
    sha256: str | None  # the object's ``sha256`` metadata, when it has one
    gets: int
    bytes_read: int


def read_remote(client: S3Client, bucket: str, key: str) -> RemoteRead:
    """The facts of ``key`` from ranged GETs. Raises botocore's errors (no such key, ...)."""
    try:
        first = client.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{HEAD_BYTES - 1}")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "InvalidRange":
            raise
        # Only an empty object has no byte 0.
        return RemoteRead(read_facts(io.BytesIO(b""), 0, key), 0, None, 1, 0)
    head = first["Body"].read()
    total = _total_size(first, len(head))
    held = HeldRanges(total)
    held.add(0, head)
    gets, bytes_read = 1, len(head)
    if sniff(head) in ("mp4", "mov"):
        while gets < MAX_GETS:
            wanted = _next_range(walk_boxes(held_reader(held, held.held_end), total), held, total)
            if wanted is None:
                break
            start, end = wanted
            part = client.get_object(Bucket=bucket, Key=key,
                                     Range=f"bytes={start}-{end - 1}")["Body"].read()
            held.add(start, part)
            gets, bytes_read = gets + 1, bytes_read + len(part)
    facts = read_facts(held, total, key, held_end=held.held_end)
    return RemoteRead(facts, total, first.get("Metadata", {}).get("sha256"), gets, bytes_read)


def _total_size(response: dict, got: int) -> int:
    """The object's size: after the ``/`` of ``Content-Range``; the body's own without one
    (the server sent the whole object)."""
    content_range = response.get("ContentRange") or ""
    if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
        return int(content_range.rsplit("/", 1)[1])
    return got



def _next_range(walk: BoxWalk, held: HeldRanges, total: int) -> tuple[int, int] | None:
    """The bytes to fetch next for ``moov`` to be held whole, or None: it is (or cannot be)."""
    moov = walk.first("moov")
    if moov is not None:
        start, end = held.held_end(moov.start), min(moov.end, total)
        return (start, end) if start < end else None
    if walk.needs is None:
        return None  # walked to the end (or to a box that overruns it): no moov to fetch
    if walk.first("mdat") is not None:
        return walk.needs, total  # not fast-start: the index is in the tail
    return walk.needs, min(total, walk.needs + HEAD_BYTES)
