"""``r2tui download``: what the library lacks comes home byte for byte, with its mtime, into a
hidden ``.part`` file first (resumed after a kill, verified before the rename), and never
anywhere but the library or ``--to``."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from r2tui.cli import main
from r2tui.library import Library
from r2tui.sample import content_for, sample_keys, write_library
from r2tui.settings import Settings
from r2tui.transfers.download import part_path
from tests.support.servers import Before, Delay, RequestInfo, S3Proxy

MiB = 1024 * 1024
CARD = "photos/quotes/quote [draft] Анна 100%.png"
BIG = "videos/intros/big intro.mp4"
STRAY = "notes/stray.txt"  # uncategorised: --auto leaves it


@pytest.fixture(autouse=True)
def _settings(r2_environ: dict[str, str]) -> None:
    """Every test here runs ``main()`` with this test's bucket and library."""


def put(admin: Any, bucket: str, key: str, body: bytes, *, sha256: bool = True) -> None:
    meta = {"sha256": hashlib.sha256(body).hexdigest()} if sha256 else {}
    admin.put_object(Bucket=bucket, Key=key, Body=body, Metadata=meta)


def put_big(admin: Any, bucket: str, data: bytes) -> None:
    """A multipart object (8 MiB parts) with its sha256, as r2tui uploads them."""
    up = admin.create_multipart_upload(
        Bucket=bucket, Key=BIG, Metadata={"sha256": hashlib.sha256(data).hexdigest()})
    parts = []
    for number, start in enumerate(range(0, len(data), 8 * MiB), start=1):
        etag = admin.upload_part(Bucket=bucket, Key=BIG, UploadId=up["UploadId"],
                                 PartNumber=number, Body=data[start:start + 8 * MiB])["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    admin.complete_multipart_upload(Bucket=bucket, Key=BIG, UploadId=up["UploadId"],
                                    MultipartUpload={"Parts": parts})


