"""The retry layer's verdicts: what heals by waiting and what never does (as botocore decides)."""

from __future__ import annotations

import threading

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
    ResponseStreamingError,
)

from r2tui.transfers.retry import Cancelled, RetryPolicy, is_transient, with_retries


def client_error(status: int, code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "x"}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "PutObject",
    )


@pytest.mark.parametrize(("status", "code"), [
    (500, "InternalError"), (502, "BadGateway"), (503, "ServiceUnavailable"),
    (503, "SlowDown"), (504, "GatewayTimeout"), (429, "TooManyRequests"),
    (400, "RequestTimeout"), (400, "ThrottlingException"), (400, "RequestLimitExceeded"),
])
def test_transient_failures_are_retried(status: int, code: str) -> None:
    assert is_transient(client_error(status, code))


@pytest.mark.parametrize(("status", "code"), [
    (501, "NotImplemented"), (501, ""), (505, "HTTPVersionNotSupported"),
    (403, "RequestTimeTooSkewed"), (403, "InvalidAccessKeyId"),
    (403, "SignatureDoesNotMatch"), (403, "AccessDenied"), (400, "ExpiredToken"),
    (404, "NoSuchKey"), (412, "PreconditionFailed"), (400, "BadDigest"),
    (500, "AccessDenied"),  # a code that never heals wins over a 5xx status
])
def test_permanent_failures_are_not(status: int, code: str) -> None:
    assert not is_transient(client_error(status, code))


@pytest.mark.parametrize("exc", [
    EndpointConnectionError(endpoint_url="http://127.0.0.1:1"),
    ReadTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ConnectTimeoutError(endpoint_url="http://127.0.0.1:1"),
    ResponseStreamingError(error="connection reset"),
])
def test_resets_and_timeouts_are_retried(exc: Exception) -> None:
    assert is_transient(exc)


def test_other_exceptions_are_not_retried() -> None:
    assert not is_transient(ValueError("a bug, not the network"))


POLICY = RetryPolicy(attempts=4, base_delay=0.0, max_delay=0.0)


def test_a_transient_failure_is_tried_at_most_attempts_times() -> None:
    calls: list[int] = []

    def fail() -> None:
        calls.append(1)
        raise client_error(503, "SlowDown")

    with pytest.raises(ClientError):
        with_retries(fail, POLICY, threading.Event())
    assert len(calls) == 4


def test_a_permanent_failure_is_tried_once_and_a_late_success_returns() -> None:
    calls: list[int] = []

    def skewed() -> None:
        calls.append(1)
        raise client_error(403, "RequestTimeTooSkewed")

    with pytest.raises(ClientError):
        with_retries(skewed, POLICY, threading.Event())
    assert len(calls) == 1

    answers = iter([client_error(500, "InternalError"), "done"])

    def flaky() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert with_retries(flaky, POLICY, threading.Event()) == "done"


def test_cancel_stops_before_the_next_try() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        with_retries(lambda: "never", POLICY, cancel)
