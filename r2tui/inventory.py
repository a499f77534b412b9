"""The bucket's side: streamed listings, one folder level at a time, and object details."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from r2tui.storage import S3Client

PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class RemoteObject:
    key: str
    size: int
    etag: str  # without quotes
    last_modified: datetime | None = None

    @property
    def is_multipart(self) -> bool:
        return "-" in self.etag


@dataclass(frozen=True, slots=True)
class ObjectDetails:
    """What a HEAD request tells about one object."""

    key: str
    size: int
    etag: str
    last_modified: datetime | None
    content_type: str | None
    cache_control: str | None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str | None:
        return self.metadata.get("sha256")


@dataclass(frozen=True, slots=True)
class Level:
    """One page of a delimiter listing: sub-prefixes ("folders") and objects at this level."""

    prefixes: list[str]
    objects: list[RemoteObject]
    next_token: str | None


def _object(item: dict) -> RemoteObject:
    return RemoteObject(
        key=item["Key"],
        size=int(item.get("Size", 0)),
        etag=str(item.get("ETag", "")).strip('"'),
        last_modified=item.get("LastModified"),
    )


def iter_objects(client: S3Client, bucket: str, prefix: str = "") -> Iterator[RemoteObject]:
    """Every object under ``prefix``, page by page: memory stays bounded whatever the size."""
    token: str | None = None
    while True:
        kwargs = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": PAGE_SIZE}
        if token:
            kwargs["ContinuationToken"] = token
        page = client.list_objects_v2(**kwargs)
        for item in page.get("Contents", ()):
            yield _object(item)
        token = page.get("NextContinuationToken") if page.get("IsTruncated") else None
        if not token:
            return


def list_level(
    client: S3Client, bucket: str, prefix: str = "", token: str | None = None
) -> Level:
    """One page of the folder ``prefix``: what a lazily expanded tree node needs."""
    kwargs = {"Bucket": bucket, "Prefix": prefix, "Delimiter": "/", "MaxKeys": PAGE_SIZE}
    if token:
        kwargs["ContinuationToken"] = token
    page = client.list_objects_v2(**kwargs)
    return Level(
        prefixes=[p["Prefix"] for p in page.get("CommonPrefixes", ())],
        objects=[_object(item) for item in page.get("Contents", ())],
        next_token=page.get("NextContinuationToken") if page.get("IsTruncated") else None,
    )


def head(client: S3Client, bucket: str, key: str) -> ObjectDetails:
    """HEAD one object (a Class B operation). botocore errors propagate to the caller."""
    response = client.head_object(Bucket=bucket, Key=key)
    return ObjectDetails(
        key=key,
        size=int(response.get("ContentLength", 0)),
        etag=str(response.get("ETag", "")).strip('"'),
        last_modified=response.get("LastModified"),
        content_type=response.get("ContentType"),
        cache_control=response.get("CacheControl"),
        metadata={k.lower(): v for k, v in response.get("Metadata", {}).items()},
    )
