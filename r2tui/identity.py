"""Is a bucket object the same content as a local file? Decided without downloads where possible.

Evidence, strongest and cheapest first: sizes; r2tui's own upload record (trusted only while the
object's size and ETag still match); the ETag (plain MD5 for single PUTs, MD5-of-part-MD5s for
multipart uploads with the usual part size); the object's ``sha256`` metadata (one HEAD). What
none of these can decide is *unverified*, never *changed*.
"""

from __future__ import annotations

from enum import StrEnum

from r2tui.digests import Digests, candidate_part_sizes, multipart_etag
from r2tui.inventory import ObjectDetails, RemoteObject
from r2tui.scan import LocalFile
from r2tui.state import UploadRecord


class Verdict(StrEnum):
    SAME = "same"
    CHANGED = "changed"
    UNVERIFIED = "unverified"


def quick_verdict(
    local: LocalFile, digests: Digests, remote: RemoteObject, record: UploadRecord | None
) -> Verdict | None:
    """A verdict from what is already known, or None when the object's metadata is needed."""
    if local.size != remote.size:
        return Verdict.CHANGED
    if record is not None and record.size == remote.size and record.etag == remote.etag:
        return Verdict.SAME if record.sha256 == digests.sha256 else Verdict.CHANGED
    if not remote.is_multipart:
        if len(remote.etag) == 32:
            return Verdict.SAME if remote.etag == digests.md5 else Verdict.CHANGED
        return None
    if digests.mpu_etag is not None and remote.etag == digests.mpu_etag:
        return Verdict.SAME
    return None


def verdict_from_details(local: LocalFile, digests: Digests, details: ObjectDetails) -> Verdict:
    """Decide with the object's HEAD: its ``sha256`` metadata, else other usual part sizes."""
    if details.size != local.size:
        return Verdict.CHANGED
    if details.sha256:
        return Verdict.SAME if details.sha256.lower() == digests.sha256 else Verdict.CHANGED
    etag = details.etag
    if "-" in etag:
        parts = int(etag.rsplit("-", 1)[1]) if etag.rsplit("-", 1)[1].isdigit() else 0
        for part_size in candidate_part_sizes(local.size, parts):
            try:
                if multipart_etag(local.path, part_size) == etag:
                    return Verdict.SAME
            except OSError:
                break
    return Verdict.UNVERIFIED
