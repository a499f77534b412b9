"""A still of a local video, for a thumbnail: the frame about a tenth of the way in (the first
frames of a trainer's video are often black or a title)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

THUMBNAIL_AT = 0.1


def frame_at(path: Path, fraction: float = THUMBNAIL_AT) -> Image | None:
    """The first frame at or after ``fraction`` of the duration of the video at ``path``, as an
    RGB Pillow image; the last frame decoded when the video ends earlier; None when none decodes.

    Seeks to the keyframe before that time, then decodes forward: a few frames, not the file.
    Raises OSError when the file cannot be read.
    """
    import av

    try:
        with av.open(str(path)) as opened:
            if not opened.streams.video:
                return None
            stream = opened.streams.video[0]
            target = None
            if opened.duration and stream.time_base:
                seconds = opened.duration / 1_000_000 * fraction
                target = int(seconds / stream.time_base)
                opened.seek(target, stream=stream)
            last = None
            for frame in opened.decode(stream):
                last = frame
                if target is None or frame.pts is None or frame.pts >= target:
                    break
            return last.to_image() if last is not None else None
    except OSError:
        raise  # FFmpeg's "no such file" and "permission denied" are OSErrors too
    except av.FFmpegError:
        return None
