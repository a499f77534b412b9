"""Large files: multipart upload with parts in parallel, journaled so a rerun resumes it.

Parts are ``part_size_for(size)`` bytes (all equal but the last), so the final ETag is the one
identity.py computes locally. Each part carries Content-MD5 (the one the hashing read found, when
this run hashed the file: bytes that changed since are refused by the server, or answered with
another ETag, and the file counts as changed); its ETag goes to the journal as soon as the server
confirms it. Before completing, the ETag that the sent parts add up to must equal the
one computed from the file when it was hashed: a file that changed meanwhile is never completed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait

from botocore.exceptions import ClientError

from r2tui.digests import Digests, etag_of_parts, part_size_for
from r2tui.scan import LocalFile
from r2tui.transfers.context import JobError, TransferContext
from r2tui.transfers.copy import abort_quietly
from r2tui.transfers.guards import Guard, precondition_failed
from r2tui.transfers.journal import JournalEntry
from r2tui.transfers.localfile import changed, is_unchanged, read_range
from r2tui.transfers.properties import content_md5, object_args
from r2tui.transfers.retry import Cancelled, error_code
from r2tui.transfers.verify import head_object

Progress = Callable[[int, bool], None]  # (bytes, sent now) - resumed parts are not "sent"


def upload_multipart(
    ctx: TransferContext, file: LocalFile, digests: Digests, progress: Progress, guard: Guard
) -> str:
    """Upload (or resume uploading) ``file``, completed only if ``guard`` holds; return the
    completed object's ETag."""
    try:
        return _upload(ctx, file, digests, progress, guard)
    except ClientError as exc:
        if error_code(exc) != "NoSuchUpload":
            raise
    # The server forgot the upload mid-way: aborted elsewhere, older than 7 days, or completed
    # by another run sharing the journal (whose object the guard of the next try will meet).
    return _upload(ctx, file, digests, progress, guard)


