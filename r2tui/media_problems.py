"""Media problems: what is wrong with a video or an image, from its facts, its name and its
category's other files.

The facts depend on the content only (they are cached by SHA-256); a name's extension and a
category's usual size are judged here, each time.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from r2tui.layout import Layout
from r2tui.media import MediaFacts


class ProblemKind(StrEnum):
    CORRUPT = "corrupt"  # does not open, or its first frames do not decode
    TRUNCATED = "truncated"  # the container claims more bytes than the file holds
    NOT_FASTSTART = "not_faststart"  # MP4/MOV with ``moov`` after ``mdat``
    EXTENSION_MISMATCH = "extension_mismatch"  # a PNG named .jpg, a MOV named .mp4
    RESOLUTION_OUTLIER = "resolution_outlier"  # not the category's usual size


# What ``upload`` refuses to send (unless forced): such a file will never play or show.
REFUSED = frozenset({ProblemKind.CORRUPT, ProblemKind.TRUNCATED})
MIN_FOR_USUAL = 3  # fewer sizes known than this: a category has no usual size

_EXPECTED = {
    ".mp4": {"mp4"}, ".m4v": {"mp4"}, ".mov": {"mov"}, ".webm": {"matroska"},
    ".mkv": {"matroska"}, ".png": {"png"}, ".jpg": {"jpeg"}, ".jpeg": {"jpeg"},
    ".gif": {"gif"}, ".webp": {"webp"},
}
_FORMAT_NAMES = {"mp4": "MP4", "mov": "MOV (QuickTime)", "matroska": "Matroska/WebM",
                 "png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WebP"}


@dataclass(frozen=True, slots=True, order=True)
class MediaProblem:
    key: str
    kind: ProblemKind
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"key": self.key, "kind": self.kind.value, "detail": self.detail}


def problems_of(key: str, facts: MediaFacts) -> list[MediaProblem]:
    """What is wrong with one file on its own (the category's usual size aside)."""
    found = []
    if facts.corrupt is not None:
        found.append(MediaProblem(key, ProblemKind.CORRUPT, facts.corrupt))
    if facts.truncated is not None:
        found.append(MediaProblem(key, ProblemKind.TRUNCATED, facts.truncated))
    if facts.faststart is False:
        found.append(MediaProblem(
            key, ProblemKind.NOT_FASTSTART,
            "moov after mdat: a browser must fetch the end before it can start playing"))
    mismatch = extension_mismatch(key, facts)
    if mismatch is not None:
        found.append(MediaProblem(key, ProblemKind.EXTENSION_MISMATCH, mismatch))
    return found


def refusal(key: str, facts: MediaFacts) -> str | None:
    """Why ``upload`` refuses this file (corrupt or truncated), or None."""
    reasons = [f"{p.kind.value}: {p.detail}" for p in problems_of(key, facts) if p.kind in REFUSED]
    return "; ".join(reasons) or None


def extension_mismatch(key: str, facts: MediaFacts) -> str | None:
    """``PNG content named .jpg``, when the content sniffed is not what the extension says."""
    ext = os.path.splitext(key)[1].lower()
    expected = _EXPECTED.get(ext)
    if facts.container is None or expected is None or facts.container in expected:
        return None
    return f"{_FORMAT_NAMES.get(facts.container, facts.container)} content named {ext}"


def usual_resolution(facts: Iterable[MediaFacts]) -> tuple[tuple[int, int], int, int] | None:
    """The most common width x height among ``facts``, how many have it and how many sizes are
    known; None with fewer than three known or a tie for the first place."""
    sizes = Counter(f.resolution for f in facts if f.resolution is not None)
    known = sum(sizes.values())
    if known < MIN_FOR_USUAL:
        return None
    (top, count), *rest = sizes.most_common(2)
    if rest and rest[0][1] == count:
        return None
    return top, count, known


def resolution_outliers(facts: Mapping[str, MediaFacts], layout: Layout) -> list[MediaProblem]:
    """Files whose size is not their category's usual one (its videos and images apart)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, one in facts.items():
        category = layout.category_of(key)
        if category is not None and one.resolution is not None:
            groups[(category.id, one.kind)].append(key)
    found = []
    for keys in groups.values():
        usual = usual_resolution(facts[k] for k in keys)
        if usual is None:
            continue
        (width, height), count, known = usual
        for key in keys:
            size = facts[key].resolution
            if size != (width, height):
                assert size is not None
                found.append(MediaProblem(
                    key, ProblemKind.RESOLUTION_OUTLIER,
                    f"{size[0]}x{size[1]}; the category's usual size is {width}x{height} "
                    f"({count} of {known})"))
    return found


def judge(facts: Mapping[str, MediaFacts], layout: Layout) -> list[MediaProblem]:
    """Every problem of these files: each one's own, and the odd sizes in their categories."""
    found = [p for key, one in facts.items() for p in problems_of(key, one)]
    return sorted(found + resolution_outliers(facts, layout))