def events(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def gets(info: RequestInfo) -> bool:
    return info.operation == "GetObject"


def test_auto_brings_what_the_library_lacks_with_its_mtime_and_teaches_the_hash_cache(
    admin: Any, bucket: str, library_root: Path, make_settings: Any,
    capsys: pytest.CaptureFixture[str], proxy: S3Proxy,
) -> None:
    big = content_for(BIG, video_size=20 * MiB)[: 20 * MiB]
    put_big(admin, bucket, big)
    put(admin, bucket, CARD, b"card bytes")
    put(admin, bucket, "photos/quotes/plain.png", b"old tool, no sha256", sha256=False)
    put(admin, bucket, STRAY, b"stray")
    changed = library_root / "photos/quotes/changed.png"
    changed.parent.mkdir(parents=True)
    changed.write_bytes(b"local version")
    put(admin, bucket, "photos/quotes/changed.png", b"bucket version")

    assert main(["download", "--auto", "--json"]) == 0
    lines = events(capsys.readouterr().out)
    assert (lines[0]["event"], lines[0]["downloads"], lines[0]["skips"]) == ("plan", 3, 1)
    summary = lines[-1]
    assert summary | {"failures": {}} == {
        "event": "summary", "downloaded": 3, "skipped": 1, "failed": 0, "cancelled": 0,
        "unverified": 0, "bytes_received": len(big) + 10 + 19, "failures": {}, "ok": True}
    finished = {e["key"]: e["bytes_received"] for e in lines if e["event"] == "job_finished"
                and e["action"] == "download"}
    assert finished[BIG] == len(big)
    assert (library_root / BIG).read_bytes() == big
    assert (library_root / CARD).read_bytes() == b"card bytes"
    assert changed.read_bytes() == b"local version"  # differs: only --overwrite replaces it
    assert not (library_root / STRAY).exists()
    stamp = admin.head_object(Bucket=bucket, Key=BIG)["LastModified"].timestamp()
    assert (library_root / BIG).stat().st_mtime == stamp
    assert not list(library_root.rglob("*.r2tui-part"))
    ranged = [r for r in proxy.requests if r.operation == "GetObject" and r.key == BIG]
    assert len(ranged) == 3 and all(r.headers.get("if-match") for r in ranged)

    library = Library(make_settings())
    try:
        report = library.report()
        assert library.hasher.hashed == 0  # the download taught the cache
    finally:
        library.close()
    assert report.totals.extra == 1 and report.totals.changed == 1  # the stray, changed.png


def test_overwrite_replaces_a_differing_local_file(
    admin: Any, bucket: str, library_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = library_root / CARD
    target.parent.mkdir(parents=True)
    target.write_bytes(b"local version")
    put(admin, bucket, CARD, b"bucket version")

    assert main(["download", CARD]) == 0  # skipped: differs
    assert target.read_bytes() == b"local version"
    assert main(["download", CARD, "--overwrite"]) == 0
    assert target.read_bytes() == b"bucket version"
    capsys.readouterr()
    assert main(["download", CARD]) == 0  # the hash cache knows the file holds it now
    assert "downloaded 0, skipped 1" in capsys.readouterr().out


def test_chosen_prefix_and_key_into_another_folder(
    admin: Any, bucket: str, tmp_path: Path, library_root: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put(admin, bucket, CARD, b"card")
    put(admin, bucket, "photos/quotes/sub/deep.png", b"deep")
    put(admin, bucket, STRAY, b"stray")
    out = tmp_path / "elsewhere"

    assert main(["download", "photos/quotes/", STRAY, "--to", str(out)]) == 0
    assert (out / "quote [draft] Анна 100%.png").read_bytes() == b"card"
    assert (out / "sub/deep.png").read_bytes() == b"deep"
    assert (out / "stray.txt").read_bytes() == b"stray"
    assert not list(library_root.rglob("*.png"))
    capsys.readouterr()
    assert main(["download", "photos/quotes/", "--to", str(out)]) == 0  # all there already
    assert "downloaded 0, skipped 2" in capsys.readouterr().out


def test_dry_run_fetches_nothing(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put(admin, bucket, CARD, b"card")
    proxy.clear()
    assert main(["download", "--auto", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"download {CARD}  4 Bytes" in out and "plan: 1 downloads (4 Bytes)" in out
    assert proxy.count(operation="GetObject") == 0 and not (library_root / CARD).exists()


def test_keys_that_would_leave_the_library_are_refused(
    admin: Any, bucket: str, library_root: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put(admin, bucket, "photos/quotes/../../../escape.png", b"out")
    put(admin, bucket, "photos/quotes/linked/x.png", b"through a link")
    outside = tmp_path / "outside"
    outside.mkdir()
    (library_root / "photos/quotes").mkdir(parents=True)
    (library_root / "photos/quotes/linked").symlink_to(outside)

    assert main(["download", "--auto"]) == 1
    out = capsys.readouterr().out
    assert out.count("REFUSED") == 2
    assert list(outside.iterdir()) == [] and not (tmp_path / "escape.png").exists()


def test_wrong_bytes_are_never_put_in_place(
    admin: Any, bucket: str, library_root: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    admin.put_object(Bucket=bucket, Key=CARD, Body=b"card", Metadata={"sha256": "0" * 64})

    assert main(["download", CARD]) == 1
    assert "do not match the object's sha256" in capsys.readouterr().out
    assert not (library_root / CARD).exists()
    assert not part_path(library_root / CARD).exists()


def test_an_object_replaced_mid_download_is_fetched_again_whole(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
) -> None:
    first = content_for(BIG, video_size=20 * MiB)[: 20 * MiB]
    put_big(admin, bucket, first)
    second = bytes(reversed(first))
    proxy.add_fault(lambda i: gets(i) and i.headers.get("range", "").startswith("bytes=8388608"),
                    Before(lambda: put(admin, bucket, BIG, second)))

    assert main(["download", BIG, "--workers", "1"]) == 0
    assert (library_root / BIG).read_bytes() == second


def test_a_local_file_appearing_meanwhile_is_left_alone(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put(admin, bucket, CARD, b"bucket")
    target = library_root / CARD

    def appear() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"made by hand meanwhile")

    proxy.add_fault(gets, Before(appear))
    assert main(["download", CARD]) == 1
    assert "appeared or changed since the download was planned" in capsys.readouterr().out
    assert target.read_bytes() == b"made by hand meanwhile"
    assert not part_path(target).exists()


def test_kill_9_mid_download_then_rerun_fetches_only_the_rest(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy, env: dict[str, str],
    make_settings: Any,
) -> None:
    data = content_for(BIG, video_size=20 * MiB)[: 20 * MiB]
    put_big(admin, bucket, data)
    proxy.add_fault(lambda i: gets(i) and not i.headers.get("range", "").startswith("bytes=0-"),
                    Delay(30))
    child = subprocess.Popen(
        [sys.executable, "-m", "r2tui", "download", BIG, "--workers", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while proxy.count(operation="GetObject", status=206) < 1:
        assert time.monotonic() < deadline and child.poll() is None
        time.sleep(0.02)
    part = part_path(library_root / BIG)
    settings: Settings = make_settings()
    journal = settings.state_path() / "transfers.sqlite"  # type: ignore[operator]
    while not _journaled_chunks(journal):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert part.exists() and not (library_root / BIG).exists()
    received = sum(r.response_bytes for r in proxy.requests if r.operation == "GetObject")

    proxy.clear()
    proxy.clear_faults()
    assert main(["download", BIG]) == 0
    ranges = {r.headers["range"] for r in proxy.requests if r.operation == "GetObject"}
    assert ranges == {f"bytes={8 * MiB}-{16 * MiB - 1}", f"bytes={16 * MiB}-{20 * MiB - 1}"}
    assert (library_root / BIG).read_bytes() == data and not part.exists()
    received += sum(r.response_bytes for r in proxy.requests if r.operation == "GetObject")
    assert received <= 1.35 * len(data), received / len(data)


def test_a_deleted_local_library_comes_back_byte_exact(
    admin: Any, bucket: str, library_root: Path, make_settings: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys = sample_keys(scale=0.01)
    write_library(library_root, keys)
    big = content_for(BIG, video_size=20 * MiB)[: 20 * MiB]
    (library_root / BIG).write_bytes(big)
    before = {p.relative_to(library_root): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in library_root.rglob("*") if p.is_file()}
    assert main(["upload", "--auto"]) == 0
    shutil.rmtree(library_root)
    library_root.mkdir()
    capsys.readouterr()

    assert main(["download", "--auto", "--json"]) == 0
    summary = events(capsys.readouterr().out)[-1]
    assert (summary["downloaded"], summary["failed"], summary["unverified"]) == (len(before), 0, 0)
    after = {p.relative_to(library_root): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in library_root.rglob("*") if p.is_file()}
    assert after == before
    library = Library(make_settings())
    try:
        totals = library.report().totals
        assert (totals.missing, totals.changed, totals.extra) == (0, 0, 0)
        assert library.hasher.hashed == 0
    finally:
        library.close()


def _journaled_chunks(path: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(path) as db:
            return db.execute("SELECT count(*) FROM download_chunks").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def test_a_small_object_is_one_get_and_one_replaced_since_the_listing_is_fetched_anew(
    admin: Any, bucket: str, library_root: Path, proxy: S3Proxy,
) -> None:
    put(admin, bucket, CARD, b"as listed")
    put(admin, bucket, "photos/quotes/other.png", b"other")
    replaced = [False]

    def replace_once() -> None:
        if not replaced[0]:
            replaced[0] = True
            put(admin, bucket, "photos/quotes/other.png", b"replaced after the listing")

    proxy.add_fault(lambda i: gets(i) and i.key == "photos/quotes/other.png",
                    Before(replace_once))
    proxy.clear()
    assert main(["download", "--auto", "--workers", "1"]) == 0
    card = [r.operation for r in proxy.requests if r.key == CARD]
    assert card == ["GetObject"]  # no HEAD: the GET's answer says it all
    other = [(r.operation, r.status) for r in proxy.requests
             if r.key == "photos/quotes/other.png" and r.operation != "PutObject"]
    assert other == [("GetObject", 412), ("HeadObject", 200), ("GetObject", 206)]
    assert (library_root / "photos/quotes/other.png").read_bytes() == b"replaced after the listing"
