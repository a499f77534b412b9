"""No abandoned multipart uploads: the tool's own strays are aborted at the end of a run."""

from __future__ import annotations

import os

from r2tui.transfers.context import TransferContext
from r2tui.transfers.copy import abort_quietly


def abort_orphans(ctx: TransferContext, keys: set[str]) -> int:
    """Abort unfinished uploads to ``keys`` that the journal does not keep for resuming.

    They come from a CreateMultipartUpload whose response was lost, or a crash between creating
    an upload and journaling it. Uploads to other keys are someone else's and are left alone, and
    so are those at a key another live run sharing the journal has claimed.
    Returns how many were aborted.
    """
    if not keys:
        return 0
    prefix = os.path.commonprefix(sorted(keys))
    unfinished: list[tuple[str, str]] = []
    kwargs: dict[str, str] = {"Bucket": ctx.bucket, "Prefix": prefix}
    while True:
        page = ctx.call(lambda kw=dict(kwargs): ctx.client.list_multipart_uploads(**kw))
        uploads = page.get("Uploads", ())
        unfinished += [(u["Key"], u["UploadId"]) for u in uploads if u["Key"] in keys]
        if not page.get("IsTruncated"):
            break
        kwargs["KeyMarker"] = page.get("NextKeyMarker", "")
        kwargs["UploadIdMarker"] = page.get("NextUploadIdMarker", "")
    # Read after listing: an upload listed was claimed before it was created, so it is either
    # still claimed by its live run or journaled by now.
    journaled, claimed = ctx.journal.kept(ctx.bucket)
    strays = [(k, u) for k, u in unfinished if k not in claimed and journaled.get(k) != u]
    for key, upload_id in strays:
        abort_quietly(ctx, key, upload_id)
    return len(strays)
