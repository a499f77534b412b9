"""The demo world: an embedded S3 server on 127.0.0.1 and a generated library in it.

Nothing leaves the machine: moto's threaded server listens on loopback and the credentials are
dummies. ``r2tui demo`` (:mod:`r2tui.cli.demo`) runs it and removes it all on exit; the tests,
the screenshots and the benchmarks seed it too.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from r2tui.sample import VideoShape, content_for, sample_keys, write_library
from r2tui.settings import DEFAULT_BUCKET, Secret, Settings

DEMO_ACCESS_KEY = "demo-access-key"
DEMO_SECRET = "demo-secret-key-not-a-real-one"


@dataclass(frozen=True)
class DemoPlan:
    """What the demo leaves out of the bucket, so the gap is there to be seen and closed, and
    the videos stored (in the library and the bucket alike) with a media problem to be found."""

    missing: tuple[str, ...]
    changed: tuple[str, ...]
    extra: tuple[str, ...]
    shapes: dict[str, VideoShape] = field(default_factory=dict)  # key -> not fast-start...


def plan_for(keys: list[str]) -> DemoPlan:
    by_prefix = {k.rsplit("/", 1)[0] if "/" in k else "": k for k in reversed(keys)}
    missing = tuple(
        by_prefix[p] for p in ("videos/intros", "photos/quotes", "images/avatars") if p in by_prefix
    )
    changed = tuple(by_prefix[p] for p in ("videos/weekly", "photos/progress") if p in by_prefix)
    first = {k.rsplit("/", 1)[0]: k for k in reversed(keys) if "/" in k}
    shapes = {first[p]: shape for p, shape in (("videos/closing", VideoShape.MOOV_AT_END),
                                               ("videos/reminders", VideoShape.TRUNCATED))
              if p in first}
    return DemoPlan(missing, changed, ("videos/reminders/reminder old (удалить).mp4",), shapes)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def embedded_server() -> Iterator[str]:
    """moto's threaded S3 server on a free loopback port; yields its URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise SystemExit(
            "r2tui demo needs the embedded server: pip install 'r2tui[demo]'"
        ) from None
    port = free_port()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def demo_settings(endpoint: str, root: Path) -> Settings:
    return Settings(
        bucket=DEFAULT_BUCKET,
        access_key_id=DEMO_ACCESS_KEY,
        secret_access_key=Secret(DEMO_SECRET),
        endpoint_url=endpoint,
        public_base_url=f"{endpoint}/{DEFAULT_BUCKET}",
        local_root=root,
    )


def create_bucket(settings: Settings) -> None:
    """Create the bucket on the local server (r2tui itself never needs CreateBucket).

    The request is signed for us-east-1: moto, like S3, wants a location constraint elsewhere.
    """
    import boto3

    assert settings.secret_access_key is not None
    boto3.client(
        "s3",
        endpoint_url=settings.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id=settings.access_key_id,
        aws_secret_access_key=settings.secret_access_key.reveal(),
    ).create_bucket(Bucket=settings.bucket)


def seed(settings: Settings, scale: float = 1.0, *, in_process: bool = False) -> DemoPlan:
    """Create the bucket and the local library, and upload all but the plan's gaps."""
    from r2tui.storage import make_client

    assert settings.local_root is not None
    keys = sample_keys(settings.layout, scale)
    plan = plan_for(keys)
    write_library(settings.local_root, keys, shapes=plan.shapes)
    client = make_client(settings)
    create_bucket(settings)
    skip = set(plan.missing)
    uploads = [(k, content_for(k, variant=1 if k in plan.changed else 0,
                               shape=plan.shapes.get(k, VideoShape.FASTSTART))) for k in keys]
    uploads = [(k, body) for k, body in uploads if k not in skip]
    uploads += [(k, content_for(k)) for k in plan.extra]

    def put(item: tuple[str, bytes]) -> None:
        key, body = item
        client.put_object(
            Bucket=settings.bucket,
            Key=key,
            Body=body,
            ContentType=mimetypes.guess_type(key)[0] or "application/octet-stream",
            CacheControl=settings.cache_control,
            Metadata={"sha256": hashlib.sha256(body).hexdigest()},
        )

    if not (in_process and _seed_in_process(settings, uploads)):
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            list(pool.map(put, uploads))
    return plan


def _seed_in_process(settings: Settings, uploads: list[tuple[str, bytes]]) -> bool:
    """Put objects straight into the embedded server's store: seconds instead of half a minute.

    This reaches into moto's backend, so it is only a fast path: if moto's internals differ,
    it returns False and the caller uploads over HTTP instead.
    """
    try:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.s3.models import s3_backends

        backend = s3_backends[DEFAULT_ACCOUNT_ID]["aws"]
        backend.get_bucket(settings.bucket)
        for key, body in uploads:
            obj = backend.put_object(settings.bucket, key, body)
            obj.set_metadata(
                {
                    "Content-Type": mimetypes.guess_type(key)[0] or "application/octet-stream",
                    "Cache-Control": settings.cache_control,
                    "x-amz-meta-sha256": hashlib.sha256(body).hexdigest(),
                }
            )
    except Exception:  # noqa: BLE001 - any mismatch with moto's internals: use HTTP
        return False
    return True
