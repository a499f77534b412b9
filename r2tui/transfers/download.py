"""One object into a local file: ranged GETs in parallel into a hidden ``.part`` file, resumable,
verified, then renamed into place.

An object of one chunk (8 MiB) is one GET on the listing's ETag (``If-Match``), its answer
standing in for a HEAD. A bigger one is HEADed, and every ranged GET names the ETag the HEAD saw,
so the chunks all come from one version;
the journal records each chunk once it is on disk, so a rerun after a kill fetches only the rest
(if the object is still that version). The whole file is checked against the ``sha256``
metadata (or the ETag) before the rename; the file gets the object's mtime, and the hash cache
the digests computed for the check, so the next status reads nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import ClientError

from r2tui.digests import Digests, compute_digests, part_size_for
from r2tui.identity import Verdict, quick_verdict, verdict_from_details
from r2tui.inventory import ObjectDetails, RemoteObject, details_of
from r2tui.scan import LocalFile
from r2tui.transfers.context import JobError, TransferContext
from r2tui.transfers.download_plan import DownloadItem
from r2tui.transfers.guards import precondition_failed
from r2tui.transfers.journal import DownloadEntry
from r2tui.transfers.retry import Cancelled
from r2tui.transfers.verify import head_object

Progress = Callable[[int, bool], None]  # (bytes, received now) - resumed chunks are not


@dataclass(frozen=True)
class Fetched:
    """A downloaded file: its digests and stat, and whether its content could be proved."""

    path: Path
    digests: Digests
    size: int
    mtime_ns: int
    verified: bool


def part_path(target: Path) -> Path:
    """The hidden file a download is written to (the scan skips dot files)."""
    return target.with_name(f".{target.name}.r2tui-part")


def fetch(ctx: TransferContext, item: DownloadItem, progress: Progress) -> Fetched:
    """Download ``item`` to its target; a JobError says why not (the target is then as it was).

    The object may have been replaced since it was planned: the version the HEAD sees now is
    the one fetched. If it is replaced mid-way, the download starts over once.
    """
    if item.size <= part_size_for(item.size):
        fetched = _fetch_whole(ctx, item, progress)
        if fetched is not None:
            return fetched
    for _ in range(2):
        details = head_object(ctx, item.key)
        try:
            return _fetch(ctx, item, details, progress)
        except ClientError as exc:
            if not precondition_failed(exc):
                raise
    raise JobError("the object kept changing while it was downloaded; nothing written")


def _fetch_whole(ctx: TransferContext, item: DownloadItem, progress: Progress) -> Fetched | None:
    """An object of one chunk in one GET, on the listing's ETag: its answer says all a HEAD
    would, and there is nothing to resume, so no journal. None if the object changed since it
    was listed (412): the caller then takes the HEAD's way."""
    try:
        data, details = ctx.call(lambda: _get_whole(ctx, item))
    except ClientError as exc:
        if precondition_failed(exc):
            return None
        raise
    item.target.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(item.target)
    with part.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    progress(len(data), True)
    fetched = _verify(ctx, item, part, details)
    _put_in_place(item, part)
    return fetched


def _get_whole(ctx: TransferContext, item: DownloadItem) -> tuple[bytes, ObjectDetails]:
    response = ctx.client.get_object(Bucket=ctx.bucket, Key=item.key, IfMatch=f'"{item.etag}"')
    data = response["Body"].read()
    details = details_of(item.key, response)
    if len(data) != details.size:
        raise JobError(f"the storage sent {len(data)} bytes, expected {details.size}")
    return data, details


