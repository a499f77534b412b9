"""One run of an upload plan: N workers, events, a summary, cancellation."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from botocore.exceptions import BotoCoreError, ClientError

from r2tui.compare import State
from r2tui.digests import Digests, multipart_threshold
from r2tui.inventory import ObjectDetails
from r2tui.scan import ChangedWhileReading, LocalFile
from r2tui.state import UploadRecord
from r2tui.transfers.cleanup import abort_orphans
from r2tui.transfers.context import Conflict, JobError, transfer_context
from r2tui.transfers.copy import holds_content, same_content, server_copy
from r2tui.transfers.events import (
    Action,
    BatchFinished,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobStarted,
    Summary,
)
from r2tui.transfers.guards import Guard, precondition_failed
from r2tui.transfers.localfile import changed, ensure_unchanged, snapshot
from r2tui.transfers.multipart import upload_multipart
from r2tui.transfers.outcomes import emit_to, job_reason
from r2tui.transfers.plan import PlanItem, UploadPlan
from r2tui.transfers.progress import ProgressTracker
from r2tui.transfers.properties import object_args
from r2tui.transfers.relocate import relocate, stamp_now, trash_key
from r2tui.transfers.resources import Resources
from r2tui.transfers.retry import Cancelled, RetryPolicy
from r2tui.transfers.single import put_small
from r2tui.transfers.verify import confirm, stored_version

log = logging.getLogger(__name__)


class Batch:
    """Run ``plan`` with ``workers`` parallel requests (default: settings.workers), with
    ``res``'s client if it has one.

    ``run`` blocks (call it from a worker thread); ``on_event`` is called from worker threads.
    ``cancel`` is thread-safe: jobs not started end as JobCancelled, running ones stop between
    parts, and the multipart journal stays consistent for the next run to resume.
    """

    def __init__(
        self,
        res: Resources,
        plan: UploadPlan,
        *,
        on_event: Callable[[Event], None] | None = None,
        workers: int | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.res = res
        self.settings = res.settings
        self.plan = plan
        self.workers = workers or res.settings.workers
        self.retry = retry or RetryPolicy()
        self._on_event = on_event
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._hashing = threading.Lock()
        self.summary = Summary()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> Summary:
        self.summary.cost = self.plan.cost(self.settings.prices)
        self._stamp = stamp_now()  # the trash folder of this run's renames
        sends = [i for i in self.plan.items if i.action is not Action.SKIP]
        refusals = self.plan.conflicts | self.plan.refused
        for key, reason in sorted(refusals.items()):
            self.summary.failed += 1
            self.summary.failures[key] = reason
            self._emit(JobFailed(key, reason))
        for item in self.plan.items:
            if item.action is Action.SKIP:
                self.summary.skipped += 1
                self._emit(JobFinished(item.key, Action.SKIP, 0))
        self._progress = ProgressTracker(self._emit, self.plan.bytes_to_send, len(sends))
        if sends:
            self._run_jobs(sends)
        self.summary.bytes_sent = self._progress.bytes_sent
        self._progress.finish()
        self._emit(BatchFinished(self.summary))
        return self.summary

    def _run_jobs(self, sends: list[PlanItem]) -> None:
        planned = {i.key for i in sends}
        # Copies from a key uploaded in this batch wait until that upload is done.
        first: list[PlanItem] = []
        later: list[PlanItem] = []
        for item in sends:
            waits = item.action in (Action.COPY, Action.RENAME) and item.source_key in planned
            (later if waits else first).append(item)
        with transfer_context(self.settings, self.workers, self.retry, self._cancel,
                              client=self.res.client) as self._ctx:
            for group in (first, later):
                with ThreadPoolExecutor(self.workers, thread_name_prefix="r2tui-job") as jobs:
                    self._submit_all(jobs, group)
            # Strays left by a cancelled run are for the next full run to clean up.
            if not self.cancelled and any(i.size >= multipart_threshold() for i in sends):
                with contextlib.suppress(ClientError, BotoCoreError):
                    abort_orphans(self._ctx, planned)

    def _submit_all(self, jobs: ThreadPoolExecutor, items: list[PlanItem]) -> None:
        """Keep at most 2 x workers jobs queued: a future for each of 100,000 files would
        cost more memory than the plan itself."""
        room = threading.BoundedSemaphore(self.workers * 2)

        def done(future: Future[None]) -> None:
            room.release()
            if future.exception() is not None:
                log.error("job failed unexpectedly", exc_info=future.exception())

        for item in items:
            room.acquire()
            jobs.submit(self._run_job, item).add_done_callback(done)

    def _run_job(self, item: PlanItem) -> None:
        if self._cancel.is_set():
            self._finish_cancelled(item)
            return
        self._emit(JobStarted(item.key, item.size, item.action))
        try:
            action, sent = self._transfer(item)
        except Cancelled:
            self._finish_cancelled(item)
            return
        except Conflict as exc:
            self._finish_failed(item, exc.reason, conflict=True)
            return
        except Exception as exc:
            self._finish_failed(item, self._reason(item, exc))
            return
        with self._lock:
            if action is Action.RENAME:
                self.summary.renamed += 1
            elif action is Action.COPY:
                self.summary.copied += 1
            elif action is Action.SKIP:
                self.summary.already += 1
            else:
                self.summary.uploaded += 1
        self._progress.file_done(item.key)
        self._emit(JobFinished(item.key, action, sent))

    def _transfer(self, item: PlanItem) -> tuple[Action, int]:
        """Copy or upload ``item``; SKIP when another writer stored this content meanwhile.

        Every write is guarded (see guards.py). On a failed condition the object is read
        again: already this content, done; still as expected, the copy's source moved, so the
        bytes are sent; holding what this library stored before, written again over that;
        anything else is someone else's newer content and a Conflict.
        """
        if item.path is None:
            raise JobError("not in the local library")
        file = snapshot(item.key, item.path)
        digests = self._digests(file)
        source = self._copy_source(item, file, digests)
        guard = self._guard(item)
        for _ in range(3):
            try:
                done = self._write(file, digests, source, guard)
                if source is not None and item.action is Action.RENAME:
                    self._trash(source, file.key)
                    return Action.RENAME, 0
                return done
            except ClientError as exc:
                if not precondition_failed(exc):
                    raise
            now = stored_version(self._ctx, file.key)
            if now is not None and same_content(now, file.size, digests):
                self._done(file, digests, now.etag)
                return Action.SKIP, 0
            if source is not None and guard.holds(now):
                source = None
                self._progress.add_total(file.size)
                continue
            guard = self._own_version(file.key, now)
        raise Conflict(f"{file.key} kept changing while r2tui wrote it; not overwritten")

    def _trash(self, source: ObjectDetails, key: str) -> None:
        """The second half of a rename: the old key, copied to ``key``, goes to the trash
        (only as the version copied; a failure keeps both)."""
        try:
            relocate(self._ctx, source, trash_key(source.key, self._stamp))
        except JobError as exc:
            raise JobError(f"copied from {source.key}, which stays: {exc.reason}") from None

    def _copy_source(
        self, item: PlanItem, file: LocalFile, digests: Digests
    ) -> ObjectDetails | None:
        """The object to copy from, if it still holds this content; else the bytes are sent."""
        if item.action not in (Action.COPY, Action.RENAME) or item.source_key is None:
            return None
        source = holds_content(self._ctx, item.source_key, file.size, digests)
        if source is None:
            self._progress.add_total(file.size)
        return source

    def _guard(self, item: PlanItem) -> Guard:
        """What the destination must be: absent if planned missing, else as planning saw it
        (read now if the plan does not say)."""
        if item.reason == State.MISSING.value:
            return Guard(None)
        if item.etag is not None:
            return Guard(item.etag)
        return Guard.of(stored_version(self._ctx, item.key))

    def _own_version(self, key: str, now: ObjectDetails | None) -> Guard:
        """A guard over ``now`` if it is what this library stored there, else a Conflict."""
        record = self.res.store.upload_record(self.settings.bucket, key)
        if now is not None and record is not None and record.etag == now.etag:
            return Guard(now.etag)
        if now is None:
            raise Conflict("deleted by someone else since it was planned; not uploaded "
                           "(run again to decide anew)")
        raise Conflict("someone else stored other content here since it was planned; "
                       "not overwritten (check it, then run again to decide anew)")

    def _write(
        self, file: LocalFile, digests: Digests, source: ObjectDetails | None, guard: Guard
    ) -> tuple[Action, int]:
        if source is not None:
            args = object_args(self.settings, file.key, digests.sha256)
            etag = server_copy(self._ctx, source.key, file.key, file.size, args,
                               source_etag=source.etag, guard=guard)
            confirm(self._ctx, file.key, file.size, etag)
            self._done(file, digests, etag)
            return Action.COPY, 0
        sent_before = self._progress.bytes_sent
        if file.size >= multipart_threshold():
            etag = upload_multipart(self._ctx, file, digests, self._advance(file), guard)
            confirm(self._ctx, file.key, file.size, etag)
        else:
            # The PUT's own answer is the bucket's confirmation: the server checked the body
            # against Content-MD5 and put_small the ETag against the MD5; a HEAD adds nothing.
            etag = put_small(self._ctx, file, digests,
                             lambda n: self._advance(file)(n, True), guard)
        self._done(file, digests, etag)
        return Action.UPLOAD, max(self._progress.bytes_sent - sent_before, 0)

    def _digests(self, file: LocalFile) -> Digests:
        """From the hash cache, or read now: a big file left unhashed by the plan (see
        plan._copyable) is read one at a time, so the first is sent while the next is read."""
        hasher = self.res.hasher
        try:
            if file.size < multipart_threshold() or hasher.cached(file) is not None:
                return hasher.digests(file)
            with self._hashing:
                return hasher.digests(file)
        except ChangedWhileReading:
            raise changed(file.path) from None

    def _advance(self, file: LocalFile) -> Callable[[int, bool], None]:
        return lambda count, sent: self._progress.advance(file.key, file.size, count, sent)

    def _done(self, file: LocalFile, digests: Digests, etag: str) -> None:
        """Once the bucket confirmed it: check the file did not move meanwhile, record it."""
        ensure_unchanged(file)
        record = UploadRecord(file.key, file.size, etag, digests.sha256)
        self.res.store.record_upload(self.settings.bucket, record)

    def _reason(self, item: PlanItem, exc: Exception) -> str:
        return job_reason(exc, self.settings, item.key, item.path, "read")

    def _finish_failed(self, item: PlanItem, reason: str, *, conflict: bool = False) -> None:
        with self._lock:
            if conflict:
                self.summary.conflicts += 1
            else:
                self.summary.failed += 1
            self.summary.failures[item.key] = reason
        self._progress.file_done(item.key)
        self._emit(JobFailed(item.key, reason, conflict))

    def _finish_cancelled(self, item: PlanItem) -> None:
        with self._lock:
            self.summary.cancelled += 1
        self._progress.file_done(item.key)
        self._emit(JobCancelled(item.key))

    def _emit(self, event: Event) -> None:
        emit_to(self._on_event, event)
