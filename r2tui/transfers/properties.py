"""What every object r2tui writes carries: Content-Type, Cache-Control and ``sha256`` metadata."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import PurePosixPath

from r2tui.settings import Settings

# Fixed answers for the library's own kinds, whatever the machine's mime.types says.
_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".log": "text/plain; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
}
DEFAULT_TYPE = "application/octet-stream"


def content_type_for(key: str) -> str:
    suffix = PurePosixPath(key).suffix.lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed, encoding = mimetypes.guess_type(key, strict=False)
    return guessed if guessed and not encoding else DEFAULT_TYPE


def object_args(settings: Settings, key: str, sha256: str) -> dict[str, object]:
    """Parameters for PutObject / CreateMultipartUpload / CopyObject (REPLACE). No ACL: R2
    rejects ACL headers and objects stay private."""
    return {
        "ContentType": content_type_for(key),
        "CacheControl": settings.cache_control,
        "Metadata": {"sha256": sha256},
    }


def content_md5(md5_digest: bytes) -> str:
    """The Content-MD5 header value: base64 of the raw digest."""
    return base64.b64encode(md5_digest).decode("ascii")
