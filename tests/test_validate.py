"""``r2tui validate`` (sizes and SHA-256, ``--deep`` read-back) and ``upload --adopt``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from r2tui.cli import main
from r2tui.sample import content_for
from tests.support.files import write
from tests.support.servers import S3Proxy

MiB = 1024 * 1024
SMALL = "videos/intros/a.mp4"
ODD = "videos/weekly/odd-parts.mp4"  # multipart with 6 MiB parts: not provable by ETag
OLD_SCRIPT_PARTS = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=6 * MiB)


@pytest.fixture
def lib(r2_environ: dict[str, str], library_root: Path) -> Path:
    """An empty library root, with the settings in the environment."""
    return library_root


def validate_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["validate", "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_validate_lists_missing_and_changed_by_key(
    lib: Path, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(lib, SMALL, content_for(SMALL))
    write(lib, "photos/quotes/q.png", content_for("photos/quotes/q.png"))
    assert main(["upload", "--auto"]) == 0
    capsys.readouterr()
    assert main(["validate"]) == 0
    assert "2 local files checked: ok" in capsys.readouterr().out
    admin.put_object(Bucket=bucket, Key=SMALL, Body=content_for(SMALL, variant=1)[:100])
    write(lib, "videos/closing/new.mp4", b"new")

    code, result = validate_json(capsys)
    assert code == 1 and not result["ok"]
    assert result["changed"] == [SMALL] and result["missing"] == ["videos/closing/new.mp4"]


def test_deep_reads_back_what_cheap_checks_cannot_prove(
    lib: Path, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = content_for(ODD, video_size=12 * MiB)[: 12 * MiB]
    path = write(lib, ODD, data)
    admin.upload_file(str(path), bucket, ODD, Config=OLD_SCRIPT_PARTS)  # like an old script

    code, result = validate_json(capsys)
    assert code == 1 and result["unverified"] == [ODD]
    code, result = validate_json(capsys, "--deep")
    assert code == 0 and result["ok"] and result["deep_read"] == 1

    # An object whose metadata vouches for the local content but whose bytes differ.
    bad = bytearray(data)
    bad[7 * MiB] ^= 0xFF
    forged = write(lib.parent / "elsewhere", ODD, bytes(bad))
    admin.upload_file(str(forged), bucket, ODD, Config=OLD_SCRIPT_PARTS, ExtraArgs={
        "Metadata": {"sha256": hashlib.sha256(data).hexdigest()}})
    code, result = validate_json(capsys)
    assert code == 0  # the cheap check trusts the metadata...
    code, result = validate_json(capsys, "--deep")
    assert code == 1 and list(result["mismatched"]) == [ODD]  # ...the deep one does not
    assert "SHA-256" in result["mismatched"][ODD]


def test_adopt_adds_sha256_metadata_in_place_without_sending_bytes(
    lib: Path, proxy: S3Proxy, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = write(lib, SMALL, content_for(SMALL))
    big_data = content_for(ODD, video_size=12 * MiB)[: 12 * MiB]
    big = write(lib, "videos/weekly/big.mp4", big_data)
    admin.upload_file(str(small), bucket, SMALL, ExtraArgs={"ContentType": "video/mp4"})
    admin.upload_file(str(big), bucket, "videos/weekly/big.mp4",
                      ExtraArgs={"ContentType": "video/mp4", "CacheControl": "max-age=60"})
    # Take the > 5 GiB path (UploadPartCopy) for anything above 10 MiB.
    monkeypatch.setattr("r2tui.transfers.copy.MAX_COPY_SIZE", 10 * MiB)
    proxy.clear()

    assert main(["upload", "--auto", "--adopt"]) == 0

    out = capsys.readouterr().out
    assert "adopt: 2 objects given sha256 metadata" in out
    assert proxy.count(operation="CopyObject") == 1
    assert proxy.count(operation="UploadPartCopy") == 2
    writes = ("PutObject", "UploadPart", "CopyObject", "UploadPartCopy")
    assert sum(proxy.bytes_received(operation=op) for op in writes) == 0
    for key, path, cache in ((SMALL, small, "max-age=86400"), ("videos/weekly/big.mp4", big,
                                                               "max-age=60")):
        got = admin.get_object(Bucket=bucket, Key=key)
        assert got["Body"].read() == path.read_bytes()
        assert got["Metadata"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert got["ContentType"] == "video/mp4" and got["CacheControl"] == cache
    proxy.clear()
    assert main(["upload", "--auto", "--adopt"]) == 0  # nothing left to adopt or send
    assert "adopt: 0 objects" in capsys.readouterr().out
    assert proxy.count(operation="CopyObject") == 0 and proxy.count(operation="PutObject") == 0
