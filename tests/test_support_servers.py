"""Tests for the test infrastructure in tests/support/servers.py.

A real moto server process (module-scoped) sits behind a fresh S3Proxy per test;
boto3 is configured the way r2tui talks to R2 (region "auto", SigV4, path style,
checksums only when required).
"""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import botocore.exceptions
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from tests.support.servers import (
    TEST_ACCESS_KEY,
    TEST_SECRET_KEY,
    CutRequestBody,
    Delay,
    DropResponse,
    MotoServer,
    ResetConnection,
    Respond,
    S3Error,
    S3Proxy,
    match_request,
    verify_sigv4,
)

BUCKET = "media-test"
MIB = 1024 * 1024


# ----------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _isolated_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a developer's AWS config/profile/endpoint leak into these clients."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture
def moto(moto_server: MotoServer) -> MotoServer:
    moto_server.reset()
    return moto_server


@pytest.fixture
def proxy(moto: MotoServer) -> Iterator[S3Proxy]:
    with S3Proxy(moto.url) as p:
        yield p


@functools.cache
def _session() -> boto3.session.Session:
    """One shared session: loading the S3 service model per client costs ~0.3 s."""
    return boto3.session.Session()


def make_client(
    endpoint: str,
    key: str = TEST_ACCESS_KEY,
    secret: str = TEST_SECRET_KEY,
    *,
    max_attempts: int = 1,  # total attempts, including the first
    read_timeout: float = 10,
    signature_version: str = "s3v4",
    region: str = "auto",
) -> Any:
    return _session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(
            signature_version=signature_version,
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"total_max_attempts": max_attempts, "mode": "standard"},
            connect_timeout=2,
            read_timeout=read_timeout,
        ),
    )


@pytest.fixture
def s3(proxy: S3Proxy) -> Any:
    return make_client(proxy.url)


@pytest.fixture
def bucket(s3: Any, proxy: S3Proxy) -> str:
    s3.create_bucket(Bucket=BUCKET)
    proxy.clear()
    return BUCKET


def error_code(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


def http_status(exc: pytest.ExceptionInfo[botocore.exceptions.ClientError]) -> int:
    return int(exc.value.response["ResponseMetadata"]["HTTPStatusCode"])


def fetch(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    """urllib request returning (status, body) also for HTTP errors."""
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        # urllib defaults to application/x-www-form-urlencoded, and moto then parses
        # the body as a form and stores an EMPTY object.
        req.add_header("Content-Type", "application/octet-stream")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def signed_request(
    base_url: str,
    method: str,
    path: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    sign_body: bytes | None = None,
    trailer_checksum: bool = False,
    conn: http.client.HTTPConnection | None = None,
    chunked: bool = False,
) -> tuple[int, dict[str, str], bytes]:
    """Sign with botocore's own S3SigV4Auth, send raw with http.client."""
    request = AWSRequest(
        method=method,
        url=base_url + path,
        data=sign_body if sign_body is not None else body,
        headers=dict(headers or {}),
    )
    if trailer_checksum:
        request.context["checksum"] = {
            "request_algorithm": {"in": "trailer", "name": "x-amz-checksum-crc32"}
        }
    S3SigV4Auth(Credentials(TEST_ACCESS_KEY, TEST_SECRET_KEY), "s3", "auto").add_auth(request)
    parts = urlsplit(base_url)
    own = conn is None
    conn = conn or http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        send_headers = dict(request.headers.items())
        if chunked:
            conn.request(
                method,
                path,
                body=iter([body[:3], body[3:]]),
                headers=send_headers,
                encode_chunked=True,
            )
        else:
            conn.request(method, path, body=body, headers=send_headers)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        if own:
            conn.close()


# ------------------------------------------------------------------- basic operations

AWKWARD_KEYS = [
    "plain.txt",
    "with space/file name.mp4",
    "Кириллица/фото 1.jpg",
    "a+b.txt",
    "100%.txt",
    "hash#tag.txt",
    "what?.txt",
    "mix ж+%#?&=~'!.txt",
    "empty.bin",
]


def test_crud_with_awkward_keys(s3: Any, bucket: str, proxy: S3Proxy) -> None:
    bodies = {k: (b"" if k == "empty.bin" else f"content of {k}".encode()) for k in AWKWARD_KEYS}
    for key, body in bodies.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    for key, body in bodies.items():
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == len(body)
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body

    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in listed) == sorted(AWKWARD_KEYS)
    prefixed = s3.list_objects_v2(Bucket=bucket, Prefix="Кириллица/")["Contents"]
    assert [o["Key"] for o in prefixed] == ["Кириллица/фото 1.jpg"]

    s3.delete_object(Bucket=bucket, Key="a+b.txt")
    s3.delete_objects(
        Bucket=bucket, Delete={"Objects": [{"Key": k} for k in AWKWARD_KEYS if k != "a+b.txt"]}
    )
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

    # Observation: every request was verified (header auth) and recorded, decoded.
    n = len(AWKWARD_KEYS)
    assert proxy.count(operation="PutObject") == n
    assert proxy.count("HEAD") == n
    assert proxy.count(operation="GetObject") == n
    assert proxy.count(operation="ListObjectsV2") == 3
    assert proxy.count(operation="DeleteObject") == 1
    assert proxy.count("POST", query_has="delete") == 1
    assert proxy.bytes_received(operation="PutObject") == sum(map(len, bodies.values()))
    assert proxy.bytes_sent(operation="GetObject") == sum(map(len, bodies.values()))
    puts = proxy.records(operation="PutObject")
    assert [r.key for r in puts] == list(bodies)
    assert {r.path for r in puts} == {f"/{bucket}/{k}" for k in AWKWARD_KEYS}
    assert all(r.status == 200 and r.auth == "header" and r.forwarded for r in puts)
    assert proxy.count(path_prefix=f"/{bucket}/Кириллица/") == 3  # put, head, get
    heads = proxy.records("HEAD")
    assert all(r.response_bytes == 0 for r in heads)


def test_multipart_upload_through_proxy(s3: Any, bucket: str, proxy: S3Proxy) -> None:
    parts = [b"a" * (5 * MIB), b"b" * (5 * MIB), b"tail" * 256]
    key = "video/большой файл #1.mkv"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)
    done = []
    for number, data in enumerate(parts, start=1):
        resp = s3.upload_part(
            Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=number, Body=data
        )
        done.append({"PartNumber": number, "ETag": resp["ETag"]})
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload["UploadId"])
    assert [p["Size"] for p in listed["Parts"]] == [len(p) for p in parts]
    s3.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={"Parts": done}
    )
    total = sum(map(len, parts))
    assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == total
    got = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={5 * MIB - 2}-{5 * MIB + 1}")
    assert got["Body"].read() == b"aabb"

    assert proxy.count(operation="CreateMultipartUpload") == 1
    assert proxy.count(operation="UploadPart") == 3
    assert proxy.count(operation="ListParts") == 1
    assert proxy.count(operation="CompleteMultipartUpload") == 1
    assert proxy.bytes_received(operation="UploadPart") == total
    assert proxy.bytes_received("PUT", query_has=["uploadId", "partNumber"]) == total


