"""An object counts as done only once the bucket itself confirms its size and ETag."""

from __future__ import annotations

from r2tui.inventory import head
from r2tui.transfers.context import JobError, TransferContext


def confirm(ctx: TransferContext, key: str, size: int, etag: str) -> None:
    """HEAD ``key`` (a Class B read) and compare; a JobError says what does not match."""
    details = ctx.call(lambda: head(ctx.client, ctx.bucket, key))
    if details.size != size:
        raise JobError(f"the bucket holds {details.size} bytes for {key}, expected {size}")
    if etag and details.etag != etag:
        raise JobError(f"the bucket holds ETag {details.etag} for {key}, expected {etag}")
