"""No abandoned multipart uploads: the tool's own strays are aborted at the end of a run."""

from __future__ import annotations

import os

from r2tui.transfers.context import TransferContext
from r2tui.transfers.copy import abort_quietly


def abort_orphans(ctx: TransferContext, keys: set[str]) -> int:
    """Abort unfinished uploads to ``keys`` that the journal does not keep for resuming.

    They come from a CreateMultipartUpload whose response was lost, or a crash between creating
    an upload and journaling it. Uploads to other keys are someone else's and are left alone.
    Returns how many were aborted.
    """
    if not keys:
        return 0
    keep = ctx.journal.upload_ids(ctx.bucket)
    prefix = os.path.commonprefix(sorted(keys))
    aborted = 0
    kwargs: dict[str, str] = {"Bucket": ctx.bucket, "Prefix": prefix}
    while True:
        page = ctx.call(lambda kw=dict(kwargs): ctx.client.list_multipart_uploads(**kw))
        for upload in page.get("Uploads", ()):
            key, upload_id = upload["Key"], upload["UploadId"]
            if key in keys and keep.get(key) != upload_id:
                abort_quietly(ctx, key, upload_id)
                aborted += 1
        if not page.get("IsTruncated"):
            return aborted
        kwargs["KeyMarker"] = page.get("NextKeyMarker", "")
        kwargs["UploadIdMarker"] = page.get("NextUploadIdMarker", "")
