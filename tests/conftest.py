"""Shared fixtures: a moto S3 server process, an R2-like verifying proxy, settings, buckets."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from r2tui.sample import content_for, write_library
from r2tui.settings import Secret, Settings
from tests.support.keys import CLI_KEYS
from tests.support.media import Media, generate
from tests.support.servers import TEST_ACCESS_KEY, TEST_SECRET_KEY, MotoServer, S3Proxy

_bucket_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's R2_/AWS_ variables or a stray ./.env."""
    for name in list(os.environ):
        if name.startswith(("R2_", "AWS_", "R2TUI_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="session")
def s3_proxy(moto_server: MotoServer) -> Iterator[S3Proxy]:
    with S3Proxy(moto_server.url) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Media:
    """Generated videos and images, good and broken (tests/support/media.py)."""
    return generate(tmp_path_factory.mktemp("media"))


@pytest.fixture
def proxy(s3_proxy: S3Proxy) -> Iterator[S3Proxy]:
    """The session's proxy with its records and faults cleared for this test."""
    s3_proxy.reset()
    yield s3_proxy
    s3_proxy.reset()


@pytest.fixture
def admin(proxy: S3Proxy) -> Any:
    """A plain boto3 client for arranging test state (creating buckets, putting objects)."""
    return boto3.client(
        "s3",
        endpoint_url=proxy.url,
        region_name="us-east-1",
        aws_access_key_id=TEST_ACCESS_KEY,
        aws_secret_access_key=TEST_SECRET_KEY,
    )


@pytest.fixture
def bucket(admin: Any, worker_id: str) -> str:
    """A fresh, empty bucket for this test."""
    name = f"test-{worker_id}-{next(_bucket_numbers)}".lower().replace("_", "-")
    admin.create_bucket(Bucket=name)
    return name


@pytest.fixture
def library_root(tmp_path: Path) -> Path:
    root = tmp_path / "library"
    root.mkdir()
    return root


@pytest.fixture
def make_settings(
    proxy: S3Proxy, bucket: str, library_root: Path, tmp_path: Path
) -> Callable[..., Settings]:
    """Settings pointing at the proxy, this test's bucket and library; override any field."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bucket": bucket,
            "access_key_id": TEST_ACCESS_KEY,
            "secret_access_key": Secret(TEST_SECRET_KEY),
            "endpoint_url": proxy.url,
            "public_base_url": f"{proxy.url}/{bucket}",
            "local_root": library_root,
            "state_dir": tmp_path / "state",
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def r2_vars(proxy: S3Proxy, bucket: str, library_root: Path, tmp_path: Path) -> dict[str, str]:
    """The settings of this test's bucket and library, as environment variables."""
    return {
        "R2_ENDPOINT": proxy.url,
        "R2_ACCESS_KEY_ID": TEST_ACCESS_KEY,
        "R2_SECRET_ACCESS_KEY": TEST_SECRET_KEY,
        "R2_BUCKET": bucket,
        "R2_LOCAL_ROOT": str(library_root),
        "R2_PUBLIC_URL": "https://media.example.com",
        "R2TUI_STATE_DIR": str(tmp_path / "state"),
    }


@pytest.fixture
def env(r2_vars: dict[str, str]) -> dict[str, str]:
    """The environment of an ``r2tui`` subprocess pointed at this test's bucket and library."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("R2_", "AWS_", "R2TUI_"))}
    return base | r2_vars


@pytest.fixture
def r2_environ(monkeypatch: pytest.MonkeyPatch, r2_vars: dict[str, str]) -> dict[str, str]:
    """The same settings in this process's environment, for tests that call ``main()``."""
    for name, value in r2_vars.items():
        monkeypatch.setenv(name, value)
    return r2_vars


@pytest.fixture
def filled(admin: Any, bucket: str, library_root: Path) -> list[str]:
    """CLI_KEYS on disk; all but the first in the bucket."""
    write_library(library_root, CLI_KEYS)
    for key in CLI_KEYS[1:]:
        admin.put_object(Bucket=bucket, Key=key, Body=content_for(key))
    return CLI_KEYS
