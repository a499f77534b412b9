"""The boto3 client for R2, and translation of its errors into one clear line each."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectTimeoutError as BotoConnectTimeout
from botocore.utils import parse_timestamp as botocore_parse_timestamp

from r2tui.errors import ConfigError, NotFoundError, R2TuiError, StorageError
from r2tui.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
else:
    S3Client = Any

# A listing of the whole bucket fetches up to this many key ranges at once (inventory.py); the
# connection pool holds at least as many, so none of them is opened and thrown away.
LISTING_THREADS = 16


def make_client(
    settings: Settings, *, max_pool: int | None = None, retries: int = 5
) -> S3Client:
    """One client per settings, shared across threads (boto3 clients are thread-safe).

    ``retries=0`` turns botocore's own retries off, for callers that retry themselves.
    """
    settings.require_storage()
    assert settings.secret_access_key is not None
    config = Config(
        region_name="auto",
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"mode": "standard", "max_attempts": retries},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=max_pool or max(LISTING_THREADS, settings.workers * 2),
        # boto3 >= 1.36 adds CRC checksum trailers by default; R2 has rejected them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        tcp_keepalive=True,
    )
    # botocore directly: importing boto3 (and s3transfer with it) costs a tenth of a second
    # at every start of a headless command.
    session = botocore.session.get_session()
    # Listings carry a timestamp per key; botocore parses them with dateutil, which costs more
    # than everything else in a status run. ISO 8601 from S3 needs only fromisoformat.
    parsers = session.get_component("response_parser_factory")
    parsers.set_parser_defaults(timestamp_parser=parse_timestamp)
    return session.create_client(
        "s3",
        endpoint_url=settings.endpoint_url,
        aws_access_key_id=settings.access_key_id,
        aws_secret_access_key=settings.secret_access_key.reveal(),
        config=config,
    )


def parse_timestamp(value: str) -> datetime:
    """S3's timestamps: ISO 8601 in listings, RFC 1123 in headers; fall back to botocore's."""
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return botocore_parse_timestamp(value)


_CODE_MESSAGES = {
    "InvalidAccessKeyId": "the access key id is not known to the storage (check R2_ACCESS_KEY_ID)",
    "SignatureDoesNotMatch": (
        "the secret access key does not match the access key id (check R2_SECRET_ACCESS_KEY)"
    ),
    "RequestTimeTooSkewed": "this machine's clock is too far off for signed requests; fix the time",
}


def describe(exc: BaseException, settings: Settings, *, key: str | None = None) -> R2TuiError:
    """Turn a botocore exception into an R2TuiError with one line saying what to fix."""
    endpoint = settings.endpoint_url
    bucket = settings.bucket
    if isinstance(exc, R2TuiError):
        return exc
    if isinstance(exc, (EndpointConnectionError, BotoConnectTimeout, ConnectionClosedError)):
        return StorageError(
            f"cannot reach the storage at {endpoint} (check R2_ENDPOINT / R2_ACCOUNT_ID "
            "and the network)"
        )
    if isinstance(exc, ReadTimeoutError):
        return StorageError(f"the storage at {endpoint} did not answer in time; try again")
    if isinstance(exc, NoCredentialsError):
        return ConfigError("R2 credentials missing: set R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY")
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in _CODE_MESSAGES:
            return StorageError(_CODE_MESSAGES[code])
        if code == "NoSuchBucket":
            return StorageError(f"bucket {bucket!r} does not exist at {endpoint} (check R2_BUCKET)")
        if code in ("NoSuchKey", "404", "NotFound") and key is not None:
            return NotFoundError(f"no object {key!r} in bucket {bucket!r}")
        if code in ("AccessDenied", "403", "Forbidden") or status == 403:
            return StorageError(
                f"access denied to bucket {bucket!r}: the token lacks permission for it "
                "(check R2_BUCKET and the API token's scope)"
            )
        message = error.get("Message") or code or f"HTTP {status}"
        return StorageError(f"the storage refused the request: {message}")
    if isinstance(exc, BotoCoreError):
        return StorageError(f"storage error: {exc}")
    raise exc


@contextmanager
def storage_errors(settings: Settings, *, key: str | None = None) -> Iterator[None]:
    """Re-raise botocore errors inside the block as R2TuiErrors."""
    try:
        yield
    except (BotoCoreError, ClientError) as exc:
        raise describe(exc, settings, key=key) from None


def bucket_exists_check(client: S3Client, settings: Settings) -> None:
    """Fail with a clear StorageError unless the bucket can be listed (no ListBuckets needed)."""
    with storage_errors(settings):
        client.list_objects_v2(Bucket=settings.bucket, MaxKeys=1)
