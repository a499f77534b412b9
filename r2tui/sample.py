"""A generated sample library in the spec's layout: for the demo, the tests and the benchmarks.

Every file's content is derived from its key, so contents are distinct and reproducible.
Photos and avatars are small real PNG images, so previews have something to draw; videos are a
real half-second H.264 MP4 (``sample_video.mp4``, made with PyAV) padded to their size, or on
demand one with its index at the end (``sample_video_moov_at_end.mp4``) or one cut short.
"""

from __future__ import annotations

import hashlib
import random
import struct
import zlib
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from r2tui.containers import Box, walk_boxes
from r2tui.layout import Category, Kind, Layout, default_layout

_TRAINERS = ["Анна Петрова", "Max Power", "Олег", "Sofia Núñez", "Ivan Smirnov"]
_EXERCISES = ["squat", "push-up", "plank", "lunge", "deadlift", "бёрпи", "row", "bridge"]
_SERVICE = ["upload_to_r2.py", "upload_log.txt", "media_manifest.json"]


def sample_keys(layout: Layout | None = None, scale: float = 1.0) -> list[str]:
    """Keys for every category's expected count (times ``scale``, at least one each)."""
    keys: list[str] = []
    for category in layout or default_layout():
        count = max(1, round(category.expected * scale)) if category.expected else 0
        keys += [_name(category, i) for i in range(count)]
    return keys


def _name(category: Category, i: int) -> str:
    prefix = category.prefix
    n = i + 1
    trainer = _TRAINERS[i % len(_TRAINERS)]
    exercise = _EXERCISES[i % len(_EXERCISES)]
    if category.kind is Kind.VIDEO:
        if category.id in ("explain", "mistake", "technique"):
            return f"{prefix}{exercise} {n:03d}.mp4"
        if category.id == "intros":
            return f"{prefix}intro {trainer} {n:02d}.mp4"
        return f"{prefix}{category.id}_{n:03d}.mp4"
    if category.kind is Kind.PHOTO:
        return f"{prefix}{category.id}_{n:04d}.png"
    if category.kind is Kind.IMAGE:
        return f"{prefix}avatar {trainer} {n:02d}.png"
    if not prefix and i < len(_SERVICE):
        return _SERVICE[i]
    return f"{prefix}file_{n:03d}.txt"


class VideoShape(StrEnum):
    """How a sample video is laid out: playable at once, index at the end, or cut short."""

    FASTSTART = "faststart"
    MOOV_AT_END = "moov_at_end"
    TRUNCATED = "truncated"


def content_for(
    key: str, variant: int = 0, video_size: int = 24_000,
    shape: VideoShape = VideoShape.FASTSTART,
) -> bytes:
    """Deterministic content for ``key``; another ``variant`` gives other bytes of the same kind.

    Its size does not depend on ``shape``: a video that is not fast-start or truncated is as
    long as its playable twin."""
    seed = int.from_bytes(hashlib.sha256(f"{variant}:{key}".encode()).digest()[:8], "big")
    rng = random.Random(seed)
    if key.endswith(".png"):
        return png(48, 48, (rng.randrange(256), rng.randrange(256), rng.randrange(256)), seed)
    if key.endswith(".mp4"):
        size = 12 + video_size // 2 + rng.randrange(video_size)
        return mp4(size, rng.randbytes, shape)
    return f"r2tui sample file {key} ({variant})\n".encode() * (1 + rng.randrange(20))


@cache
def _template(name: str) -> tuple[bytes, Box]:
    """A sample video file and its ``mdat`` box."""
    data = resources.files("r2tui").joinpath(name).read_bytes()
    mdat = walk_boxes(lambda at, n: data[at:at + n], len(data)).first("mdat")
    assert mdat is not None
    return data, mdat


def mp4(
    size: int, padding: Callable[[int], bytes], shape: VideoShape = VideoShape.FASTSTART
) -> bytes:
    """An MP4 of ``size`` bytes (at least the template's, 3,267), made distinct by
    ``padding(n)`` bytes after its samples.

    Fast-start: ``mdat`` is last and runs to the end of the file (size 0), so a slice of it
    still plays (tests cut these to exact sizes). Moov at the end: the padding follows ``moov``
    in a ``free`` box. Truncated: ``mdat`` claims a quarter more bytes than the file holds.
    """
    if shape is VideoShape.MOOV_AT_END:
        data, _ = _template("sample_video_moov_at_end.mp4")
        pad = max(8, size - len(data))
        return data + struct.pack(">I4s", pad, b"free") + padding(pad - 8)
    data, mdat = _template("sample_video.mp4")
    rest = padding(max(0, size - len(data)))
    claimed = 0 if shape is VideoShape.FASTSTART else (len(data) + len(rest) - mdat.start) * 5 // 4
    return data[:mdat.start] + struct.pack(">I", claimed) + data[mdat.start + 4:] + rest


def png(width: int, height: int, color: tuple[int, int, int], seed: int = 0) -> bytes:
    """A small RGB PNG: a vertical gradient of ``color`` with a band placed by ``seed``."""
    r, g, b = color
    band = seed % height
    rows = bytearray()
    for y in range(height):
        shade = (y * 160) // height
        pixel = (255 - r, 255 - g, 255 - b) if abs(y - band) < 3 else (
            (r + shade) % 256, (g + shade // 2) % 256, (b + 255 - shade) % 256
        )
        rows += b"\x00" + bytes(pixel) * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


def write_library(
    root: Path, keys: list[str], video_size: int = 24_000,
    shapes: Mapping[str, VideoShape] | None = None,
) -> None:
    """Write the sample files for ``keys`` under ``root`` (videos in ``shapes`` so shaped)."""
    for key in keys:
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        shape = (shapes or {}).get(key, VideoShape.FASTSTART)
        path.write_bytes(content_for(key, video_size=video_size, shape=shape))