def test_create_bucket_without_location_constraint_like_r2(moto: MotoServer) -> None:
    with S3Proxy(moto.url) as proxy:
        make_client(proxy.url).create_bucket(Bucket="r2-style")
    with S3Proxy(moto.url, r2_create_bucket=False) as proxy:
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            make_client(proxy.url).create_bucket(Bucket="moto-style")
    assert error_code(exc) == "IllegalLocationConstraintException"


# ----------------------------------------------------------------------- authentication


def test_wrong_secret_is_signature_mismatch(proxy: S3Proxy) -> None:
    client = make_client(proxy.url, secret="not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        client.create_bucket(Bucket=BUCKET)
    assert error_code(exc) == "SignatureDoesNotMatch"
    assert http_status(exc) == 403
    (record,) = proxy.requests
    assert record.status == 403 and not record.forwarded
    assert record.error_code == "SignatureDoesNotMatch"
    assert make_client(proxy.url).list_buckets()["Buckets"] == []


def test_unknown_access_key(proxy: S3Proxy) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        make_client(proxy.url, key="someone-else").list_buckets()
    assert error_code(exc) == "InvalidAccessKeyId"
    assert http_status(exc) == 403


def test_unauthenticated_request_denied(proxy: S3Proxy, bucket: str) -> None:
    status, body = fetch(f"{proxy.url}/{bucket}/x")
    assert status == 403 and b"<Code>AccessDenied</Code>" in body


def test_sigv2_rejected(proxy: S3Proxy) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        make_client(proxy.url, signature_version="s3").list_buckets()
    assert error_code(exc) == "InvalidRequest"
    assert http_status(exc) == 400
    status, body = fetch(f"{proxy.url}/b/k?AWSAccessKeyId=x&Expires=1&Signature=abc")
    assert status == 400 and b"InvalidRequest" in body


def test_region_pinned(moto: MotoServer) -> None:
    with S3Proxy(moto.url, region="auto") as proxy:
        make_client(proxy.url).list_buckets()
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            make_client(proxy.url, region="us-east-1").list_buckets()
    assert error_code(exc) == "AuthorizationHeaderMalformed"


def test_clock_skew_rejected(proxy: S3Proxy) -> None:
    proxy.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(minutes=20)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        make_client(proxy.url).list_buckets()
    assert error_code(exc) == "RequestTimeTooSkewed"


def test_payload_hash_mismatch_and_signed_raw_requests(proxy: S3Proxy, bucket: str) -> None:
    status, _, body = signed_request(
        proxy.url, "PUT", f"/{bucket}/k", body=b"evil", sign_body=b"good"
    )
    assert status == 400 and b"XAmzContentSHA256Mismatch" in body
    assert proxy.count(forwarded=True) == 0

    # Chunked transfer-encoding from the client is de-chunked and verified.
    status, _, _ = signed_request(proxy.url, "PUT", f"/{bucket}/c", b"chunked-body", chunked=True)
    assert status == 200
    # A 0-length PUT, then HEAD and GET on the same keep-alive connection: the HEAD
    # response must carry no body or the GET would be misparsed.
    parts = urlsplit(proxy.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        assert signed_request(proxy.url, "PUT", f"/{bucket}/zero", conn=conn)[0] == 200
        status, headers, body = signed_request(proxy.url, "HEAD", f"/{bucket}/c", conn=conn)
        assert (status, headers["content-length"], body) == (200, "12", b"")
        status, _, body = signed_request(proxy.url, "GET", f"/{bucket}/c", conn=conn)
        assert (status, body) == (200, b"chunked-body")
        status, headers, body = signed_request(proxy.url, "GET", f"/{bucket}/zero", conn=conn)
        assert (status, headers["content-length"], body) == (200, "0", b"")
    finally:
        conn.close()
    assert len({r.connection_id for r in proxy.records(path_prefix=f"/{bucket}/zero")}) == 1


# -------------------------------------------------------------------------- presigning


def test_presigned_get_and_put(s3: Any, bucket: str, proxy: S3Proxy) -> None:
    key = "dir/ж + %#?.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"presigned!")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=300
    )
    assert fetch(url) == (200, b"presigned!")
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "up.bin"}, ExpiresIn=300
    )
    assert fetch(put_url, "PUT", b"uploaded")[0] == 200
    assert s3.get_object(Bucket=bucket, Key="up.bin")["Body"].read() == b"uploaded"
    assert [r.auth for r in proxy.records(query_has="X-Amz-Signature")] == [
        "presigned",
        "presigned",
    ]


