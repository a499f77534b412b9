"""Local S3 test servers: a moto S3 process and an R2-like verifying reverse proxy.

``MotoServer`` runs moto's S3 server in a separate process.  moto is a convenient
in-memory S3, but it is far more lenient than Cloudflare R2: it checks neither
SigV4 signatures nor presigned-URL expiry and accepts features R2 rejects.
``S3Proxy`` sits between the client and moto and closes that gap:

* it verifies SigV4 (header and presigned-query auth) with its own implementation,
* it rejects what R2 rejects (``x-amz-acl``, aws-chunked / trailing checksums),
* it evaluates R2's conditional writes itself (``If-Match``, ``If-None-Match``,
  ``x-amz-copy-source-if-*``, ``cf-copy-destination-if-*``; see preconditions.py),
* it records every request so tests can assert on traffic (counts, bytes),
* it can model a WAN (round-trip time, one shared uplink; see wan.py), off by default,
* it injects faults (error responses, resets, lost responses, delays, cut bodies)
  and can simulate network loss (``proxy.online = False``).

Only 127.0.0.1 is used and only dummy credentials exist here.  Path-style
addressing is assumed (``http://127.0.0.1:PORT/bucket/key``).

moto quirks worth knowing (moto 5.x):

* A PUT with ``Content-Type: application/x-www-form-urlencoded`` (urllib's default
  for ``data=``) is parsed as a form by moto and stored as an EMPTY object, even
  when signed.  Send another content type in tests.
* CreateBucket signed for a region other than us-east-1 (e.g. R2's ``auto``) needs
  a matching LocationConstraint in moto; R2 does not.  S3Proxy papers over this
  (``r2_create_bucket=True``) by injecting one when the body is empty.
* moto answers ``Connection: close`` on every response, so the proxy opens a fresh
  upstream connection per request (client-side keep-alive is unaffected).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import http.client
import logging
import os
import re
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from types import MappingProxyType, TracebackType
from typing import IO, Any, Self
from urllib.parse import quote, unquote, unquote_to_bytes, urlsplit
from xml.sax.saxutils import escape as xml_escape

from tests.support.preconditions import EVALUATED, WRITES, Preconditions, copy_source
from tests.support.wan import Wan

__all__ = [
    "DEFAULT_CREDENTIALS",
    "AuthResult",
    "TEST_ACCESS_KEY",
    "TEST_SECRET_KEY",
    "CutRequestBody",
    "Before",
    "Delay",
    "DropResponse",
    "FaultAction",
    "FaultRule",
    "MotoServer",
    "RequestInfo",
    "RequestRecord",
    "ResetConnection",
    "Respond",
    "S3Error",
    "S3Proxy",
    "find_free_port",
    "match_request",
    "verify_sigv4",
]

log = logging.getLogger(__name__)

TEST_ACCESS_KEY = "r2tui-test-key"
TEST_SECRET_KEY = "r2tui-test-secret"
DEFAULT_CREDENTIALS: Mapping[str, str] = MappingProxyType({TEST_ACCESS_KEY: TEST_SECRET_KEY})

#: Environment variables that could make a child process talk to real AWS or read
#: a developer's profile; they are removed from the moto child environment.
_AWS_ENV_PREFIXES = ("AWS_", "BOTO_", "MOTO_")

_SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"
_AMZ_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
_MAX_PRESIGN_EXPIRES = 604800  # one week, the S3/R2 maximum
_MAX_CLOCK_SKEW = dt.timedelta(minutes=15)
_HEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ERROR_CODE_RE = re.compile(rb"<Code>([^<]+)</Code>")
# Requests naming an upload id that moto may no longer know (UploadPartCopy stays on the
# guarded path: its source conditions are answered there).
_UPLOAD_ID_OPERATIONS = frozenset({"UploadPart", "ListParts"})

#: Hop-by-hop headers (RFC 9110 section 7.6.1) are never forwarded by a proxy.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)


def find_free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------
# MotoServer
# --------------------------------------------------------------------------------------


class _Service:
    """``with`` support for the test servers: start on entry, stop on exit."""

    def start(self) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class MotoServer(_Service):
    """moto's S3 server in a separate process, bound to 127.0.0.1 on a free port.

    A separate process (rather than moto's in-process ``ThreadedMotoServer``) keeps
    moto's global state and its monkeypatching away from the code under test, and
    makes the HTTP path identical to talking to a real remote endpoint.

    Usage::

        with MotoServer() as moto:
            ... moto.url ...
            moto.reset()
    """

    def __init__(self, *, start_timeout: float = 30.0, port: int | None = None) -> None:
        self.start_timeout = start_timeout
        self._requested_port = port
        self.port: int = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:5123``."""
        if not self.port:
            raise RuntimeError("MotoServer is not running")
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @staticmethod
    def child_env() -> dict[str, str]:
        """Environment for the moto process: no real AWS settings, dummy credentials.

        moto itself needs no credentials for S3, but some code paths consult the
        default region, and a developer's ``AWS_PROFILE``/``AWS_CONFIG_FILE`` must
        never leak in.
        """
        env = {k: v for k, v in os.environ.items() if not k.startswith(_AWS_ENV_PREFIXES)}
        env.update(
            {
                "AWS_ACCESS_KEY_ID": "moto-dummy-key",
                "AWS_SECRET_ACCESS_KEY": "moto-dummy-secret",
                "AWS_DEFAULT_REGION": "us-east-1",
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_EC2_METADATA_DISABLED": "true",
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    def start(self) -> None:
        """Start the process and wait until it answers HTTP (bounded by start_timeout)."""
        if self.running:
            return
        attempts = 1 if self._requested_port else 3
        last_error: RuntimeError | None = None
        for _ in range(attempts):
            try:
                self._start_once(self._requested_port or find_free_port())
                return
            except RuntimeError as exc:  # e.g. the free port was taken meanwhile
                last_error = exc
                self.stop()
        assert last_error is not None
        raise last_error

    def _start_once(self, port: int) -> None:
        self.port = port
        # stderr/stdout go to a temp file, not a pipe: werkzeug logs every request and
        # an unread pipe would eventually fill up and block the server.
        self._log = tempfile.TemporaryFile(prefix="moto-server-")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.child_env(),
        )
        deadline = time.monotonic() + self.start_timeout
        while True:
            code = self._proc.poll()
            if code is not None:
                raise RuntimeError(
                    f"moto server exited with code {code} during startup:\n{self.output()}"
                )
            if self._answers():
                return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"moto server did not answer on {self.url} within "
                    f"{self.start_timeout:.0f}s:\n{self.output()}"
                )
            time.sleep(0.05)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=2) as resp:
                resp.read()
            return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer means it is serving
        except OSError:
            return False

    def output(self) -> str:
        """Everything the process wrote to stdout/stderr so far (for diagnostics)."""
        if self._log is None:
            return ""
        try:
            self._log.flush()
            pos = self._log.tell()
            self._log.seek(0)
            data = self._log.read()
            self._log.seek(pos)
        except (OSError, ValueError):
            return ""
        return data.decode("utf-8", "replace")

    def reset(self) -> None:
        """Wipe all moto state (buckets, objects, uploads)."""
        req = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()

    def stop(self) -> None:
        """Terminate (then kill) the process; idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if self._log is not None:
            self._log.close()
            self._log = None


# --------------------------------------------------------------------------------------
# Errors and SigV4 verification
# --------------------------------------------------------------------------------------


class S3Error(Exception):
    """An S3-style error the proxy answers with instead of forwarding."""

    def __init__(
        self, status: int, code: str, message: str, extra: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = dict(extra or {})

    def to_xml(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error>',
            f"<Code>{xml_escape(self.code)}</Code>",
            f"<Message>{xml_escape(self.message)}</Message>",
        ]
        parts += [f"<{k}>{xml_escape(v)}</{k}>" for k, v in self.extra.items()]
        parts.append("</Error>")
        return "".join(parts).encode("utf-8")


def _uri_encode(raw: bytes) -> str:
    """RFC 3986 encoding as SigV4 wants it: only A-Z a-z 0-9 - _ . ~ stay literal."""
    return quote(raw, safe="-_.~")


def _split_query(query: str) -> list[tuple[str, str]]:
    """Split a raw query string into raw (still percent-encoded) key/value pairs."""
    if not query:
        return []
    pairs = []
    for part in query.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((key, value))
    return pairs


def _decode_query(query: str) -> dict[str, str]:
    """Decoded query dict (last value wins); ``+`` is literal, as S3 clients encode it."""
    return {unquote(k): unquote(v) for k, v in _split_query(query)}


def _canonical_query(query: str, exclude: Iterable[str] = ()) -> str:
    skip = set(exclude)
    pairs = []
    for key, value in _split_query(query):
        if unquote(key) in skip:
            continue
        pairs.append((_uri_encode(unquote_to_bytes(key)), _uri_encode(unquote_to_bytes(value))))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    k_date = _hmac(f"AWS4{secret}".encode(), date)
    k_region = _hmac(k_date, region)
    k_service = _hmac(k_region, service)
    return _hmac(k_service, "aws4_request")


def _parse_amz_date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, _AMZ_DATE_FORMAT).replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def _header_values(headers: Mapping[str, list[str]], name: str) -> list[str]:
    return headers.get(name.lower(), [])


def _first_header(headers: Mapping[str, list[str]], name: str) -> str | None:
    values = _header_values(headers, name)
    return values[0] if values else None


@dataclass(frozen=True)
class _Scope:
    access_key: str
    date: str
    region: str
    service: str

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def _parse_credential(value: str, error_code: str, status: int = 400) -> _Scope:
    parts = value.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0]:
        raise S3Error(
            status,
            error_code,
            f"The credential is mal-formed; expecting "
            f'"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request", got "{value}".',
        )
    return _Scope(*parts[:4])


@dataclass(frozen=True)
class AuthResult:
    """What verification learned about a request."""

    kind: str  # "header", "presigned" or "none" (verification disabled, no auth)
    access_key: str | None = None
    region: str | None = None


def _check_scope(
    scope: _Scope,
    credentials: Mapping[str, str],
    region: str | None,
    error_code: str,
) -> str:
    secret = credentials.get(scope.access_key)
    if secret is None:
        raise S3Error(
            403,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
            {"AWSAccessKeyId": scope.access_key},
        )
    if scope.service != "s3":
        raise S3Error(
            400,
            error_code,
            f"The service '{scope.service}' in the credential is wrong; expecting 's3'.",
        )
    if region is not None and scope.region != region:
        raise S3Error(
            400,
            error_code,
            f"The authorization header is malformed; the region '{scope.region}' is wrong; "
            f"expecting '{region}'",
            {"Region": region},
        )
    return secret


def _signature_mismatch(
    access_key: str, provided: str, canonical: str, string_to_sign: str
) -> S3Error:
    return S3Error(
        403,
        "SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. "
        "Check your key and signing method.",
        {
            "AWSAccessKeyId": access_key,
            "SignatureProvided": provided,
            "StringToSign": string_to_sign,
            "CanonicalRequest": canonical,
        },
    )


def _canonical_request(
    method: str,
    raw_path: str,
    canonical_query: str,
    headers: Mapping[str, list[str]],
    signed_headers: list[str],
    payload_hash: str,
) -> str:
    lines = []
    for name in signed_headers:
        values = _header_values(headers, name)
        lines.append(f"{name}:{','.join(' '.join(v.split()) for v in values)}")
    return "\n".join(
        [
            method,
            raw_path,
            canonical_query,
            "\n".join(lines) + "\n",
            ";".join(signed_headers),
            payload_hash,
        ]
    )


def verify_sigv4(
    method: str,
    target: str,
    headers: Mapping[str, list[str]],
    body: bytes,
    credentials: Mapping[str, str],
    *,
    region: str | None = None,
    now: dt.datetime | None = None,
) -> AuthResult:
    """Verify an S3 request's SigV4 signature the way S3/R2 do; raise S3Error if bad.

    ``target`` is the request-target exactly as received (raw path + ``?query``);
    ``headers`` maps lower-cased names to all received values.  The raw path is used
    as-is in the canonical request: S3 (unlike other services) neither normalises nor
    double-encodes it, and botocore's ``S3SigV4Auth`` signs the path it sends.
    """
    now = now or dt.datetime.now(dt.UTC)
    split = urlsplit(target)
    raw_path = split.path or "/"
    query = _decode_query(split.query)
    authorization = _first_header(headers, "authorization")

    if "AWSAccessKeyId" in query or (authorization or "").startswith("AWS "):
        raise S3Error(
            400,
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. "
            "Please use AWS4-HMAC-SHA256.",
        )
    presigned = "X-Amz-Algorithm" in query or "X-Amz-Signature" in query
    if authorization and presigned:
        raise S3Error(400, "InvalidArgument", "Only one auth mechanism allowed")
    if authorization:
        return _verify_header_auth(
            method,
            raw_path,
            split.query,
            headers,
            body,
            authorization,
            credentials,
            region,
            now,
        )
    if presigned:
        return _verify_presigned(
            method, raw_path, split.query, query, headers, credentials, region, now
        )
    raise S3Error(403, "AccessDenied", "Access Denied")


def _verify_header_auth(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, list[str]],
    body: bytes,
    authorization: str,
    credentials: Mapping[str, str],
    region: str | None,
    now: dt.datetime,
) -> AuthResult:
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != _SIGV4_ALGORITHM:
        raise S3Error(
            400,
            "InvalidRequest",
            "The authorization mechanism you have provided is not supported. "
            "Please use AWS4-HMAC-SHA256.",
        )
    fields: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            fields[key] = value.strip()
    missing = [k for k in ("Credential", "SignedHeaders", "Signature") if k not in fields]
    if missing:
        raise S3Error(
            400,
            "AuthorizationHeaderMalformed",
            f"The authorization header is malformed; missing {', '.join(missing)}.",
        )
    scope = _parse_credential(fields["Credential"], "AuthorizationHeaderMalformed")
    secret = _check_scope(scope, credentials, region, "AuthorizationHeaderMalformed")

    amz_date = _first_header(headers, "x-amz-date")
    if amz_date is not None:
        when = _parse_amz_date(amz_date.strip())
    else:
        when = None
        date_header = _first_header(headers, "date")
        if date_header:
            with contextlib.suppress(TypeError, ValueError):
                when = parsedate_to_datetime(date_header).astimezone(dt.UTC)
    if when is None:
        raise S3Error(
            403, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header"
        )
    if abs(now - when) > _MAX_CLOCK_SKEW:
        raise S3Error(
            403,
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            {
                "RequestTime": when.strftime(_AMZ_DATE_FORMAT),
                "ServerTime": now.strftime(_AMZ_DATE_FORMAT),
            },
        )
    timestamp = when.strftime(_AMZ_DATE_FORMAT)
    if scope.date != timestamp[:8]:
        raise S3Error(
            400,
            "AuthorizationHeaderMalformed",
            f"The authorization header is malformed; Invalid credential date "
            f'"{scope.date}". This date is not the same as X-Amz-Date: "{timestamp[:8]}".',
        )

    payload_hash = _first_header(headers, "x-amz-content-sha256")
    if payload_hash is None:
        raise S3Error(
            400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256"
        )
    payload_hash = payload_hash.strip()
    if not (
        payload_hash == _UNSIGNED_PAYLOAD
        or payload_hash.startswith("STREAMING-")
        or _HEX_SHA256.match(payload_hash)
    ):
        raise S3Error(
            400,
            "InvalidArgument",
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-..., "
            "or a valid sha256 value.",
        )

    signed_headers = fields["SignedHeaders"].split(";")
    canonical = _canonical_request(
        method,
        raw_path,
        _canonical_query(raw_query),
        headers,
        signed_headers,
        payload_hash,
    )
    string_to_sign = "\n".join(
        [
            _SIGV4_ALGORITHM,
            timestamp,
            scope.scope,
            hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        ]
    )
    key = _signing_key(secret, scope.date, scope.region, scope.service)
    expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, fields["Signature"]) or "host" not in signed_headers:
        raise _signature_mismatch(scope.access_key, fields["Signature"], canonical, string_to_sign)
    if _HEX_SHA256.match(payload_hash):
        actual = hashlib.sha256(body).hexdigest()
        if actual != payload_hash:
            raise S3Error(
                400,
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                {"ClientComputedContentSHA256": payload_hash, "S3ComputedContentSHA256": actual},
            )
    return AuthResult("header", scope.access_key, scope.region)


def _verify_presigned(
    method: str,
    raw_path: str,
    raw_query: str,
    query: Mapping[str, str],
    headers: Mapping[str, list[str]],
    credentials: Mapping[str, str],
    region: str | None,
    now: dt.datetime,
) -> AuthResult:
    err = "AuthorizationQueryParametersError"
    required = (
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
    )
    missing = [k for k in required if k not in query]
    if missing:
        raise S3Error(
            400,
            err,
            "Query-string authentication version 4 requires the X-Amz-Algorithm, "
            "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
            f"and X-Amz-Expires parameters. Missing: {', '.join(missing)}.",
        )
    if query["X-Amz-Algorithm"] != _SIGV4_ALGORITHM:
        raise S3Error(400, err, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"')
    scope = _parse_credential(query["X-Amz-Credential"], err)
    secret = _check_scope(scope, credentials, region, err)
    when = _parse_amz_date(query["X-Amz-Date"])
    if when is None:
        raise S3Error(
            400, err, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\""
        )
    try:
        expires = int(query["X-Amz-Expires"])
    except ValueError:
        raise S3Error(400, err, "X-Amz-Expires should be a number") from None
    if expires < 1:
        raise S3Error(400, err, "X-Amz-Expires must be non-negative")
    if expires > _MAX_PRESIGN_EXPIRES:
        raise S3Error(
            400,
            err,
            "X-Amz-Expires must be less than a week (in seconds) that is 604800 seconds",
        )
    if scope.date != query["X-Amz-Date"][:8]:
        raise S3Error(
            400,
            err,
            f'Invalid credential date "{scope.date}". This date is not the same as '
            f'X-Amz-Date: "{query["X-Amz-Date"][:8]}".',
        )
    if when - now > _MAX_CLOCK_SKEW:
        raise S3Error(403, "AccessDenied", "Request is not yet valid")
    if now > when + dt.timedelta(seconds=expires):
        raise S3Error(
            403,
            "AccessDenied",
            "Request has expired",
            {
                "X-Amz-Expires": str(expires),
                "Expires": (when + dt.timedelta(seconds=expires)).strftime(_AMZ_DATE_FORMAT),
                "ServerTime": now.strftime(_AMZ_DATE_FORMAT),
            },
        )
    payload_hash = (_first_header(headers, "x-amz-content-sha256") or _UNSIGNED_PAYLOAD).strip()
    signed_headers = query["X-Amz-SignedHeaders"].split(";")
    canonical = _canonical_request(
        method,
        raw_path,
        _canonical_query(raw_query, exclude=("X-Amz-Signature",)),
        headers,
        signed_headers,
        payload_hash,
    )
    string_to_sign = "\n".join(
        [
            _SIGV4_ALGORITHM,
            query["X-Amz-Date"],
            scope.scope,
            hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        ]
    )
    key = _signing_key(secret, scope.date, scope.region, scope.service)
    expected = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    provided = query["X-Amz-Signature"]
    if not hmac.compare_digest(expected, provided) or "host" not in signed_headers:
        raise _signature_mismatch(scope.access_key, provided, canonical, string_to_sign)
    return AuthResult("presigned", scope.access_key, scope.region)


# --------------------------------------------------------------------------------------
# Observation
# --------------------------------------------------------------------------------------


def _guess_operation(
    method: str,
    bucket: str | None,
    key: str | None,
    query: Mapping[str, str],
    headers: Mapping[str, str],
) -> str:
    """Best-effort S3 operation name for a path-style request (for test assertions)."""
    if bucket is None:
        return "ListBuckets" if method == "GET" else f"{method} /"
    if key is None:
        if method == "PUT":
            for sub in ("acl", "cors", "lifecycle", "policy", "versioning", "tagging"):
                if sub in query:
                    return f"PutBucket{sub.capitalize()}"
            return "CreateBucket"
        if method == "DELETE":
            return "DeleteBucket"
        if method == "HEAD":
            return "HeadBucket"
        if method == "POST" and "delete" in query:
            return "DeleteObjects"
        if method == "GET":
            if "uploads" in query:
                return "ListMultipartUploads"
            if "versions" in query:
                return "ListObjectVersions"
            if "location" in query:
                return "GetBucketLocation"
            if query.get("list-type") == "2":
                return "ListObjectsV2"
            return "ListObjects"
        return f"{method} bucket"
    if method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
        return "PostObject"
    if method == "PUT":
        if "partNumber" in query and "uploadId" in query:
            return "UploadPartCopy" if "x-amz-copy-source" in headers else "UploadPart"
        if "acl" in query:
            return "PutObjectAcl"
        if "tagging" in query:
            return "PutObjectTagging"
        return "CopyObject" if "x-amz-copy-source" in headers else "PutObject"
    if method == "GET":
        if "uploadId" in query:
            return "ListParts"
        if "tagging" in query:
            return "GetObjectTagging"
        return "GetObject"
    if method == "HEAD":
        return "HeadObject"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    return f"{method} object"


@dataclass
class RequestInfo:
    """A received request as seen by fault matchers (body not yet read).

    ``path`` is percent-decoded, ``raw_path`` exactly as sent; ``query`` is decoded
    (``?uploads`` -> ``{"uploads": ""}``); ``headers`` has lower-cased names (repeated
    headers joined with ``,``).  ``bucket``/``key``/``operation`` assume path-style.
    """

    method: str
    raw_path: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    connection_id: int = 0

    @property
    def bucket(self) -> str | None:
        parts = self.path.lstrip("/").split("/", 1)
        return parts[0] or None

    @property
    def key(self) -> str | None:
        parts = self.path.lstrip("/").split("/", 1)
        if len(parts) < 2 or not parts[0] or parts[1] == "":
            return None
        return parts[1]

    @property
    def operation(self) -> str:
        return _guess_operation(self.method, self.bucket, self.key, self.query, self.headers)


@dataclass
class RequestRecord(RequestInfo):
    """One request handled by the proxy, with its outcome.

    ``status`` is what the client received (None if the connection was reset or the
    response dropped).  ``upstream_status`` is moto's answer if the request was
    forwarded (it can be 200 while ``status`` is None: "write applied, response
    lost").  ``request_bytes``/``response_bytes`` count body bytes only.
    """

    status: int | None = None
    upstream_status: int | None = None
    forwarded: bool = False
    error_code: str | None = None
    fault: str | None = None
    request_bytes: int = 0
    response_bytes: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    auth: str | None = None  # "header", "presigned", "none"
    access_key: str | None = None
    started: float = 0.0
    duration: float = 0.0


QueryHas = str | Iterable[str] | None


def match_request(
    method: str | None = None,
    path_prefix: str | None = None,
    query_has: QueryHas = None,
    operation: str | None = None,
) -> Callable[[RequestInfo], bool]:
    """Build a matcher for ``add_fault``/``count`` style filtering.

    ``path_prefix`` applies to the decoded path (``/bucket/key``); ``query_has`` is a
    query parameter name (or several) that must be present.
    """
    wanted_query = [query_has] if isinstance(query_has, str) else list(query_has or [])

    def matcher(info: RequestInfo) -> bool:
        if method is not None and info.method != method.upper():
            return False
        if path_prefix is not None and not info.path.startswith(path_prefix):
            return False
        if any(q not in info.query for q in wanted_query):
            return False
        return operation is None or info.operation == operation

    return matcher


# --------------------------------------------------------------------------------------
# Faults
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Respond:
    """Answer with an S3 error without forwarding (e.g. 503 SlowDown, 500 InternalError)."""

    status: int = 503
    code: str = "SlowDown"
    message: str = "Please reduce your request rate."
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ResetConnection:
    """Abort the client connection (TCP RST) before anything is forwarded."""


@dataclass(frozen=True)
class DropResponse:
    """Forward to moto (the write is applied), then reset instead of answering."""


@dataclass(frozen=True)
class Delay:
    """Sleep before handling the request normally (to trigger client read timeouts)."""

    seconds: float


@dataclass(frozen=True)
class CutRequestBody:
    """Receive only part of the request body, pass that part upstream, then reset both
    connections, as if the network died mid-upload.  ``after_bytes`` defaults to half
    of Content-Length."""

    after_bytes: int | None = None


@dataclass(frozen=True)
class Before:
    """Call ``run`` (on the proxy's handler thread), then handle the request normally: a
    third writer changing the bucket at an exact moment of a transfer.  ``run`` may use
    the bucket through the proxy; the request waits for it."""

    run: Callable[[], object]


FaultAction = Respond | ResetConnection | DropResponse | Delay | CutRequestBody | Before


@dataclass
class FaultRule:
    """An installed fault: ``action`` applies to the next ``times`` matching requests
    (``times=None``: forever).  ``hits`` counts how often it fired."""

    match: Callable[[RequestInfo], bool]
    action: FaultAction
    times: int | None = 1
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times


# --------------------------------------------------------------------------------------
# S3Proxy
# --------------------------------------------------------------------------------------


class _ConnectionAborted(Exception):
    """Internal: the handler aborted the client connection on purpose."""


class _ProxyHTTPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, proxy: S3Proxy) -> None:
        self.proxy = proxy
        super().__init__(("127.0.0.1", 0), _ProxyHandler)

    def verify_request(self, request: socket.socket, client_address: object) -> bool:  # type: ignore[override]
        if not self.proxy.online:
            _abort_socket(request)
            return False
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        # Never print tracebacks from handler threads to stderr and never let them
        # affect the server; log them for debugging instead.
        log.debug("S3Proxy: error while handling %s", client_address, exc_info=True)


def _abort_socket(sock: socket.socket) -> None:
    """Close a socket so the peer sees a TCP RST ("connection reset by peer")."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.close()


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ProxyHTTPServer
    #: idle keep-alive connections are closed after this many seconds
    timeout = 60

    # -- plumbing -------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.proxy = self.server.proxy
        self.conn_id = self.proxy._register_connection(self.connection)
        self._aborted = False

    def finish(self) -> None:
        try:
            if not self._aborted:
                super().finish()
        except OSError:
            pass
        finally:
            self.proxy._unregister_connection(self.connection)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("S3Proxy: " + format, *args)

    def handle_expect_100(self) -> bool:
        if not self.proxy.online:
            self._abort()
            return False
        return super().handle_expect_100()

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self._send_simple_error(414, "RequestURITooLong", "Request line too long")
                self.close_connection = True
                return
            if not self.parse_request():
                self.close_connection = True
                return
            self._handle_proxy_request()
        except _ConnectionAborted:
            self.close_connection = True
        except (TimeoutError, ConnectionError, OSError):
            self.close_connection = True
        except Exception:
            log.exception("S3Proxy: unexpected error in handler")
            self.close_connection = True
            with contextlib.suppress(Exception):
                self._send_simple_error(500, "InternalError", "proxy error")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol-level errors (bad request line, headers): S3 XML, then close."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._send_simple_error(code, "BadRequest", message or "Bad Request")

    def _abort(self) -> None:
        """Reset the client connection (RST) right now."""
        self._aborted = True
        self.close_connection = True
        with contextlib.suppress(Exception):
            self.rfile.close()
        with contextlib.suppress(Exception):
            self.wfile.close()
        _abort_socket(self.connection)

    def _send_simple_error(self, status: int, code: str, message: str) -> None:
        body = S3Error(status, code, message).to_xml()
        self._write_response(status, [("Content-Type", "application/xml")], body, False)

    def _write_response(
        self,
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        head_only: bool,
        *,
        keep_content_length: bool = False,
    ) -> None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
        lines = [f"HTTP/1.1 {status} {reason}"]
        for name, value in headers:
            lines.append(f"{name}: {value}")
        if not keep_content_length:
            lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        wan = self.proxy.wan
        if wan is not None and self.proxy._stopping.wait(wan.response_delay):
            self._abort()
            raise _ConnectionAborted
        if not head_only:
            data += body
        self.wfile.write(data)
        self.wfile.flush()

    # -- request handling -------------------------------------------------------------

    def _read_body(self, limit: int | None = None) -> bytes:
        """Read the request body (Content-Length or chunked); at most ``limit`` bytes."""
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            return self._read_chunked(limit)
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise S3Error(400, "InvalidArgument", "Bad Content-Length")
        if limit is not None:
            length = min(length, limit)
        chunks = []
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                raise ConnectionError("client closed connection mid-body")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _read_chunked(self, limit: int | None) -> bytes:
        out = bytearray()
        while True:
            line = self.rfile.readline(65537)
            if not line:
                raise ConnectionError("client closed connection mid-body")
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass  # discard trailers
                return bytes(out)
            if limit is not None and len(out) + size > limit:
                out += self.rfile.read(limit - len(out))
                return bytes(out)
            out += self.rfile.read(size)
            self.rfile.readline(65537)  # CRLF after chunk data

    def _header_lists(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for name, value in self.headers.items():
            result.setdefault(name.lower(), []).append(value)
        return result

    def _handle_proxy_request(self) -> None:
        proxy = self.proxy
        if not proxy.online:
            self._abort()
            raise _ConnectionAborted
        words = self.requestline.split()
        target = words[1] if len(words) >= 2 else "/"
        if target.startswith(("http://", "https://")):  # absolute-form
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        split = urlsplit(target)
        header_lists = self._header_lists()
        info_headers = {k: ",".join(v) for k, v in header_lists.items()}
        record = RequestRecord(
            method=self.command,
            raw_path=split.path,
            path=unquote(split.path),
            query=_decode_query(split.query),
            headers=info_headers,
            connection_id=self.conn_id,
            started=time.monotonic(),
        )
        head_only = self.command == "HEAD"
        rule = proxy._take_fault(record)
        action = rule.action if rule else None
        if action is not None:
            record.fault = type(action).__name__

        if isinstance(action, CutRequestBody):
            self._cut_body(record, target, action)
            return

        try:
            body = self._read_body()
        except (ValueError, S3Error):
            self.close_connection = True
            self._finish_error(record, S3Error(400, "InvalidRequest", "Malformed body"), False)
            return
        record.request_bytes = len(body)
        if proxy.wan is not None and proxy._stopping.wait(proxy.wan.request_delay(len(body))):
            self._abort()
            raise _ConnectionAborted

        if isinstance(action, ResetConnection):
            proxy._record(record)
            self._abort()
            raise _ConnectionAborted
        if isinstance(action, Respond):
            err = S3Error(action.status, action.code, action.message)
            self._finish_error(record, err, head_only, dict(action.headers))
            return
        if isinstance(action, Delay):
            if proxy._stopping.wait(action.seconds):
                self._abort()
                raise _ConnectionAborted
        if isinstance(action, Before):
            action.run()

        try:
            auth = proxy._check_request(self.command, target, header_lists, body)
        except S3Error as err:
            self._finish_error(record, err, head_only)
            return
        record.auth = auth.kind
        record.access_key = auth.access_key

        forward_body = body
        if proxy.r2_create_bucket and record.operation == "CreateBucket" and not body:
            region = auth.region or _region_from_authorization(info_headers)
            if region and region != "us-east-1":
                # moto insists on a LocationConstraint equal to the signing region when
                # it is not us-east-1; R2 ("auto") does not.
                forward_body = (
                    '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
                    f"<LocationConstraint>{xml_escape(region)}</LocationConstraint>"
                    "</CreateBucketConfiguration>"
                ).encode()

        try:
            status, resp_headers, resp_body = proxy._forward_guarded(
                record, target, header_lists, forward_body
            )
        except S3Error as err:
            self._finish_error(record, err, head_only)
            return
        except OSError as exc:
            self.close_connection = True
            self._finish_error(
                record, S3Error(502, "BadGateway", f"upstream error: {exc}"), head_only
            )
            return
        record.forwarded = True
        record.upstream_status = status
        record.response_headers = {k.lower(): v for k, v in resp_headers}
        if status >= 300 and resp_body:
            m = _ERROR_CODE_RE.search(resp_body)
            if m:
                record.error_code = m.group(1).decode("utf-8", "replace")

        if isinstance(action, DropResponse):
            proxy._record(record)
            self._abort()
            raise _ConnectionAborted

        no_body = head_only or status in (204, 304) or 100 <= status < 200
        out_headers = [(k, v) for k, v in resp_headers if k.lower() not in _HOP_BY_HOP]
        if no_body:
            resp_body = b""
        else:
            out_headers = [(k, v) for k, v in out_headers if k.lower() != "content-length"]
        record.status = status
        record.response_bytes = len(resp_body)
        proxy._record(record)
        self._write_response(status, out_headers, resp_body, head_only, keep_content_length=no_body)

    def _finish_error(
        self,
        record: RequestRecord,
        err: S3Error,
        head_only: bool,
        extra_headers: Mapping[str, str] | None = None,
    ) -> None:
        body = err.to_xml()
        record.status = err.status
        record.error_code = err.code
        record.response_bytes = 0 if head_only else len(body)
        self.proxy._record(record)
        headers = [("Content-Type", "application/xml")]
        headers += list((extra_headers or {}).items())
        self._write_response(err.status, headers, body, head_only)

    def _cut_body(self, record: RequestRecord, target: str, action: CutRequestBody) -> None:
        declared = int(self.headers.get("Content-Length") or 0)
        limit = action.after_bytes if action.after_bytes is not None else declared // 2
        partial = self._read_body(limit=limit)
        record.request_bytes = len(partial)
        try:
            self.proxy._forward_partial(
                self.command, target, self._header_lists(), partial, declared
            )
            record.forwarded = True
        except OSError:
            log.debug("S3Proxy: partial forward failed", exc_info=True)
        self.proxy._record(record)
        self._abort()
        raise _ConnectionAborted


def _region_from_authorization(headers: Mapping[str, str]) -> str | None:
    auth = headers.get("authorization", "")
    m = re.search(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/", auth)
    return m.group(1) if m else None


class S3Proxy(_Service):
    """R2-like verifying, observing, fault-injecting HTTP/1.1 reverse proxy for moto.

    Args:
        upstream: base URL of the S3 server (e.g. ``MotoServer.url``).
        credentials: access key -> secret accepted by SigV4 verification; ``None``
            disables verification (every request is forwarded unauthenticated).
        region: if given, the credential scope must name this region; otherwise any
            region (R2 uses ``auto``) is accepted.
        reject_acl: an ``x-amz-acl`` header other than ``private`` or ``PUT ?acl`` -> 501
            NotImplemented. R2 has no ACLs: ``public-read`` fails there, while the
            ``private`` that django-storages sends with ``AWS_DEFAULT_ACL=private`` is what
            R2 does anyway and the web app's uploads work with it.
        reject_aws_chunked: ``Content-Encoding: aws-chunked`` -> 400 InvalidRequest.
        reject_trailer: an ``x-amz-trailer`` header -> 400 InvalidRequest.
        reject_streaming_payload: ``x-amz-content-sha256: STREAMING-...`` -> 400.
        r2_create_bucket: accept CreateBucket without a LocationConstraint in any
            region, as R2 does (moto alone rejects it for regions other than
            us-east-1 with IllegalLocationConstraintException).
        upstream_timeout: socket timeout for the connection to moto.
        wan: a WAN model (round trips and a shared uplink, see wan.py) applied to every
            request; ``None`` (the default) answers at loopback speed.
    """

    def __init__(
        self,
        upstream: str,
        credentials: Mapping[str, str] | None = DEFAULT_CREDENTIALS,
        region: str | None = None,
        *,
        reject_acl: bool = True,
        reject_aws_chunked: bool = True,
        reject_trailer: bool = True,
        reject_streaming_payload: bool = True,
        r2_create_bucket: bool = True,
        upstream_timeout: float = 60.0,
        wan: Wan | None = None,
    ) -> None:
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"upstream must be an http:// URL, got {upstream!r}")
        self.upstream = upstream.rstrip("/")
        self._upstream_host = parts.hostname
        self._upstream_port = parts.port or 80
        self.credentials: dict[str, str] | None = (
            dict(credentials) if credentials is not None else None
        )
        self.region = region
        self.reject_acl = reject_acl
        self.reject_aws_chunked = reject_aws_chunked
        self.reject_trailer = reject_trailer
        self.reject_streaming_payload = reject_streaming_payload
        self.r2_create_bucket = r2_create_bucket
        self.upstream_timeout = upstream_timeout
        self.wan = wan
        #: clock used for expiry/skew checks; tests may replace it
        self.clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)

        self.preconditions = Preconditions()
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []
        self._rules: list[FaultRule] = []
        self._online = True
        self._stopping = threading.Event()
        self._conns: dict[socket.socket, int] = {}
        self._upstream_socks: set[socket.socket] = set()
        self._threads: set[threading.Thread] = set()
        self._conn_counter = 0
        self._server: _ProxyHTTPServer | None = None
        self._serve_thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("S3Proxy is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Endpoint URL for clients, e.g. ``http://127.0.0.1:5124``."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if self._server is not None:
            return
        self._stopping.clear()
        self._server = _ProxyHTTPServer(self)
        self._serve_thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"S3Proxy:{self.port}",
            daemon=True,
        )
        self._serve_thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop promptly: closes idle keep-alive and in-flight connections."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        self._shutdown_all_sockets()
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self._serve_thread is not None:
            self._serve_thread.join(max(0.0, deadline - time.monotonic()))
            self._serve_thread = None

    def _shutdown_all_sockets(self) -> None:
        # shutdown() (not close()) from another thread: it wakes up a handler blocked in
        # recv() without the fd-reuse hazards of closing a socket in use elsewhere.
        with self._lock:
            socks = list(self._conns) + list(self._upstream_socks)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    @property
    def online(self) -> bool:
        """False simulates network loss: open connections are cut, new ones reset."""
        return self._online

    @online.setter
    def online(self, value: bool) -> None:
        self._online = bool(value)
        if not value:
            self._shutdown_all_sockets()

    def _register_connection(self, sock: socket.socket) -> int:
        with self._lock:
            self._conn_counter += 1
            self._conns[sock] = self._conn_counter
            self._threads.add(threading.current_thread())
            return self._conn_counter

    def _unregister_connection(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.pop(sock, None)
            self._threads.discard(threading.current_thread())

    # -- observation ------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Snapshot of all recorded requests, oldest first."""
        with self._lock:
            return list(self._records)

    def _record(self, record: RequestRecord) -> None:
        record.duration = time.monotonic() - record.started
        with self._lock:
            self._records.append(record)

    def clear(self) -> None:
        """Forget recorded requests (fault rules stay)."""
        with self._lock:
            self._records.clear()

    def reset(self) -> None:
        """Back to a fresh state between tests: no records, no fault rules, online."""
        with self._lock:
            self._records.clear()
            self._rules.clear()
        self._online = True

    def records(
        self,
        method: str | None = None,
        path_prefix: str | None = None,
        query_has: QueryHas = None,
        *,
        operation: str | None = None,
        status: int | None = None,
        forwarded: bool | None = None,
    ) -> list[RequestRecord]:
        """Recorded requests matching all given filters (see ``match_request``)."""
        matcher = match_request(method, path_prefix, query_has, operation)
        return [
            r
            for r in self.requests
            if matcher(r)
            and (status is None or r.status == status)
            and (forwarded is None or r.forwarded == forwarded)
        ]

    def count(self, *filters: Any, **named: Any) -> int:
        """How many recorded requests match (the filters of :meth:`records`)."""
        return len(self.records(*filters, **named))

    def bytes_received(self, *filters: Any, **named: Any) -> int:
        """Total request-body bytes received from clients for matching requests."""
        return sum(r.request_bytes for r in self.records(*filters, **named))

    def bytes_sent(self, *filters: Any, **named: Any) -> int:
        """Total response-body bytes sent to clients for matching requests."""
        return sum(r.response_bytes for r in self.records(*filters, **named))

    def add_fault(
        self,
        match: Callable[[RequestInfo], bool] | None,
        action: FaultAction,
        times: int | None = 1,
    ) -> FaultRule:
        """Install a rule; ``match=None`` matches every request.  First match wins.

        Rules are consulted once per request, right after its headers arrive and
        BEFORE signature verification, so a matching rule is used up even if the
        request would later be rejected.  A matcher that raises counts as no match.
        """
        rule = FaultRule(match or (lambda _info: True), action, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    @property
    def faults(self) -> list[FaultRule]:
        """Installed rules that have not been used up."""
        with self._lock:
            return [r for r in self._rules if not r.exhausted]

    def clear_faults(self) -> None:
        with self._lock:
            self._rules.clear()

    def _take_fault(self, info: RequestInfo) -> FaultRule | None:
        with self._lock:
            rules = [r for r in self._rules if not r.exhausted]
        for rule in rules:
            try:
                matched = rule.match(info)
            except Exception:
                log.exception("S3Proxy: fault matcher raised; treating as no match")
                continue
            if not matched:
                continue
            with self._lock:
                if rule.exhausted:  # another thread used it up meanwhile
                    continue
                rule.hits += 1
                if rule.exhausted:
                    self._rules.remove(rule)
            return rule
        return None

    # -- checks -----------------------------------------------------------------------

    def _check_request(
        self, method: str, target: str, headers: Mapping[str, list[str]], body: bytes
    ) -> AuthResult:
        if self.credentials is not None:
            auth = verify_sigv4(
                method,
                target,
                headers,
                body,
                self.credentials,
                region=self.region,
                now=self.clock(),
            )
        else:
            auth = AuthResult(
                "none",
                region=_region_from_authorization({k: ",".join(v) for k, v in headers.items()}),
            )

        def first(name: str) -> str:
            return (_first_header(headers, name) or "").strip()

        query = _decode_query(urlsplit(target).query)
        acl = first("x-amz-acl").lower()
        if self.reject_acl and (
            acl not in ("", "private") or (method == "PUT" and "acl" in query)
        ):
            raise S3Error(501, "NotImplemented", "ACLs are not supported")
        encodings = {e.strip().lower() for e in first("content-encoding").split(",")}
        if self.reject_aws_chunked and "aws-chunked" in encodings:
            raise S3Error(400, "InvalidRequest", "Content-Encoding aws-chunked is not supported")
        if self.reject_trailer and "x-amz-trailer" in headers:
            raise S3Error(400, "InvalidRequest", "x-amz-trailer is not supported")
        if self.reject_streaming_payload and first("x-amz-content-sha256").startswith("STREAMING-"):
            raise S3Error(
                400, "InvalidRequest", "Streaming (chunked) payload signing is not supported"
            )
        return auth

    # -- upstream ---------------------------------------------------------------------

    def _upstream_request(
        self,
        method: str,
        target: str,
        headers: Mapping[str, list[str]],
        content_length: int,
    ) -> http.client.HTTPConnection:
        conn = http.client.HTTPConnection(
            self._upstream_host, self._upstream_port, timeout=self.upstream_timeout
        )
        conn.connect()
        assert conn.sock is not None
        with self._lock:
            self._upstream_socks.add(conn.sock)
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, values in headers.items():
            if name in _HOP_BY_HOP or name in ("content-length", "expect"):
                continue
            for value in values:
                conn.putheader(name, value)
        if "host" not in headers:
            conn.putheader("Host", f"{self._upstream_host}:{self._upstream_port}")
        if content_length or method in ("PUT", "POST") or "content-length" in headers:
            conn.putheader("Content-Length", str(content_length))
        return conn

    def _release_upstream(self, conn: http.client.HTTPConnection) -> None:
        sock = conn.sock
        if sock is not None:
            with self._lock:
                self._upstream_socks.discard(sock)
        conn.close()

    def _forward_guarded(
        self, record: RequestRecord, target: str, headers: Mapping[str, list[str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Forward a request, checking R2's conditional headers first (see preconditions.py).

        Raises S3Error with the 412 (or 501) answer instead of forwarding.
        """
        operation, bucket, key = record.operation, record.bucket, record.key
        if operation in _UPLOAD_ID_OPERATIONS:
            return self._forward_to_upload(record.method, target, headers, body)
        if bucket is None or key is None or (
            operation not in WRITES and operation != "UploadPartCopy"
        ):
            return self._forward(record.method, target, headers, body)
        keys = [(bucket, key)]
        source = copy_source(record.headers) if operation == "CopyObject" else None
        if source is not None:
            keys.append(source)
        # moto does not verify signatures but takes the account from the access key.
        as_caller = {k: v for k, v in headers.items() if k == "authorization"}

        def etag_of(bucket: str, key: str) -> str | None:
            return self._upstream_etag(bucket, key, as_caller)

        with self.preconditions.holding(keys):
            failure = self.preconditions.check(operation, (bucket, key), record.headers,
                                               etag_of)
            if failure is not None:
                if operation == "CompleteMultipartUpload":  # R2 aborts the upload
                    self._forward("DELETE", target, as_caller, b"")
                raise S3Error(*failure)
            kept = {k: v for k, v in headers.items() if k not in EVALUATED}
            return self._forward(record.method, target, kept, body)

    def _forward_to_upload(
        self, method: str, target: str, headers: Mapping[str, list[str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """moto crashes (a bare 500) on a part sent to an upload that was completed or
        aborted; R2 and S3 answer 404 NoSuchUpload, which clients know to handle."""
        status, resp_headers, resp_body = self._forward(method, target, headers, body)
        if status == 500 and not _ERROR_CODE_RE.search(resp_body):
            raise S3Error(404, "NoSuchUpload", "The specified multipart upload does not exist.")
        return status, resp_headers, resp_body

    def _upstream_etag(
        self, bucket: str, key: str, as_caller: Mapping[str, list[str]]
    ) -> str | None:
        status, headers, _ = self._forward(
            "HEAD", f"/{quote(bucket, safe='')}/{quote(key, safe='/')}", as_caller, b""
        )
        if status == 404:
            return None
        found = {k.lower(): v for k, v in headers}
        if status != 200 or "etag" not in found:
            raise OSError(f"HEAD {bucket}/{key} upstream answered {status}")
        return found["etag"].strip('"')

    def _forward(
        self, method: str, target: str, headers: Mapping[str, list[str]], body: bytes
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Send one request to moto on a fresh connection; return the whole response.

        A fresh connection per request is deliberate: moto's werkzeug server answers
        ``Connection: close`` anyway, and it keeps fault handling simple.
        """
        conn = self._upstream_request(method, target, headers, len(body))
        try:
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()  # http.client de-chunks and knows HEAD has no body
            return resp.status, resp.getheaders(), data
        finally:
            self._release_upstream(conn)

    def _forward_partial(
        self,
        method: str,
        target: str,
        headers: Mapping[str, list[str]],
        partial: bytes,
        declared_length: int,
    ) -> None:
        conn = self._upstream_request(method, target, headers, declared_length)
        try:
            conn.endheaders()
            if partial:
                conn.send(partial)
            if conn.sock is not None:
                # End the body early and wait for moto's answer (or close): by then it has read
                # all that was sent. Then cut the connection.
                conn.sock.shutdown(socket.SHUT_WR)
                conn.sock.recv(1)
                _abort_socket(conn.sock)
        finally:
            self._release_upstream(conn)
