"""Media facts: what a video or an image is (duration, size, codec, ...) and whether it reads.

Videos are read with PyAV (FFmpeg in the wheel), images with Pillow, both from a binary file
object: a local file, or the byte ranges of a bucket object (:mod:`r2tui.media_remote`). What
the container claims against what the file holds comes from its top-level boxes
(:mod:`r2tui.containers`). The facts depend on the content only, so they are cached by SHA-256
(:mod:`r2tui.media_cache`); what depends on a name or a category is in
:mod:`r2tui.media_problems`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import IO, Any

from r2tui.containers import SNIFF_BYTES, BoxWalk, Held, sniff, walk_boxes

IMAGE_CONTAINERS = frozenset({"png", "jpeg", "gif", "webp"})
VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".mov", ".webm", ".mkv"})
IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
FIRST_FRAMES = 3  # "decodes its first frames": enough to catch a broken start, still cheap


class Check(StrEnum):
    """How far a content was read: its header, its first frames, or every frame."""

    HEADER = "header"
    FIRST_FRAMES = "first_frames"
    ALL_FRAMES = "all_frames"

    @property
    def rank(self) -> int:
        return list(Check).index(self)


@dataclass(frozen=True, slots=True)
class MediaFacts:
    """The facts of one content. ``None`` means unknown (not read, or not that kind of file).

    ``corrupt`` and ``truncated`` say why, in a few words, when the content is.
    """

    kind: str  # "video" or "image"
    container: str | None  # sniffed from the bytes: mp4, mov, png, jpeg, ...
    checked: Check
    width: int | None = None
    height: int | None = None
    duration: float | None = None  # seconds
    codec: str | None = None
    frame_rate: float | None = None
    bitrate: int | None = None  # bits per second, the whole file's
    has_audio: bool | None = None
    faststart: bool | None = None  # MP4/MOV: ``moov`` before ``mdat``
    corrupt: str | None = None
    truncated: str | None = None

    @property
    def resolution(self) -> tuple[int, int] | None:
        return (self.width, self.height) if self.width and self.height else None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MediaFacts:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["checked"] = Check(values["checked"])
        return cls(**values)


def media_kind(name: str) -> str | None:
    """``video`` or ``image`` by the name's extension; None for any other file."""
    ext = os.path.splitext(name)[1].lower()
    if ext in VIDEO_EXTENSIONS:
        return "video"
    if ext in IMAGE_EXTENSIONS:
        return "image"
    return None


HeldEnd = Callable[[int], int]  # offset -> where the bytes held from there end


def read_facts(
    source: IO[bytes], total: int, name: str, *, deep: bool = False,
    held_end: HeldEnd | None = None,
) -> MediaFacts:
    """The facts of the ``total`` bytes ``source`` reads, for a file called ``name``.

    The content decides how it is read (a PNG named ``.jpg`` is read as a PNG); the name only
    when the content is no known format. ``held_end`` tells where the bytes held end from an
    offset (a bucket object's ranges); without it the whole file is held. Frames whose bytes are
    not held are not decoded, so a partial read never calls a good file corrupt. ``deep``
    decodes every frame instead of the first ones.
    """
    ends = held_end or (lambda _offset: total)
    # How far the check goes: a partial read vouches for the header only (the frames it holds
    # are decoded all the same, see _decode).
    level = (Check.ALL_FRAMES if deep else Check.FIRST_FRAMES) if ends(0) >= total \
        else Check.HEADER
    source.seek(0)
    container = sniff(source.read(SNIFF_BYTES))
    if container in IMAGE_CONTAINERS or (container is None and media_kind(name) == "image"):
        return _image(source, container, level)
    return _video(source, total, container, level, ends)


def held_reader(source: IO[bytes], ends: HeldEnd) -> Held:
    """Reads of ``source`` that answer None for bytes not held (what the box walk takes)."""

    def held(offset: int, length: int) -> bytes | None:
        if ends(offset) < offset + length:
            return None
        source.seek(offset)
        data = source.read(length)
        return data if len(data) == length else None

    return held


