"""Status against a real S3 server over HTTP: counts, pagination, odd names, adoption."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig

from r2tui.cli.status import fix_lines
from r2tui.compare import State
from r2tui.digests import MiB
from r2tui.layout import layout_from_config
from r2tui.library import Library
from r2tui.sample import content_for, sample_keys, write_library
from r2tui.settings import Settings
from r2tui.state import StateStore, UploadRecord

ODD_KEYS = [
    "photos/quotes/with space.png",
    "photos/quotes/Цитата дня.png",
    "photos/quotes/a+b.png",
    "photos/quotes/100%.png",
    "photos/quotes/hash#tag.png",
    "photos/quotes/what?.png",
    "photos/quotes/amp&eq=.png",
]


def put(admin: Any, bucket: str, key: str, body: bytes, **extra: Any) -> None:
    admin.put_object(Bucket=bucket, Key=key, Body=body, **extra)


def test_counts_per_category_and_totals(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings]
) -> None:
    keys = sample_keys(scale=0.01)
    write_library(library_root, keys)
    missing, changed = keys[0], keys[-2]
    for key in keys:
        if key != missing:
            body = content_for(key, variant=1 if key == changed else 0)
            put(admin, bucket, key, body)
    put(admin, bucket, "videos/reminders/orphan.mp4", b"orphan")
    put(admin, bucket, "misc/uncategorised.bin", b"?")

    report = Library(make_settings()).report()
    by_id = {r.category.id: r for r in report.categories if r.category}
    assert by_id["explain"].tally.missing == 1
    assert by_id["explain"].problems[missing] is State.MISSING
    assert report.state_of(changed) is State.CHANGED
    assert by_id["reminders"].tally.extra == 1
    assert report.uncategorised.tally.remote == 1
    assert report.uncategorised.problems == {"misc/uncategorised.bin": State.EXTRA}
    totals = report.totals
    assert (totals.local, totals.missing, totals.changed, totals.extra) == (len(keys), 1, 1, 2)
    assert totals.remote == len(keys) + 1  # all but one, plus two extra
    assert not report.complete
    # The uncategorised object is nobody's to download: only the orphan is offered.
    assert fix_lines(report) == ["", "r2tui upload --auto sends 1 missing and 1 changed",
                                 "r2tui download --auto brings 1 not in the local library "
                                 "(6 Bytes)"]


def test_pagination_past_1000_and_nested_prefixes(
    admin: Any, bucket: str, make_settings: Callable[..., Settings]
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"photos/quotes/q{i:05d}.png" for i in range(1203)]
    keys += ["videos/exercises/mistake/m.mp4", "videos/exercises/technique/t.mp4", "root.txt"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: put(admin, bucket, k, b"x"), keys))
    report = Library(make_settings(local_root=None)).report()
    by_id = {r.category.id: r.tally.remote for r in report.categories if r.category}
    assert by_id["quotes"] == 1203
    assert by_id["mistake"] == 1 and by_id["technique"] == 1 and by_id["explain"] == 0
    assert by_id["service"] == 1
    assert report.totals.remote == len(keys)
    assert not report.has_local and report.totals.missing == 0


def test_odd_names_round_trip(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings]
) -> None:
    write_library(library_root, ODD_KEYS)
    for key in ODD_KEYS:
        put(admin, bucket, key, content_for(key))
    library = Library(make_settings())
    listed = [o.key for o in library.list_level("photos/quotes/").objects]
    assert sorted(listed) == sorted(ODD_KEYS)
    report = library.report()
    quotes = report.report_for(library.settings.layout.get("quotes"))
    assert quotes.tally.remote == len(ODD_KEYS) and quotes.problems == {}


def test_complete_library_reports_complete(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings]
) -> None:
    layout = layout_from_config(
        {"layout": {"defaults": False},
         "categories": {"cards": {"prefix": "cards/", "expected": 3, "kind": "photo",
                                  "access": "public"}}}, "t")
    keys = ["cards/a.png", "cards/b.png", "cards/c d.png"]
    write_library(library_root, keys)
    for key in keys:
        put(admin, bucket, key, content_for(key))
    report = Library(make_settings(layout=layout)).report()
    assert report.complete and report.percent == 100.0


def test_objects_from_the_old_scripts_count_as_present(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
    tmp_path: Path,
) -> None:
    """boto3 upload_file (single PUT below 8 MiB, 8 MiB parts above), no r2tui metadata."""
    small = library_root / "videos/intros/intro.mp4"
    big = library_root / "videos/reminders/long reminder.mp4"
    small.parent.mkdir(parents=True)
    big.parent.mkdir(parents=True)
    small.write_bytes(b"small video" * 1000)
    big.write_bytes(hashlib.sha256(b"seed").digest() * (17 * MiB // 32 + 3))
    old_scripts = TransferConfig()  # boto3's defaults, as the old scripts ran
    admin.upload_file(str(small), bucket, "videos/intros/intro.mp4", Config=old_scripts)
    admin.upload_file(str(big), bucket, "videos/reminders/long reminder.mp4", Config=old_scripts)
    assert "-" in admin.head_object(Bucket=bucket, Key="videos/reminders/long reminder.mp4")[
        "ETag"]

    settings = make_settings()
    report = Library(settings).report()
    assert report.totals.changed == 0 and report.totals.unverified == 0
    assert report.totals.missing == 0 and report.totals.remote == 2
    # A new machine: no hash cache, no records. Same answer.
    shutil.rmtree(settings.state_path())
    assert Library(settings).report().to_json() == report.to_json()


def test_unusual_multipart_is_unverified_not_changed(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
    proxy: Any,
) -> None:
    path = library_root / "videos/weekly/w.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"v" * (13 * MiB))
    config = TransferConfig(multipart_threshold=6 * MiB, multipart_chunksize=6 * MiB)
    admin.upload_file(str(path), bucket, "videos/weekly/w.mp4", Config=config)
    proxy.clear()
    report = Library(make_settings()).report()
    assert report.state_of("videos/weekly/w.mp4") is State.UNVERIFIED
    assert report.totals.changed == 0
    assert any(r.method == "HEAD" for r in proxy.requests)  # it asked for the sha256 metadata


def test_sha256_metadata_decides_multipart_objects(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
) -> None:
    path = library_root / "videos/weekly/w.mp4"
    path.parent.mkdir(parents=True)
    data = b"w" * (13 * MiB)
    path.write_bytes(data)
    config = TransferConfig(multipart_threshold=6 * MiB, multipart_chunksize=6 * MiB)
    good = {"Metadata": {"sha256": hashlib.sha256(data).hexdigest()}}
    admin.upload_file(str(path), bucket, "videos/weekly/w.mp4", Config=config, ExtraArgs=good)
    report = Library(make_settings()).report()
    assert report.state_of("videos/weekly/w.mp4") is None  # same, from the metadata
    assert report.totals.unverified == 0 and report.totals.changed == 0
    bad = {"Metadata": {"sha256": "0" * 64}}
    admin.upload_file(str(path), bucket, "videos/weekly/w.mp4", Config=config, ExtraArgs=bad)
    report = Library(make_settings()).report()
    assert report.state_of("videos/weekly/w.mp4") is State.CHANGED


def test_upload_records_are_trusted_only_while_size_and_etag_match(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
    proxy: Any,
) -> None:
    path = library_root / "videos/weekly/w.mp4"
    path.parent.mkdir(parents=True)
    data = b"r" * (13 * MiB)
    path.write_bytes(data)
    config = TransferConfig(multipart_threshold=6 * MiB, multipart_chunksize=6 * MiB)
    admin.upload_file(str(path), bucket, "videos/weekly/w.mp4", Config=config)
    etag = admin.head_object(Bucket=bucket, Key="videos/weekly/w.mp4")["ETag"].strip('"')
    settings = make_settings()
    store = StateStore(settings.state_path())
    store.record_upload(bucket, UploadRecord("videos/weekly/w.mp4", len(data), etag,
                                             hashlib.sha256(data).hexdigest()))
    store.close()
    proxy.clear()
    report = Library(settings).report()
    assert report.state_of("videos/weekly/w.mp4") is None  # same, from the record
    assert not any(r.method == "HEAD" for r in proxy.requests)
    # Someone overwrites the object: the record no longer matches the ETag, so it is not used.
    admin.upload_file(str(path), bucket, "videos/weekly/w.mp4",
                      Config=TransferConfig(multipart_threshold=7 * MiB,
                                            multipart_chunksize=7 * MiB))
    report = Library(settings).report()
    assert report.state_of("videos/weekly/w.mp4") is State.UNVERIFIED


@pytest.mark.parametrize("scale", [0.005])
def test_status_hashes_nothing_on_a_warm_cache(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
    scale: float,
) -> None:
    keys = sample_keys(scale=scale)
    write_library(library_root, keys)
    for key in keys:
        put(admin, bucket, key, content_for(key))
    settings = make_settings()
    first = Library(settings)
    first.report()
    assert first.hasher.hashed == len(keys)
    second = Library(settings)
    second.report()
    assert second.hasher.hashed == 0
