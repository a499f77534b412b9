"""An object counts as done only once the bucket itself confirms its size and ETag.

A single PUT's own answer is that confirmation (the server checked Content-MD5, the ETag is the
MD5); multipart uploads and server-side copies are confirmed with a HEAD.
"""

from __future__ import annotations

from botocore.exceptions import ClientError

from r2tui.inventory import ObjectDetails, head
from r2tui.transfers.context import JobError, TransferContext


def head_object(ctx: TransferContext, key: str) -> ObjectDetails:
    """HEAD ``key`` (a Class B read) with the transfer retries."""
    return ctx.call(lambda: head(ctx.client, ctx.bucket, key))


def stored_version(ctx: TransferContext, key: str) -> ObjectDetails | None:
    """HEAD ``key`` now; None if there is no object."""
    try:
        return head_object(ctx, key)
    except ClientError as exc:
        if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return None
        raise


def confirm(ctx: TransferContext, key: str, size: int, etag: str) -> None:
    """Compare the stored object with what was sent; a JobError says what does not match."""
    details = head_object(ctx, key)
    if details.size != size:
        raise JobError(f"the bucket holds {details.size} bytes for {key}, expected {size}")
    if etag and details.etag != etag:
        raise JobError(f"the bucket holds ETag {details.etag} for {key}, expected {etag}")
