"""R2's conditional writes, evaluated by the proxy itself.

moto implements only part of them (PutObject's ``If-Match``/``If-None-Match: *``, Complete's
``If-None-Match: *``, no ``x-amz-copy-source-if-match``, none of R2's
``cf-copy-destination-if-*``), so the proxy checks every condition R2 documents against the
object as moto holds it, under a lock per key that every write to the key takes: between the
check and the write nothing else reaches that key through the proxy. The evaluated headers are
not forwarded. As R2 does, a failed condition on CompleteMultipartUpload aborts the upload, and
UploadPartCopy refuses ``x-amz-copy-source-if-*`` (R2 takes none there).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from urllib.parse import unquote

WRITES = frozenset({"PutObject", "CompleteMultipartUpload", "CopyObject", "DeleteObject"})
_DESTINATION = {
    "PutObject": ("if-match", "if-none-match"),
    "CompleteMultipartUpload": ("if-match", "if-none-match"),
    "DeleteObject": ("if-match",),
    "CopyObject": ("cf-copy-destination-if-match", "cf-copy-destination-if-none-match",
                   "if-match", "if-none-match"),
}
_SOURCE = ("x-amz-copy-source-if-match", "x-amz-copy-source-if-none-match")
EVALUATED = frozenset({h for names in _DESTINATION.values() for h in names} | set(_SOURCE))

Key = tuple[str, str]  # (bucket, key)
Failure = tuple[int, str, str]  # the S3 error answered instead: status, code, message
EtagOf = Callable[[str, str], str | None]  # the object's ETag upstream, None if absent


def copy_source(headers: Mapping[str, str]) -> Key | None:
    raw = headers.get("x-amz-copy-source")
    if not raw:
        return None
    path = unquote(raw.split("?", 1)[0]).lstrip("/")
    bucket, _, key = path.partition("/")
    return bucket, key


class Preconditions:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Key, threading.Lock] = {}

    @contextmanager
    def holding(self, keys: list[Key]) -> Iterator[None]:
        """Hold the locks of ``keys`` (in a fixed order: two copies never deadlock)."""
        with ExitStack() as stack:
            for key in sorted(set(keys)):
                with self._guard:
                    lock = self._locks.setdefault(key, threading.Lock())
                stack.enter_context(lock)
            yield

    def check(
        self, operation: str, target: Key, headers: Mapping[str, str], etag_of: EtagOf
    ) -> Failure | None:
        """The 412 (or 501) this request gets, or None if it may go ahead."""
        if operation == "UploadPartCopy" and any(h in headers for h in _SOURCE):
            return 501, "NotImplemented", "UploadPartCopy takes no x-amz-copy-source-if-* headers"
        failure = None
        source = copy_source(headers) if operation == "CopyObject" else None
        if source is not None:
            failure = _evaluate(headers, _SOURCE, etag_of(*source), "source")
        if failure is None and operation in _DESTINATION:
            failure = _evaluate(headers, _DESTINATION[operation], etag_of(*target), "object")
        return failure


def _evaluate(
    headers: Mapping[str, str], names: tuple[str, ...], current: str | None, what: str
) -> Failure | None:
    for name in names:
        value = headers.get(name)
        if value is None:
            continue
        wanted = {v.strip().strip('"') for v in value.split(",")}
        matches = current is not None and ("*" in wanted or current in wanted)
        if name.endswith("if-match") and not matches:
            return _failed(name, what)
        if name.endswith("if-none-match") and matches:
            return _failed(name, what)
    return None


def _failed(header: str, what: str) -> Failure:
    return (412, "PreconditionFailed",
            f"At least one of the pre-conditions you specified did not hold ({header} on the "
            f"{what})")
