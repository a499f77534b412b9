"""Image previews for cards and avatars: what may be read for one, and decoding it (no Textual).

A preview reads only the library's own file for a key (never a path a key or a symlink leads
out to) or the object itself, and never more than PREVIEW_MAX_BYTES: a bigger file gets no
preview and a line that says why.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from r2tui.formatting import size as human_size

PREVIEW_MAX_BYTES = 4 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif")


@dataclass(frozen=True)
class Preview:
    """A decoded image, or why there is none."""

    image: Image.Image | None = None
    note: str = ""


def too_big(size: int) -> Preview | None:
    """No preview for a file over the limit (the note says so); None if it may be read."""
    if size <= PREVIEW_MAX_BYTES:
        return None
    return Preview(note=f"no preview: the file is {human_size(size)} ({size:,} bytes), over "
                        f"the {PREVIEW_MAX_BYTES:,} bytes a preview reads")


def read_local(path: Path) -> bytes:
    """At most one byte more than the limit, so that a file grown since its stat is seen."""
    with path.open("rb") as file:
        return file.read(PREVIEW_MAX_BYTES + 1)


def decode(data: bytes) -> Preview:
    if len(data) > PREVIEW_MAX_BYTES:
        return too_big(len(data)) or Preview()
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        return Preview(note="no preview: not an image this preview can read")
    return Preview(image)
