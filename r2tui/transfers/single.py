"""Small files: one PutObject with Content-MD5, so the server rejects a corrupted body."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from r2tui.digests import Digests
from r2tui.scan import LocalFile
from r2tui.transfers.context import JobError, TransferContext
from r2tui.transfers.guards import Guard
from r2tui.transfers.localfile import changed, read_range
from r2tui.transfers.properties import content_md5, object_args


def put_small(
    ctx: TransferContext, file: LocalFile, digests: Digests, progress: Callable[[int], None],
    guard: Guard,
) -> str:
    """Send ``file`` in one PUT, stored only if ``guard`` holds; return the ETag the server
    gave it.

    The bytes are hashed before they are sent: if they are not what was planned (the file
    changed since it was hashed), nothing is written.
    """
    data = read_range(file.path, 0, file.size)
    if hashlib.sha256(data).hexdigest() != digests.sha256:
        raise changed(file.path)
    md5 = hashlib.md5(data, usedforsecurity=False)
    args = object_args(ctx.settings, file.key, digests.sha256)
    response = ctx.call(
        lambda: ctx.client.put_object(
            Bucket=ctx.bucket, Key=file.key, Body=data, ContentMD5=content_md5(md5.digest()),
            **args, **guard.put_args(),
        )
    )
    etag = str(response.get("ETag", "")).strip('"')
    if etag != md5.hexdigest():
        raise JobError(f"the storage answered ETag {etag!r} for {file.key}, expected the MD5")
    progress(file.size)
    return etag