def _fetch(
    ctx: TransferContext, item: DownloadItem, details: ObjectDetails, progress: Progress
) -> Fetched:
    item.target.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(item.target)
    entry = _resume(ctx, part, details)
    resumed = sum(_chunk_length(details.size, entry.chunk_size, n) for n in entry.chunks)
    if resumed:
        progress(resumed, False)
    count = -(-details.size // entry.chunk_size)
    fd = os.open(part, os.O_RDWR)
    try:
        _get_chunks(ctx, item.key, details, entry, fd,
                    [n for n in range(count) if n not in entry.chunks], progress)
        os.fsync(fd)
    finally:
        os.close(fd)
    fetched = _verify(ctx, item, part, details)
    try:
        _put_in_place(item, part)
    finally:
        ctx.journal.end_download(str(part))
    return fetched


def _resume(ctx: TransferContext, part: Path, details: ObjectDetails) -> DownloadEntry:
    """The journaled chunks of this very version, or a fresh ``.part`` of the object's size."""
    entry = ctx.journal.download(str(part))
    chunk_size = part_size_for(details.size)
    if entry is not None and (entry.etag, entry.size, entry.chunk_size) == (
        details.etag, details.size, chunk_size
    ):
        try:
            if part.stat().st_size == details.size:
                return entry
        except FileNotFoundError:
            pass
    entry = DownloadEntry(str(part), details.etag, details.size, chunk_size)
    with part.open("wb") as fh:
        fh.truncate(details.size)
    ctx.journal.begin_download(entry)
    return entry


def _chunk_length(size: int, chunk_size: int, number: int) -> int:
    return min(chunk_size, size - number * chunk_size)


def _get_chunks(
    ctx: TransferContext, key: str, details: ObjectDetails, entry: DownloadEntry, fd: int,
    numbers: list[int], progress: Progress,
) -> None:
    """Fetch chunks in parallel; on the first failure the ones not yet started are dropped."""
    stop = threading.Event()

    def get(number: int) -> None:
        if stop.is_set() or ctx.cancel.is_set():
            raise Cancelled
        try:
            start = number * entry.chunk_size
            length = _chunk_length(details.size, entry.chunk_size, number)
            data = ctx.call(lambda: _read_range(ctx, key, details.etag, start, length))
            os.pwrite(fd, data, start)
            ctx.journal.add_chunk(entry.path, number)
            progress(length, True)
        except BaseException:
            stop.set()
            raise

    futures: list[Future[None]] = [ctx.parts.submit(get, n) for n in numbers]
    wait(futures)
    errors = [f.exception() for f in futures if f.exception() is not None]
    real = [e for e in errors if not isinstance(e, Cancelled)]
    if errors:
        raise (real or errors)[0]


def _read_range(ctx: TransferContext, key: str, etag: str, start: int, length: int) -> bytes:
    """One ranged GET, read whole (inside the retried call: a reset mid-body is retried)."""
    response = ctx.client.get_object(
        Bucket=ctx.bucket, Key=key, IfMatch=f'"{etag}"', Range=f"bytes={start}-{start + length - 1}"
    )
    data = response["Body"].read()
    if len(data) != length:
        raise JobError(f"the storage sent {len(data)} bytes at offset {start}, expected {length}")
    return data


def _verify(
    ctx: TransferContext, item: DownloadItem, part: Path, details: ObjectDetails
) -> Fetched:
    """Check the whole file against the object; give it the object's mtime."""
    digests = compute_digests(part)
    st = part.stat()
    file = LocalFile(item.key, part, st.st_size, st.st_mtime_ns, digests)
    verdict = None if details.sha256 else quick_verdict(
        file, digests, RemoteObject(item.key, details.size, details.etag), None)
    if verdict is None:
        verdict = verdict_from_details(file, digests, details)
    if verdict is Verdict.CHANGED:
        part.unlink(missing_ok=True)
        ctx.journal.end_download(str(part))
        raise JobError("the bytes received do not match the object's "
                       f"{'sha256' if details.sha256 else 'ETag'}; nothing written")
    if details.last_modified is not None:
        stamp = details.last_modified.timestamp()
        os.utime(part, (stamp, stamp))
    st = part.stat()
    return Fetched(item.target, digests, st.st_size, st.st_mtime_ns,
                   verdict is Verdict.SAME)


def _put_in_place(item: DownloadItem, part: Path) -> None:
    """Rename the finished file over the target, if the target is still as planned."""
    try:
        st = item.target.stat()
        now = (st.st_size, st.st_mtime_ns)
    except FileNotFoundError:
        now = None
    expected = (item.replaces.size, item.replaces.mtime_ns) if item.replaces else None
    if now != expected:
        part.unlink(missing_ok=True)
        raise JobError("the local file appeared or changed since the download was planned; "
                       "left as it is (run again to decide anew)")
    os.replace(part, item.target)
