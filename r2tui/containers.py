"""What a file's bytes say about its container: the format sniffed from its first bytes, and an
MP4's (or MOV's) top-level boxes, read from the byte ranges held.

Parsing the top-level boxes ourselves is cheap and exact: eight bytes per box tell where
``moov`` (the index a player needs first) lies against ``mdat`` (the samples), and whether a box
claims more bytes than the file holds.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

SNIFF_BYTES = 32  # enough for every signature below

# ftyp major brands of QuickTime files; every other brand is an ISO/MP4 file.
_QUICKTIME_BRANDS = frozenset({b"qt  "})


def sniff(head: bytes) -> str | None:
    """The container the first bytes announce: ``mp4``, ``mov``, ``png``, ``jpeg``, ``gif``,
    ``webp``, ``matroska`` (Matroska and WebM), or None when none matches."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head[4:8] == b"ftyp":
        return "mov" if head[8:12] in _QUICKTIME_BRANDS else "mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free"):  # old QuickTime files have no ftyp
        return "mov"
    return None


@dataclass(frozen=True, slots=True)
class Box:
    """A top-level box: its four-character type, where it starts and how long it says it is."""

    type: str
    start: int
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


@dataclass(frozen=True, slots=True)
class BoxWalk:
    """The top-level boxes read so far.

    ``needs`` is the offset of the next box header when it is not among the bytes held (the
    walk stopped there; fetch from it and walk again). ``overrun`` is the box that claims to
    end past the end of the file: the file is truncated. ``invalid`` says why the walk could
    not go on (a box size below its header's): not an MP4 structure from there on.
    """

    boxes: tuple[Box, ...]
    total: int
    needs: int | None = None
    overrun: Box | None = None
    invalid: str | None = None

    def first(self, kind: str) -> Box | None:
        return next((b for b in self.boxes if b.type == kind), None)

    @property
    def complete(self) -> bool:
        return self.needs is None and self.overrun is None and self.invalid is None

    @property
    def faststart(self) -> bool | None:
        """True when ``moov`` comes before ``mdat``; None when the walk has not seen both."""
        moov, mdat = self.first("moov"), self.first("mdat")
        if moov is None or mdat is None:
            return None
        return moov.start < mdat.start


Held = Callable[[int, int], bytes | None]  # (offset, length) -> those bytes, or None if not held


def walk_boxes(held: Held, total: int) -> BoxWalk:
    """Walk the top-level boxes of a file of ``total`` bytes through ``held``.

    A box of size 0 runs to the end of the file; size 1 means a 64-bit size follows the type.
    """
    boxes: list[Box] = []
    offset = 0
    while offset < total:
        if total - offset < 8:
            return BoxWalk(tuple(boxes), total, invalid=f"{total - offset} stray bytes at the end")
        header = held(offset, 8)
        if header is None:
            return BoxWalk(tuple(boxes), total, needs=offset)
        size, raw_type = struct.unpack(">I4s", header)
        kind = raw_type.decode("latin-1")
        header_size = 8
        if size == 1:
            large = held(offset + 8, 8)
            if large is None:
                return BoxWalk(tuple(boxes), total, needs=offset)
            size = struct.unpack(">Q", large)[0]
            header_size = 16
        elif size == 0:
            size = total - offset
        if size < header_size:
            return BoxWalk(tuple(boxes), total,
                           invalid=f"box {kind!r} at byte {offset} says it is {size} bytes long")
        box = Box(kind, offset, size)
        boxes.append(box)
        if box.end > total:
            return BoxWalk(tuple(boxes), total, overrun=box)
        offset = box.end
    return BoxWalk(tuple(boxes), total)
