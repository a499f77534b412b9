"""What every transfer operation shares: client, bucket, journal, retry policy, slots, cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypeVar

from botocore.awsrequest import AWSRequest

from r2tui.settings import Settings
from r2tui.storage import S3Client, make_client
from r2tui.transfers import guards
from r2tui.transfers.journal import Journal
from r2tui.transfers.retry import RetryPolicy, with_retries

T = TypeVar("T")


class JobError(Exception):
    """A job failed for a reason worth one line to the user; other jobs go on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Conflict(JobError):
    """Someone else stored other content at the key since it was planned: not overwritten."""


@dataclass
class TransferContext:
    """``slots`` bounds the requests in flight to the worker budget: a job's parts run on
    ``parts`` but each request holds a slot, so one big file can use every worker and many
    small files share them."""

    client: S3Client
    settings: Settings
    journal: Journal
    policy: RetryPolicy
    cancel: threading.Event
    slots: threading.BoundedSemaphore
    parts: ThreadPoolExecutor

    @property
    def bucket(self) -> str:
        return self.settings.bucket

    def call(self, fn: Callable[[], T]) -> T:
        """One request with retries; a slot is held only while the request is in flight."""
        return with_retries(self._in_slot(fn), self.policy, self.cancel)

    def call_to_clean_up(self, fn: Callable[[], T]) -> T:
        """A clean-up request (an abort) that must go out even after a cancel: two tries."""
        policy = replace(self.policy, attempts=min(2, self.policy.attempts))
        return with_retries(self._in_slot(fn), policy, threading.Event())

    def _in_slot(self, fn: Callable[[], T]) -> Callable[[], T]:
        def attempt() -> T:
            with self.slots:
                return fn()

        return attempt


@contextmanager
def transfer_context(
    settings: Settings, workers: int, policy: RetryPolicy, cancel: threading.Event,
    *, client: S3Client | None = None,
) -> Iterator[TransferContext]:
    """A context with ``client``, or its own (botocore retries off: ``policy`` is the only
    layer, and no ``Expect: 100-continue`` on PutObject)."""
    if client is None:
        client = make_client(settings, max_pool=workers * 2 + 2, retries=0)
        client.meta.events.register("before-sign.s3.PutObject", _send_at_once)
    guards.install(client)
    journal = Journal(settings.state_path())
    parts = ThreadPoolExecutor(workers, thread_name_prefix="r2tui-part")
    try:
        yield TransferContext(
            client, settings, journal, policy, cancel, threading.BoundedSemaphore(workers), parts
        )
    finally:
        parts.shutdown(wait=True)
        journal.close()


def _send_at_once(request: AWSRequest, **_: object) -> None:
    """No ``Expect: 100-continue`` on PutObject: botocore asks for it on every body, and for
    files under the multipart threshold waiting for the go-ahead costs a round trip each.
    (Expect is not part of the SigV4 signature.)"""
    if "Expect" in request.headers:
        del request.headers["Expect"]
