"""Server-side copies: CopyObject up to 5 GiB, UploadPartCopy above. No byte crosses the network.

Both ends are guarded: the source must still hold the version whose content was checked (its
ETag), the destination must be as ``guard`` says. R2's UploadPartCopy takes no source
condition, so a copy in parts reads the source's ETag again before it completes.
"""

from __future__ import annotations

import contextlib

from botocore.exceptions import ClientError

from r2tui.digests import Digests, part_size_for
from r2tui.inventory import ObjectDetails
from r2tui.transfers.context import JobError, TransferContext
from r2tui.transfers.guards import Guard
from r2tui.transfers.verify import head_object

MAX_COPY_SIZE = 5 * 1024**3  # CopyObject's limit; larger objects are copied part by part


def server_copy(
    ctx: TransferContext, source: str, key: str, size: int, args: dict[str, object],
    *, source_etag: str, guard: Guard,
) -> str:
    """Copy ``source`` (still at ``source_etag``) to ``key`` (may be the same key) with
    ``args`` as the new properties, if ``guard`` holds. Returns the new object's ETag; a
    failed condition raises the 412 ClientError."""
    copy_source = {"Bucket": ctx.bucket, "Key": source}
    if size <= MAX_COPY_SIZE:
        response = ctx.call(
            lambda: ctx.client.copy_object(
                Bucket=ctx.bucket, Key=key, CopySource=copy_source, MetadataDirective="REPLACE",
                CopySourceIfMatch=f'"{source_etag}"', **args, **guard.copy_args(),
            )
        )
        return str(response["CopyObjectResult"]["ETag"]).strip('"')
    return _copy_in_parts(ctx, copy_source, key, size, args, source_etag, guard)


def _copy_in_parts(
    ctx: TransferContext, copy_source: dict[str, str], key: str, size: int,
    args: dict[str, object], source_etag: str, guard: Guard,
) -> str:
    created = ctx.call(
        lambda: ctx.client.create_multipart_upload(Bucket=ctx.bucket, Key=key, **args)
    )
    upload_id = created["UploadId"]
    part_size = part_size_for(size)
    try:
        parts = []
        for number, start in enumerate(range(0, size, part_size), start=1):
            end = min(start + part_size, size) - 1
            response = ctx.call(
                lambda n=number, a=start, b=end: ctx.client.upload_part_copy(
                    Bucket=ctx.bucket, Key=key, UploadId=upload_id, PartNumber=n,
                    CopySource=copy_source, CopySourceRange=f"bytes={a}-{b}",
                )
            )
            parts.append({"PartNumber": number, "ETag": response["CopyPartResult"]["ETag"]})
        if head_object(ctx, copy_source["Key"]).etag != source_etag:
            raise JobError(f"{copy_source['Key']} changed while it was copied to {key}")
        done = ctx.call(
            lambda: ctx.client.complete_multipart_upload(
                Bucket=ctx.bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": parts}, **guard.put_args(),
            )
        )
    except BaseException:
        abort_quietly(ctx, key, upload_id)
        raise
    return str(done["ETag"]).strip('"')


def abort_quietly(ctx: TransferContext, key: str, upload_id: str) -> None:
    """Abort an upload (free of charge); a failure only leaves it to R2's 7-day cleanup."""
    with contextlib.suppress(Exception):  # e.g. network down: nothing more to do here
        ctx.call_to_clean_up(
            lambda: ctx.client.abort_multipart_upload(
                Bucket=ctx.bucket, Key=key, UploadId=upload_id
            )
        )


def holds_content(
    ctx: TransferContext, key: str, size: int, digests: Digests
) -> ObjectDetails | None:
    """The object at ``key`` if it holds this content (one HEAD before copying), else None."""
    try:
        details = head_object(ctx, key)
    except ClientError:
        return None
    return details if same_content(details, size, digests) else None


def same_content(details: ObjectDetails, size: int, digests: Digests) -> bool:
    if details.size != size:
        return False
    if details.sha256:
        return details.sha256.lower() == digests.sha256
    return details.etag in (digests.md5, digests.mpu_etag)
