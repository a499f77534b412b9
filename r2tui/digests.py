"""Content digests of local files: SHA-256, MD5 and S3 multipart ETags, in one read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024
# boto3's upload_file default, used by the old upload scripts and by r2tui's own uploads.
DEFAULT_PART_SIZE = 8 * MiB
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * MiB
_READ = 1 * MiB


@dataclass(frozen=True, slots=True)
class Digests:
    """What a file's content hashes to. ``mpu_etag`` assumes :func:`part_size_for` parts."""

    sha256: str
    md5: str
    mpu_etag: str | None  # None for files that fit in one part
    # The MD5 of each of those parts when the file was just read (not kept in the hash cache):
    # the multipart upload sends them as Content-MD5 instead of hashing each part again.
    part_md5s: tuple[bytes, ...] = field(default=(), compare=False, repr=False)


def part_size_for(size: int) -> int:
    """The part size r2tui uses for a file of ``size`` bytes (8 MiB, grown for < 10,000 parts).

    The same rule as boto3's default, so objects uploaded by the old scripts and by r2tui get the
    same multipart ETag and can be recognised without a download.
    """
    part = DEFAULT_PART_SIZE
    while -(-size // part) > MAX_PARTS:
        part *= 2
    return part


def multipart_threshold() -> int:
    return DEFAULT_PART_SIZE


def compute_digests(path: Path) -> Digests:
    """Read ``path`` once and return its digests. Raises OSError if it cannot be read."""
    sha = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    size = path.stat().st_size
    part_size = part_size_for(size)
    part_md5s: list[bytes] = []
    part = hashlib.md5(usedforsecurity=False)
    in_part = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_READ):
            sha.update(chunk)
            md5.update(chunk)
            view = memoryview(chunk)
            while view:
                take = min(len(view), part_size - in_part)
                part.update(view[:take])
                in_part += take
                view = view[take:]
                if in_part == part_size:
                    part_md5s.append(part.digest())
                    part = hashlib.md5(usedforsecurity=False)
                    in_part = 0
    if in_part:
        part_md5s.append(part.digest())
    if size < multipart_threshold():
        return Digests(sha.hexdigest(), md5.hexdigest(), None)
    return Digests(sha.hexdigest(), md5.hexdigest(), etag_of_parts(part_md5s), tuple(part_md5s))


def etag_of_parts(part_md5s: list[bytes]) -> str:
    """S3's multipart ETag: MD5 of the concatenated part MD5s, then ``-<number of parts>``."""
    joined = hashlib.md5(b"".join(part_md5s), usedforsecurity=False).hexdigest()
    return f"{joined}-{len(part_md5s)}"


def multipart_etag(path: Path, part_size: int) -> str:
    """The multipart ETag of ``path`` with another part size (a re-read; rarely needed)."""
    md5s = []
    with path.open("rb") as fh:
        while chunk := fh.read(part_size):
            md5s.append(hashlib.md5(chunk, usedforsecurity=False).digest())
    return etag_of_parts(md5s)


def candidate_part_sizes(size: int, parts: int) -> list[int]:
    """Part sizes (whole MiB) that split ``size`` bytes into exactly ``parts`` parts.

    Ordered by how common they are with S3 tools, then ascending.
    """
    common = [8, 5, 16, 10, 15, 32, 64, 100, 128, 256, 512]
    found = [m * MiB for m in common if -(-size // (m * MiB)) == parts]
    return found