def _video(
    source: IO[bytes], total: int, container: str | None, level: Check, ends: HeldEnd
) -> MediaFacts:
    walk: BoxWalk | None = None
    truncated = None
    if container in ("mp4", "mov"):
        walk = walk_boxes(held_reader(source, ends), total)
        if walk.overrun is not None:
            box = walk.overrun
            truncated = (f"the {box.type!r} box claims {box.end:,} bytes, "
                         f"the file holds {total:,}")
    base = MediaFacts("video", container, level, truncated=truncated,
                      faststart=walk.faststart if walk else None)
    import av  # FFmpeg's libraries take a while to load: only when a video is read

    source.seek(0)
    try:
        opened = av.open(source, mode="r")
    except (av.FFmpegError, OSError) as exc:
        return replace(base, corrupt=f"does not open: {_reason(exc)}")
    with opened:
        facts = _stream_facts(opened, base)
        if not opened.streams.video:
            return replace(facts, corrupt="no video stream")
        return _decode(opened, facts, ends)


def _stream_facts(opened: Any, base: MediaFacts) -> MediaFacts:
    duration = opened.duration / 1_000_000 if opened.duration else None
    if not opened.streams.video:
        return replace(base, duration=duration, has_audio=bool(opened.streams.audio))
    video = opened.streams.video[0]
    if duration is None and video.duration and video.time_base:
        duration = float(video.duration * video.time_base)
    rate = video.average_rate or video.guessed_rate
    return replace(
        base, width=video.codec_context.width or None, height=video.codec_context.height or None,
        duration=duration, codec=video.codec_context.name, frame_rate=float(rate) if rate else None,
        bitrate=opened.bit_rate or None, has_audio=bool(opened.streams.audio),
    )


def _decode(opened: Any, facts: MediaFacts, ends: HeldEnd) -> MediaFacts:
    """Decode the first frames (every frame when checking all) whose bytes are held.

    From a partial read (``checked`` is the header), the frames held are decoded and a file
    whose first frames are held is counted as checked that far."""
    import av

    wanted = None if facts.checked is Check.ALL_FRAMES else FIRST_FRAMES
    reached = Check.FIRST_FRAMES if facts.checked is Check.HEADER else facts.checked
    decoded = 0
    ran_out = False
    stream = opened.streams.video[0]
    try:
        for packet in opened.demux(stream):
            if packet.size == 0:
                continue
            # A short read at the end of the bytes held: the data is missing, not broken.
            if packet.is_corrupt and packet.pos is not None and \
                    packet.pos + packet.size >= ends(packet.pos):
                ran_out = True
                break
            decoded += len(stream.codec_context.decode(packet))
            if wanted is not None and decoded >= wanted:
                break
        else:
            decoded += len(stream.codec_context.decode(None))
    except av.FFmpegError as exc:
        return replace(facts, corrupt=f"frame {decoded + 1} does not decode: {_reason(exc)}",
                       checked=reached)
    if decoded == 0:
        if ran_out and facts.checked is Check.HEADER:
            return facts  # no frame's bytes are held
        return replace(facts, corrupt="no frame decodes")
    return replace(facts, checked=reached)


def _image(source: IO[bytes], container: str | None, level: Check) -> MediaFacts:
    """Format and size from the header; decoded whole (an image's one frame) when held."""
    from PIL import Image, UnidentifiedImageError

    whole = level is not Check.HEADER
    base = MediaFacts("image", container, Check.ALL_FRAMES if whole else Check.HEADER)
    source.seek(0)
    try:
        with Image.open(source) as image:
            facts = replace(base, width=image.width, height=image.height,
                             container=container or (image.format or "").lower() or None)
            if not whole:
                return facts  # the header only: a ranged read of a bucket object
            try:
                image.load()
            except OSError as exc:
                if "truncated" in str(exc):
                    return replace(facts, truncated=str(exc))
                return replace(facts, corrupt=f"does not decode: {_reason(exc)}")
            return facts
    except Image.DecompressionBombError:
        return base  # too many pixels to open safely: its size stays unknown, not a fault
    except UnidentifiedImageError:
        return replace(base, corrupt="does not open: not an image Pillow knows")
    except (OSError, ValueError) as exc:
        return replace(base, corrupt=f"does not open: {_reason(exc)}")


def _reason(exc: BaseException) -> str:
    """An error's text in one line, without the file name FFmpeg appends."""
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())
