"""Bounded retries with exponential backoff and full jitter, for transient storage failures.

botocore's own retry layer is switched off for the transfer client (``retries=0``), so this is
the only layer and one request is tried at most ``RetryPolicy.attempts`` times: bounded and
observable. Each retried call is safe to repeat: a PUT or an UploadPart whose response was lost
simply writes the same bytes again; a lost CompleteMultipartUpload is handled by its caller.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from botocore.exceptions import ClientError, HTTPClientError, ResponseStreamingError
from botocore.exceptions import ConnectionError as BotoConnectionError

T = TypeVar("T")

# As botocore's standard mode: throttling and transient codes, and these statuses.
_TRANSIENT_CODES = frozenset({
    "SlowDown", "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
    "ThrottledException", "RequestThrottled", "RequestThrottledException", "TooManyRequests",
    "TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded",
})
_TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})
# Never healed by waiting: the credentials, the clock or the feature must be fixed first.
_PERMANENT_CODES = frozenset({
    "RequestTimeTooSkewed", "NotImplemented", "InvalidAccessKeyId", "SignatureDoesNotMatch",
    "AccessDenied", "ExpiredToken", "InvalidToken", "AuthorizationHeaderMalformed",
})


@dataclass(frozen=True)
class RetryPolicy:
    """At most ``attempts`` tries per request; delays drawn from [0, min(cap, base * 2^n)]."""

    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 20.0

    def delay(self, attempt: int) -> float:
        return random.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class Cancelled(Exception):
    """The batch was cancelled while this job waited or between its requests."""


def error_code(exc: BaseException) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_transient(exc: BaseException) -> bool:
    """500/502/503/504, 429 and throttling codes, resets, timeouts and lost responses.

    Not 501 (the server does not implement it), not an auth error, not clock skew: another
    try would fail the same way, so the user hears at once what to fix.
    """
    if isinstance(exc, (HTTPClientError, BotoConnectionError, ResponseStreamingError)):
        return True
    if isinstance(exc, ClientError):
        code = error_code(exc)
        if code in _PERMANENT_CODES:
            return False
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status in _TRANSIENT_STATUSES or code in _TRANSIENT_CODES
    return False


def with_retries(fn: Callable[[], T], policy: RetryPolicy, cancel: threading.Event) -> T:
    """Call ``fn`` until it succeeds, fails permanently, or runs out of attempts.

    Raises Cancelled if ``cancel`` is set before a try or during a backoff wait.
    """
    attempt = 1
    while True:
        if cancel.is_set():
            raise Cancelled
        try:
            return fn()
        except Exception as exc:
            if not is_transient(exc) or attempt >= policy.attempts:
                raise
        if cancel.wait(policy.delay(attempt)):
            raise Cancelled
        attempt += 1
