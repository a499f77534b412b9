"""Moving objects inside the bucket: ``mv``, ``rm`` (a move into the trash) and the trash's
restore and empty.

A move is a server-side copy that keeps every property of the object, checked by a HEAD, then
the deletion of the source. Every step is guarded: the copy names the source's ETag and the
destination's state (absent), the deletion the ETag that was copied, so an object someone
changed meanwhile is never lost nor overwritten. Only ``empty_trash`` deletes for good.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError, ClientError

from r2tui.costs import Prices
from r2tui.inventory import ObjectDetails, RemoteObject, iter_objects
from r2tui.keys import TRASH_PREFIX
from r2tui.settings import Settings
from r2tui.storage import S3Client, describe
from r2tui.transfers.context import JobError, TransferContext, transfer_context
from r2tui.transfers.copy import MAX_COPY_SIZE, server_copy
from r2tui.transfers.guards import Guard, precondition_failed
from r2tui.transfers.retry import RetryPolicy
from r2tui.transfers.verify import head_object, stored_version

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
HEADS_PER_MOVE = 3  # the source, the target before, the copy after (Class B reads)


@dataclass(frozen=True)
class Move:
    source: str
    target: str


@dataclass(frozen=True)
class TrashEntry:
    """An object in the trash: ``key`` as it was, ``stamp`` when it was removed."""

    stamp: str
    key: str
    size: int
    etag: str

    @property
    def trash_key(self) -> str:
        return f"{TRASH_PREFIX}{self.stamp}/{self.key}"

    @property
    def removed(self) -> datetime:
        return datetime.strptime(self.stamp, STAMP_FORMAT).replace(tzinfo=UTC)


@dataclass
class MoveSummary:
    moved: list[Move] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # source key -> one-line reason
    bytes_moved: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def move_cost(prices: Prices, moves: int) -> float:
    """A move is one Class A copy and three Class B HEADs; the deletion is free."""
    return prices.class_a(moves) + prices.class_b(HEADS_PER_MOVE * moves)


def stamp_now() -> str:
    return datetime.now(UTC).strftime(STAMP_FORMAT)


def trash_key(key: str, stamp: str) -> str:
    return f"{TRASH_PREFIX}{stamp}/{key}"


def list_trash(client: S3Client, bucket: str) -> list[TrashEntry]:
    """The trash's entries, oldest removal first."""
    entries = [_entry(obj) for obj in iter_objects(client, bucket, TRASH_PREFIX)]
    return sorted((e for e in entries if e is not None), key=lambda e: (e.stamp, e.key))


def _entry(obj: RemoteObject) -> TrashEntry | None:
    stamp, _, key = obj.key[len(TRASH_PREFIX):].partition("/")
    try:
        datetime.strptime(stamp, STAMP_FORMAT)
    except ValueError:
        return None  # not put there by r2tui: left alone
    return TrashEntry(stamp, key, obj.size, obj.etag) if key else None


def run_moves(
    settings: Settings, moves: Iterable[Move], *, overwrite: bool = False, stamp: str,
    client: S3Client | None = None, on_done: Callable[[Move, str | None], None] | None = None,
    policy: RetryPolicy | None = None,
) -> MoveSummary:
    """Move each source to its target, ``settings.workers`` at a time.

    With ``overwrite`` an object already at a target goes to the trash (under ``stamp``)
    first; without, the move fails for that key. ``on_done`` hears each move's outcome (None,
    or the failure's reason) as it ends.
    """
    summary = MoveSummary()
    lock = threading.Lock()
    with transfer_context(settings, settings.workers, policy or RetryPolicy(),
                          threading.Event(), client=client) as ctx:

        def one(move: Move) -> None:
            try:
                size = move_object(ctx, move, overwrite=overwrite, stamp=stamp)
                reason = None
            except JobError as exc:
                reason = exc.reason
            except (ClientError, BotoCoreError) as exc:
                reason = describe(exc, settings, key=move.source).message
            with lock:
                if reason is None:
                    summary.moved.append(move)
                    summary.bytes_moved += size
                else:
                    summary.failures[move.source] = reason
            if on_done is not None:
                on_done(move, reason)

        with ThreadPoolExecutor(settings.workers, thread_name_prefix="r2tui-move") as pool:
            list(pool.map(one, moves))
    summary.moved.sort(key=lambda m: m.source)
    return summary


def move_object(ctx: TransferContext, move: Move, *, overwrite: bool, stamp: str) -> int:
    """Move one object; return its size. A JobError says why it did not happen."""
    source = stored_version(ctx, move.source)
    if source is None:
        raise JobError(f"no object {move.source!r}")
    existing = stored_version(ctx, move.target)
    if existing is not None:
        if not overwrite:
            raise JobError(f"{move.target} already exists; not overwritten (--overwrite puts "
                           "the old object in the trash first)")
        relocate(ctx, existing, trash_key(move.target, stamp))
    relocate(ctx, source, move.target)
    return source.size


def relocate(ctx: TransferContext, source: ObjectDetails, target: str) -> None:
    """Copy ``source`` to the free key ``target`` with all its properties, check the copy,
    then delete the source if it still is the version copied."""
    try:
        _copy_keeping(ctx, source, target)
    except ClientError as exc:
        if not precondition_failed(exc):
            raise
        if stored_version(ctx, target) is not None:
            raise JobError(f"{target} was stored by someone else meanwhile; not overwritten"
                           ) from None
        raise JobError(f"{source.key} changed meanwhile; not moved (run again)") from None
    copied = head_object(ctx, target)
    if (copied.size, copied.metadata, copied.content_type) != (
            source.size, source.metadata, source.content_type):
        raise JobError(f"the copy at {target} does not match {source.key}; the source is kept")
    try:
        ctx.call(lambda: ctx.client.delete_object(
            Bucket=ctx.bucket, Key=source.key, IfMatch=f'"{source.etag}"'))
    except ClientError as exc:
        if not precondition_failed(exc):
            raise
        raise JobError(f"copied to {target}, but {source.key} changed meanwhile: both are "
                       "kept") from None


def _copy_keeping(ctx: TransferContext, source: ObjectDetails, target: str) -> None:
    guard = Guard(None)
    if source.size > MAX_COPY_SIZE:  # in parts: the properties must be given anew
        args: dict[str, object] = {"Metadata": source.metadata}
        if source.content_type:
            args["ContentType"] = source.content_type
        if source.cache_control:
            args["CacheControl"] = source.cache_control
        server_copy(ctx, source.key, target, source.size, args, source_etag=source.etag,
                    guard=guard)
        return
    ctx.call(lambda: ctx.client.copy_object(
        Bucket=ctx.bucket, Key=target, CopySource={"Bucket": ctx.bucket, "Key": source.key},
        MetadataDirective="COPY", CopySourceIfMatch=f'"{source.etag}"', **guard.copy_args(),
    ))


def empty_trash(
    settings: Settings, entries: Iterable[TrashEntry], *, client: S3Client | None = None,
) -> MoveSummary:
    """Delete ``entries`` for good (each only while it is the version listed)."""
    summary = MoveSummary()
    with transfer_context(settings, settings.workers, RetryPolicy(), threading.Event(),
                          client=client) as ctx:
        for entry in entries:
            try:
                ctx.call(lambda e=entry: ctx.client.delete_object(
                    Bucket=ctx.bucket, Key=e.trash_key, IfMatch=f'"{e.etag}"'))
            except (ClientError, BotoCoreError) as exc:
                summary.failures[entry.trash_key] = describe(exc, settings).message
                continue
            summary.moved.append(Move(entry.trash_key, ""))
            summary.bytes_moved += entry.size
    return summary
