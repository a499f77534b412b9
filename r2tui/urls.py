"""Signed (presigned SigV4) and public URLs for objects."""

from __future__ import annotations

from urllib.parse import quote

from r2tui.errors import ConfigError, UsageError
from r2tui.layout import Layout
from r2tui.settings import MAX_EXPIRES
from r2tui.storage import S3Client


def signed_url(client: S3Client, bucket: str, key: str, expires: int) -> str:
    """A presigned GET URL valid for ``expires`` seconds (1 s to 7 days)."""
    if not 1 <= expires <= MAX_EXPIRES:
        raise UsageError("signed URLs last from 1 second to 7 days")
    return client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires
    )


def public_url(base: str | None, layout: Layout, key: str) -> str:
    """``<public base>/<percent-encoded key>``, refused for categories that are signed-only."""
    category = layout.category_of(key)
    if category is None or not category.is_public:
        what = f"{category.name} ({category.kind.value}s)" if category else "uncategorised keys"
        reason = (
            "videos are served only through signed URLs"
            if category is not None and category.kind.value == "video"
            else "only public categories (cards and avatars) have public URLs"
        )
        raise UsageError(f"no public URL for {key!r}: {what} are private; {reason}")
    if not base:
        raise ConfigError("no public base URL: set R2_PUBLIC_URL or R2_ACCOUNT_ID")
    return f"{base.rstrip('/')}/{quote(key, safe='/~')}"