def test_presigned_tampering_and_bounds(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="a.txt", Body=b"a")
    s3.put_object(Bucket=bucket, Key="b.txt", Body=b"b")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "a.txt"}, ExpiresIn=300
    )
    for tampered in (
        url.replace("/a.txt", "/b.txt"),
        url.replace("X-Amz-Expires=300", "X-Amz-Expires=301"),
        url[:-4] + ("0000" if not url.endswith("0000") else "1111"),
    ):
        status, body = fetch(tampered)
        assert status == 403 and b"SignatureDoesNotMatch" in body
    too_long = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "a.txt"}, ExpiresIn=604801
    )
    status, body = fetch(too_long)
    assert status == 400 and b"AuthorizationQueryParametersError" in body


def test_presigned_url_expires(s3: Any, proxy: S3Proxy, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="soon-gone.txt", Body=b"x")
    url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "soon-gone.txt"}, ExpiresIn=1
    )
    (stamp,) = parse_qs(urlsplit(url).query)["X-Amz-Date"]
    signed = dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    proxy.clock = lambda: signed + dt.timedelta(seconds=1)  # the last valid second
    assert fetch(url) == (200, b"x")
    proxy.clock = lambda: signed + dt.timedelta(seconds=2)
    status, body = fetch(url)
    assert status == 403
    assert b"<Code>AccessDenied</Code>" in body and b"Request has expired" in body


