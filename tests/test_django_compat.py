"""The web app's side: django-storages, set up as the spec's deployment, reads what r2tui wrote.

These run django-storages' real S3 backend against the same local server and R2-like proxy.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config
from django.conf import settings as django_settings
from django.core.files.base import ContentFile

from r2tui.library import Library
from r2tui.sample import content_for, png, write_library
from r2tui.settings import Settings
from tests.support.engine import engine_batch, plan_all
from tests.support.servers import TEST_ACCESS_KEY, TEST_SECRET_KEY

if not django_settings.configured:
    django_settings.configure(USE_TZ=True)

from storages.backends.s3 import S3Storage  # noqa: E402 - needs configured settings

KEYS = [
    "videos/exercises/technique/squat 001.mp4",
    "photos/quotes/Цитата дня +1.png",
    "images/avatars/avatar Max Power 02.png",
]


def storage_for(proxy_url: str, bucket: str) -> S3Storage:
    """S3Storage configured like the spec's Django settings (AWS_* variables)."""
    return S3Storage(
        access_key=TEST_ACCESS_KEY,
        secret_key=TEST_SECRET_KEY,
        bucket_name=bucket,
        endpoint_url=proxy_url,
        region_name="auto",
        signature_version="s3v4",
        default_acl="private",
        querystring_auth=True,
        querystring_expire=3600,
        file_overwrite=False,
        object_parameters={"CacheControl": "max-age=86400"},
        client_config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


@pytest.fixture
def uploaded(
    library_root: Path, make_settings: Callable[..., Settings]
) -> Library:
    write_library(library_root, KEYS)
    library = Library(make_settings())
    summary = engine_batch(library, plan_all(library)).run()
    assert summary.ok and summary.uploaded == len(KEYS)
    return library


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def test_django_storages_reads_what_r2tui_uploaded(
    uploaded: Library, proxy: Any, bucket: str, library_root: Path
) -> None:
    storage = storage_for(proxy.url, bucket)
    for key in KEYS:
        with storage.open(key) as fh:
            assert fh.read() == (library_root / key).read_bytes()
        obj = storage.bucket.Object(key)
        expected_type = "video/mp4" if key.endswith(".mp4") else "image/png"
        assert obj.content_type == expected_type
        assert obj.cache_control == "max-age=86400"
        assert storage.exists(key) and storage.size(key) == (library_root / key).stat().st_size


def test_django_url_and_r2tui_signed_url_both_fetch(
    uploaded: Library, proxy: Any, bucket: str, library_root: Path
) -> None:
    storage = storage_for(proxy.url, bucket)
    for key in KEYS:
        body = (library_root / key).read_bytes()
        django_url = storage.url(key)
        assert "X-Amz-Signature=" in django_url
        assert fetch(django_url) == body
        assert fetch(uploaded.signed_url(key)) == body


def test_file_saved_by_django_shows_in_its_category(
    uploaded: Library, proxy: Any, bucket: str
) -> None:
    storage = storage_for(proxy.url, bucket)
    name = storage.save("photos/quotes/saved by django.png", ContentFile(png(8, 8, (1, 2, 3))))
    assert name == "photos/quotes/saved by django.png"
    report = uploaded.report()
    quotes = report.report_for(uploaded.settings.layout.get("quotes"))
    assert quotes.tally.remote == 2
    assert quotes.problems == {name: "extra"}  # in the bucket, not in the local folder
    assert report.uncategorised.tally.remote == 0


def test_django_sends_no_checksum_trailers(proxy: Any, bucket: str) -> None:
    """With the client_config from `r2tui env --format django`, R2 would accept the writes."""
    storage = storage_for(proxy.url, bucket)
    storage.save("images/avatars/new.png", ContentFile(content_for("x.png")))
    puts = [r for r in proxy.requests if r.method == "PUT"]
    assert puts and all(r.status == 200 for r in puts)
    # Without that client_config, botocore adds x-amz-sdk-checksum-algorithm and
    # x-amz-checksum-crc32 to this PUT (and streams trailers over https).
    assert not any("checksum" in h for r in puts for h in r.headers)