def _upload(
    ctx: TransferContext, file: LocalFile, digests: Digests, progress: Progress, guard: Guard
) -> str:
    part_size = part_size_for(file.size)
    entry = resume(ctx, file, digests, part_size) or _create(ctx, file, digests, part_size)
    resumed = sum(_part_length(file.size, part_size, n) for n in entry.parts)
    if resumed:
        progress(resumed, False)
    count = -(-file.size // part_size)
    try:
        _send_parts(ctx, file, entry, [n for n in range(1, count + 1) if n not in entry.parts],
                    digests, progress)
    except ClientError as exc:
        if error_code(exc) == "NoSuchUpload":
            ctx.journal.end(ctx.bucket, file.key, entry.upload_id)
        raise
    etags = [entry.parts[n] for n in range(1, count + 1)]
    sent_etag = etag_of_parts([bytes.fromhex(e) for e in etags])
    if sent_etag != digests.mpu_etag or not is_unchanged(file):
        _discard(ctx, file.key, entry.upload_id)  # its parts mix old and new content
        raise changed(file.path)
    return _complete(ctx, file, entry, etags, digests, guard)


def _part_length(size: int, part_size: int, number: int) -> int:
    return min(part_size, size - (number - 1) * part_size)


def _create(
    ctx: TransferContext, file: LocalFile, digests: Digests, part_size: int
) -> JournalEntry:
    args = object_args(ctx.settings, file.key, digests.sha256)
    ctx.journal.claim(ctx.bucket, file.key)
    response = ctx.call(
        lambda: ctx.client.create_multipart_upload(Bucket=ctx.bucket, Key=file.key, **args)
    )
    entry = JournalEntry(file.key, response["UploadId"], file.size, digests.sha256, part_size)
    ctx.journal.begin(ctx.bucket, entry)
    return entry


def resume(
    ctx: TransferContext, file: LocalFile, digests: Digests, part_size: int
) -> JournalEntry | None:
    """The journaled upload of this very content, with the parts the server still holds."""
    entry = ctx.journal.get(ctx.bucket, file.key)
    if entry is None:
        return None
    if (entry.sha256, entry.size, entry.part_size) != (digests.sha256, file.size, part_size):
        _discard(ctx, file.key, entry.upload_id)  # another content: its parts are useless
        return None
    try:
        stored = _list_parts(ctx, file.key, entry.upload_id)
    except ClientError as exc:
        if error_code(exc) != "NoSuchUpload":
            raise
        ctx.journal.end(ctx.bucket, file.key, entry.upload_id)
        return None
    kept = {}
    for number, (etag, size) in stored.items():
        if size != _part_length(file.size, part_size, number):
            continue
        if entry.parts.get(number) == etag or _local_md5(file, part_size, number) == etag:
            kept[number] = etag
    entry.parts = kept
    return entry


def _list_parts(ctx: TransferContext, key: str, upload_id: str) -> dict[int, tuple[str, int]]:
    parts: dict[int, tuple[str, int]] = {}
    marker = 0
    while True:
        page = ctx.call(
            lambda m=marker: ctx.client.list_parts(
                Bucket=ctx.bucket, Key=key, UploadId=upload_id, PartNumberMarker=m
            )
        )
        for part in page.get("Parts", ()):
            parts[int(part["PartNumber"])] = (str(part["ETag"]).strip('"'), int(part["Size"]))
        if not page.get("IsTruncated"):
            return parts
        marker = int(page["NextPartNumberMarker"])


def _local_md5(file: LocalFile, part_size: int, number: int) -> str:
    length = _part_length(file.size, part_size, number)
    data = read_range(file.path, (number - 1) * part_size, length)
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _send_parts(
    ctx: TransferContext, file: LocalFile, entry: JournalEntry, numbers: list[int],
    digests: Digests, progress: Progress,
) -> None:
    """Send parts in parallel; on the first failure the parts not yet started are dropped."""
    stop = threading.Event()

    def send(number: int) -> None:
        if stop.is_set() or ctx.cancel.is_set():
            raise Cancelled
        try:
            _send_part(ctx, file, entry, number, _known_md5(file, entry, digests, number),
                       progress)
        except BaseException:
            stop.set()
            raise

    futures: list[Future[None]] = [ctx.parts.submit(send, n) for n in numbers]
    wait(futures)
    errors = [f.exception() for f in futures if f.exception() is not None]
    real = [e for e in errors if not isinstance(e, Cancelled)]
    if errors:
        raise (real or errors)[0]  # a real failure explains more than the cancelled rest


def _known_md5(file: LocalFile, entry: JournalEntry, digests: Digests, number: int
               ) -> bytes | None:
    """The part's MD5 from the hashing read, if this run made one at this part size."""
    count = -(-file.size // entry.part_size)
    if entry.part_size != part_size_for(file.size) or len(digests.part_md5s) != count:
        return None
    return digests.part_md5s[number - 1]


def _part_md5(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


def _send_part(
    ctx: TransferContext, file: LocalFile, entry: JournalEntry, number: int,
    known: bytes | None, progress: Progress,
) -> None:
    length = _part_length(file.size, entry.part_size, number)
    data = read_range(file.path, (number - 1) * entry.part_size, length)
    md5 = known or _part_md5(data)
    try:
        response = ctx.call(
            lambda: ctx.client.upload_part(
                Bucket=ctx.bucket, Key=file.key, UploadId=entry.upload_id, PartNumber=number,
                Body=data, ContentMD5=content_md5(md5),
            )
        )
    except ClientError as exc:
        if known is not None and error_code(exc) == "BadDigest":  # not the bytes hashed
            raise changed(file.path) from None
        raise
    etag = str(response.get("ETag", "")).strip('"')
    if etag != md5.hex():
        if known is not None:
            raise changed(file.path)
        raise JobError(f"the storage answered ETag {etag!r} for part {number} of {file.key}")
    ctx.journal.add_part(entry.upload_id, number, etag)
    entry.parts[number] = etag
    progress(length, True)


def _complete(
    ctx: TransferContext, file: LocalFile, entry: JournalEntry, etags: list[str],
    digests: Digests, guard: Guard,
) -> str:
    parts = [{"PartNumber": n, "ETag": f'"{e}"'} for n, e in enumerate(etags, start=1)]
    try:
        response = ctx.call(
            lambda: ctx.client.complete_multipart_upload(
                Bucket=ctx.bucket, Key=file.key, UploadId=entry.upload_id,
                MultipartUpload={"Parts": parts}, **guard.put_args(),
            )
        )
        etag = str(response.get("ETag", "")).strip('"')
    except ClientError as exc:
        if precondition_failed(exc):  # R2 aborts the upload: the next try starts another
            ctx.journal.end(ctx.bucket, file.key, entry.upload_id)
            raise
        # A retried Complete whose first response was lost: the object may already be there.
        if error_code(exc) != "NoSuchUpload" or not _landed(ctx, file, digests):
            raise
        etag = str(digests.mpu_etag)
    ctx.journal.end(ctx.bucket, file.key, entry.upload_id)
    return etag


def _landed(ctx: TransferContext, file: LocalFile, digests: Digests) -> bool:
    try:
        details = head_object(ctx, file.key)
    except ClientError:
        return False
    return details.size == file.size and details.etag == digests.mpu_etag


def _discard(ctx: TransferContext, key: str, upload_id: str) -> None:
    abort_quietly(ctx, key, upload_id)
    ctx.journal.end(ctx.bucket, key, upload_id)