def test_verify_sigv4_against_aws_documentation_examples() -> None:
    """Independent check with the published S3 SigV4 examples (not botocore-made)."""
    creds = {"AKIAIOSFODNN7EXAMPLE": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
    now = dt.datetime(2013, 5, 24, 0, 0, 5, tzinfo=dt.UTC)
    host = {"host": ["examplebucket.s3.amazonaws.com"]}
    headers = {
        **host,
        "range": ["bytes=0-9"],
        "x-amz-content-sha256": [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        ],
        "x-amz-date": ["20130524T000000Z"],
        "authorization": [
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
            "aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        ],
    }
    assert verify_sigv4("GET", "/test.txt", headers, b"", creds, now=now).kind == "header"
    with pytest.raises(S3Error) as exc:
        verify_sigv4("GET", "/test.txt", {**headers, "range": ["bytes=0-8"]}, b"", creds, now=now)
    assert exc.value.code == "SignatureDoesNotMatch"

    presigned = (
        "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"
        "%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z"
        "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    )
    assert verify_sigv4("GET", presigned, host, b"", creds, now=now).kind == "presigned"
    with pytest.raises(S3Error) as exc:
        verify_sigv4("GET", presigned, host, b"", creds, now=now + dt.timedelta(days=1, seconds=1))
    assert (exc.value.status, exc.value.code, exc.value.message) == (
        403,
        "AccessDenied",
        "Request has expired",
    )
    with pytest.raises(S3Error) as exc:
        verify_sigv4("GET", presigned, host, b"", creds, now=now, region="auto")
    assert exc.value.code == "AuthorizationQueryParametersError"


# ---------------------------------------------------------------------- R2 rejections


def test_acl_header_rejected(s3: Any, bucket: str, moto: MotoServer) -> None:
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")
    assert error_code(exc) == "NotImplemented"
    assert http_status(exc) == 501
    s3.put_object(Bucket=bucket, Key="k", Body=b"x", ACL="private")  # what R2 does anyway
    with S3Proxy(moto.url, reject_acl=False) as lenient:
        make_client(lenient.url).put_object(Bucket=bucket, Key="k", Body=b"x", ACL="public-read")


@pytest.mark.parametrize(
    ("headers", "trailer"),
    [
        ({"Content-Encoding": "aws-chunked"}, False),
        ({"x-amz-trailer": "x-amz-checksum-crc32"}, False),
        ({}, True),  # x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER
    ],
    ids=["aws-chunked", "x-amz-trailer", "streaming-sha256"],
)
def test_streaming_checksum_features_rejected(
    proxy: S3Proxy, bucket: str, headers: dict[str, str], trailer: bool
) -> None:
    status, _, body = signed_request(
        proxy.url, "PUT", f"/{bucket}/k", b"data", headers, trailer_checksum=trailer
    )
    assert status == 400 and b"<Code>InvalidRequest</Code>" in body
    assert proxy.count(forwarded=True) == 0


# ---------------------------------------------------------------------- fault injection


def test_503_once_is_retried_by_boto3(proxy: S3Proxy, bucket: str) -> None:
    rule = proxy.add_fault(match_request("PUT", path_prefix=f"/{bucket}/"), Respond(503))
    make_client(proxy.url, max_attempts=3).put_object(Bucket=bucket, Key="k", Body=b"v")
    first, second = proxy.records(operation="PutObject")
    assert (first.status, first.error_code, first.fault, first.forwarded) == (
        503,
        "SlowDown",
        "Respond",
        False,
    )
    assert (second.status, second.fault, second.forwarded) == (200, None, True)
    assert rule.hits == 1 and proxy.faults == []


def test_respond_fault_without_retries_surfaces(proxy: S3Proxy, bucket: str) -> None:
    proxy.add_fault(None, Respond(429, "TooManyRequests", "slow down"), times=2)
    s3 = make_client(proxy.url)
    for _ in range(2):
        with pytest.raises(botocore.exceptions.ClientError) as exc:
            s3.list_objects_v2(Bucket=bucket)
        assert http_status(exc) == 429
    s3.list_objects_v2(Bucket=bucket)
    assert [r.status for r in proxy.requests] == [429, 429, 200]
    proxy.add_fault(None, Respond(500, "InternalError"), times=None)
    proxy.online = False
    proxy.reset()
    assert (proxy.requests, proxy.faults, proxy.online) == ([], [], True)
    s3.list_objects_v2(Bucket=bucket)


def test_reset_before_forward_is_retried(proxy: S3Proxy, bucket: str) -> None:
    proxy.add_fault(match_request(operation="PutObject"), ResetConnection())
    make_client(proxy.url, max_attempts=3).put_object(Bucket=bucket, Key="k", Body=b"v")
    first, second = proxy.records(operation="PutObject")
    assert (first.fault, first.status, first.forwarded) == ("ResetConnection", None, False)
    assert second.status == 200


def test_response_lost_after_write_applied(proxy: S3Proxy, bucket: str) -> None:
    proxy.add_fault(match_request(operation="PutObject"), DropResponse())
    s3 = make_client(proxy.url)
    with pytest.raises(botocore.exceptions.BotoCoreError):
        s3.put_object(Bucket=bucket, Key="applied", Body=b"written")
    (record,) = proxy.records(operation="PutObject")
    assert (record.upstream_status, record.status, record.forwarded) == (200, None, True)
    assert s3.get_object(Bucket=bucket, Key="applied")["Body"].read() == b"written"


def test_delay_triggers_client_read_timeout(proxy: S3Proxy, bucket: str) -> None:
    proxy.add_fault(match_request("GET"), Delay(1.0))
    with pytest.raises(botocore.exceptions.ReadTimeoutError):
        make_client(proxy.url, read_timeout=0.3).list_objects_v2(Bucket=bucket)
    make_client(proxy.url).list_objects_v2(Bucket=bucket)


def test_cut_request_body_stores_nothing(proxy: S3Proxy, bucket: str) -> None:
    proxy.add_fault(match_request(operation="PutObject"), CutRequestBody())
    s3 = make_client(proxy.url)
    with pytest.raises(botocore.exceptions.BotoCoreError):
        s3.put_object(Bucket=bucket, Key="partial", Body=b"z" * MIB)
    (record,) = proxy.records(operation="PutObject")
    assert record.status is None and record.request_bytes == MIB // 2 and record.forwarded
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.head_object(Bucket=bucket, Key="partial")
    assert http_status(exc) == 404


def test_offline_switch(proxy: S3Proxy, bucket: str) -> None:
    s3 = make_client(proxy.url)
    s3.list_objects_v2(Bucket=bucket)  # leaves a pooled keep-alive connection
    proxy.online = False
    with pytest.raises(botocore.exceptions.BotoCoreError) as exc:
        s3.list_objects_v2(Bucket=bucket)
    assert not isinstance(exc.value, botocore.exceptions.ClientError)
    proxy.online = True
    s3.list_objects_v2(Bucket=bucket)
    assert proxy.count(operation="ListObjectsV2", status=200) == 2


# ------------------------------------------------------------------------- robustness


def test_keep_alive_connection_reused(s3: Any, bucket: str, proxy: S3Proxy) -> None:
    for i in range(5):
        s3.put_object(Bucket=bucket, Key=f"k{i}", Body=b"x")
    assert len({r.connection_id for r in proxy.requests}) == 1


def test_handler_errors_do_not_kill_server(
    proxy: S3Proxy, bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_matcher(_info: object) -> bool:
        raise RuntimeError("boom")

    proxy.add_fault(broken_matcher, Respond(500, "InternalError"))
    s3 = make_client(proxy.url)
    s3.list_objects_v2(Bucket=bucket)  # a raising matcher counts as "no match"

    real_forward = proxy._forward
    calls = []

    def flaky_forward(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("unexpected bug")
        return real_forward(*args)

    monkeypatch.setattr(proxy, "_forward", flaky_forward)
    with pytest.raises(botocore.exceptions.ClientError) as exc:
        s3.list_objects_v2(Bucket=bucket)
    assert http_status(exc) == 500

    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01 garbage\r\n\r\n")  # e.g. a TLS hello
        assert sock.recv(100).startswith(b"HTTP/1.1 400")
    s3.list_objects_v2(Bucket=bucket)


def test_stop_is_prompt_with_idle_keep_alive_connections(moto: MotoServer) -> None:
    proxy = S3Proxy(moto.url, credentials=None)
    proxy.start()
    port = proxy.port
    conns = []
    for _ in range(3):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/")
        assert conn.getresponse().read().startswith(b"<?xml")
        conns.append(conn)  # stays open and idle
    slow = proxy.add_fault(None, Delay(30))
    waiting = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    waiting.request("GET", "/")
    deadline = time.monotonic() + 10
    while slow.hits == 0:  # no event to wait on: a bounded poll
        assert time.monotonic() < deadline, "the delayed request never reached the proxy"
        time.sleep(0.01)
    started = time.monotonic()
    proxy.stop()
    assert time.monotonic() - started < 1.0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    for conn in [*conns, waiting]:
        conn.close()


def test_no_verification_mode_and_chunked_upstream_response() -> None:
    """credentials=None forwards anything; chunked upstream bodies are re-framed."""

    class Chunky(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")

        def log_message(self, *args: Any) -> None:
            pass

    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Chunky)
    thread = threading.Thread(
        target=upstream.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        with S3Proxy(f"http://127.0.0.1:{upstream.server_address[1]}", credentials=None) as p:
            conn = http.client.HTTPConnection("127.0.0.1", p.port, timeout=5)
            conn.request("GET", "/any/thing")
            resp = conn.getresponse()
            assert resp.getheader("Content-Length") == "19"
            assert resp.getheader("Transfer-Encoding") is None
            assert resp.read() == b"hello chunked world"
            conn.close()
            assert p.requests[0].auth == "none"
    finally:
        upstream.shutdown()
        upstream.server_close()
