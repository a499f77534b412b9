"""Tiny generated media for the tests: real H.264 MP4s made with PyAV, and their broken kin.

Generated once per test process (a fraction of a second); every file's facts are known.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import av

from r2tui.containers import walk_boxes
from r2tui.sample import png

WIDTH, HEIGHT, FPS, FRAMES = 64, 48, 24, 24  # one second of video
ODD_WIDTH, ODD_HEIGHT = 80, 60
AUDIO_RATE = 8000
BIG_FRAMES = 24  # noise frames, losslessly coded: about 1 MB, to show ranged reads save bytes


@dataclass(frozen=True)
class Media:
    """The generated contents, by what they are."""

    good: bytes  # fast-start, with an AAC audio track
    slow: bytes  # moov after mdat
    truncated: bytes  # the good one cut at 70 %: mdat claims more than the file holds
    garbage_frames: bytes  # a good header, then random bytes instead of the samples
    random: bytes  # no container at all
    mov: bytes  # a QuickTime file (brand 'qt  ')
    odd: bytes  # fast-start, 80x60, no audio
    card: bytes  # a 48x48 PNG
    big_fast: bytes  # about 1 MB, fast-start
    big_slow: bytes  # about 1 MB, moov at the end


def encode(
    path: Path, *, width: int = WIDTH, height: int = HEIGHT, frames: int = FRAMES,
    faststart: bool = True, audio: bool = True, container: str = "mp4", noise: bool = False,
) -> bytes:
    """Write an H.264 video (AAC audio when ``audio``) to ``path`` and return its bytes."""
    rng = random.Random(frames * 1000 + width)
    options = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", format=container, options=options) as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "threads": "1", **({"qp": "0"} if noise else {})}
        sound = out.add_stream("aac", rate=AUDIO_RATE) if audio else None
        for i in range(frames):
            frame = av.VideoFrame(width, height, "yuv420p")
            for p, plane in enumerate(frame.planes):
                plane.update(rng.randbytes(plane.buffer_size) if noise
                             else bytes([(i * 7 + p * 50) % 256]) * plane.buffer_size)
            frame.pts = i
            for packet in video.encode(frame):
                out.mux(packet)
        for packet in video.encode():
            out.mux(packet)
        if sound is not None:
            _silence(out, sound, seconds=frames / FPS)
    return path.read_bytes()


def _silence(out: av.container.OutputContainer, stream: av.AudioStream, seconds: float) -> None:
    chunk = 1024
    for start in range(0, int(AUDIO_RATE * seconds), chunk):
        frame = av.AudioFrame(format="fltp", layout="mono", samples=chunk)
        frame.planes[0].update(bytes(chunk * 4))
        frame.sample_rate, frame.pts = AUDIO_RATE, start
        for packet in stream.encode(frame):
            out.mux(packet)
    for packet in stream.encode():
        out.mux(packet)


def generate(folder: Path) -> Media:
    folder.mkdir(parents=True, exist_ok=True)
    good = encode(folder / "good.mp4")
    mdat = walk_boxes(lambda at, n: good[at:at + n], len(good)).first("mdat")
    assert mdat is not None
    body = mdat.start + 8
    garbage = good[:body] + random.Random(2).randbytes(len(good) - body)
    return Media(
        good=good,
        slow=encode(folder / "slow.mp4", faststart=False),
        truncated=good[:len(good) * 7 // 10],
        garbage_frames=garbage,
        random=random.Random(3).randbytes(3000),
        mov=encode(folder / "clip.mov", container="mov", audio=False),
        odd=encode(folder / "odd.mp4", width=ODD_WIDTH, height=ODD_HEIGHT, audio=False),
        card=png(48, 48, (200, 40, 90)),
        big_fast=encode(folder / "big-fast.mp4", width=160, height=120, frames=BIG_FRAMES,
                        audio=False, noise=True),
        big_slow=encode(folder / "big-slow.mp4", width=160, height=120, frames=BIG_FRAMES,
                        audio=False, noise=True, faststart=False),
    )
