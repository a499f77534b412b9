"""``r2tui mv``, ``rm`` and ``trash``: server-side moves that keep every byte and header, a
trash that counts never see, restores that overwrite nothing, and guards against other writers.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from r2tui.cli import main
from r2tui.keys import TRASH_PREFIX
from tests.support.servers import Before, S3Proxy

KEY = "photos/quotes/quote [draft] Анна.png"
HEADERS = {"ContentType": "image/png", "CacheControl": "max-age=86400",
           "Metadata": {"sha256": "ab" * 32, "note": "kept"}}


@pytest.fixture(autouse=True)
def _settings(r2_environ: dict[str, str]) -> None:
    """Every test here runs ``main()`` with this test's bucket and library."""


def put(admin: Any, bucket: str, key: str, body: bytes) -> None:
    admin.put_object(Bucket=bucket, Key=key, Body=body, **HEADERS)


def keys_of(admin: Any, bucket: str, prefix: str = "") -> list[str]:
    pages = admin.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return sorted(o["Key"] for page in pages for o in page.get("Contents", []))


def properties(admin: Any, bucket: str, key: str) -> tuple[bytes, str, str, dict[str, str]]:
    got = admin.get_object(Bucket=bucket, Key=key)
    return got["Body"].read(), got["ContentType"], got["CacheControl"], got["Metadata"]


def events(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def test_rm_then_restore_round_trips_content_and_metadata(
    admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, KEY, b"card")
    before = properties(admin, bucket, KEY)

    assert main(["rm", KEY, "--json"]) == 0
    lines = events(capsys.readouterr().out)
    assert lines[0] | {"operations_usd": 0} == {
        "event": "plan", "action": "trash", "objects": 1, "bytes": 4, "class_a_ops": 1,
        "class_b_ops": 3, "operations_usd": 0}
    assert lines[-1]["trash"] == 1 and lines[-1]["ok"]
    [trashed] = keys_of(admin, bucket)
    assert trashed.startswith(TRASH_PREFIX) and trashed.endswith("/" + KEY)
    assert properties(admin, bucket, trashed) == before

    assert main(["trash", "list"]) == 0
    assert KEY in capsys.readouterr().out
    assert main(["trash", "restore", KEY]) == 0
    capsys.readouterr()
    assert keys_of(admin, bucket) == [KEY]
    assert properties(admin, bucket, KEY) == before


def test_the_trash_is_invisible_to_counts(
    admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, "videos/intros/a.mp4", b"a")
    put(admin, bucket, "videos/intros/b.mp4", b"b")
    assert main(["rm", "videos/intros/a.mp4"]) == 0
    capsys.readouterr()

    main(["status", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["remote"] == 1
    assert [c for c in report["categories"] if c["prefix"] is None][0]["remote"] == 0


def test_mv_of_a_prefix_keeps_every_byte_and_header(
    admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = [f"photos/old/{i:03d} card.png" for i in range(100)]
    for key in keys:
        put(admin, bucket, key, key.encode() * 3)
    want = {key: properties(admin, bucket, key) for key in keys}

    assert main(["mv", "photos/old/", "photos/cards/", "--workers", "8"]) == 0
    assert "move 100 (" in capsys.readouterr().out

    assert keys_of(admin, bucket, "photos/old/") == []
    for key in keys:
        assert properties(admin, bucket, key.replace("old", "cards", 1)) == want[key]


def test_mv_refuses_to_overwrite_unless_asked_and_then_trashes_the_old(
    admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, "videos/intros/new.mp4", b"new")
    put(admin, bucket, "videos/intros/old.mp4", b"old")

    assert main(["mv", "videos/intros/new.mp4", "videos/intros/old.mp4"]) == 1
    assert "already exists; not overwritten" in capsys.readouterr().err
    assert keys_of(admin, bucket) == ["videos/intros/new.mp4", "videos/intros/old.mp4"]

    assert main(["mv", "videos/intros/new.mp4", "videos/intros/old.mp4", "--overwrite"]) == 0
    [trashed] = keys_of(admin, bucket, TRASH_PREFIX)
    assert admin.get_object(Bucket=bucket, Key=trashed)["Body"].read() == b"old"
    assert admin.get_object(Bucket=bucket, Key="videos/intros/old.mp4")["Body"].read() == b"new"


def test_restore_never_overwrites_a_newer_object(
    admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, KEY, b"removed")
    assert main(["rm", KEY]) == 0
    put(admin, bucket, KEY, b"newer")

    assert main(["trash", "restore", "all"]) == 1
    assert "already exists; not overwritten" in capsys.readouterr().err
    assert admin.get_object(Bucket=bucket, Key=KEY)["Body"].read() == b"newer"
    assert len(keys_of(admin, bucket, TRASH_PREFIX)) == 1


def test_only_trash_empty_deletes_and_it_asks(
    admin: Any, bucket: str, proxy: S3Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, KEY, b"x")
    assert main(["rm", KEY]) == 0
    assert main(["trash", "empty", "--older-than", "30d", "--yes"]) == 0  # just removed: kept
    assert "nothing to delete" in capsys.readouterr().err
    assert main(["trash", "empty"]) == 2  # not a terminal and no --yes
    assert "pass --yes" in capsys.readouterr().err
    assert len(keys_of(admin, bucket)) == 1

    assert main(["trash", "empty", "--yes", "--json"]) == 0
    assert events(capsys.readouterr().out)[-1]["deleted"] == 1
    assert keys_of(admin, bucket) == []


def test_a_source_changed_before_the_copy_is_not_moved(
    admin: Any, bucket: str, proxy: S3Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, KEY, b"first")
    proxy.add_fault(lambda i: i.operation == "CopyObject",
                    Before(lambda: put(admin, bucket, KEY, b"changed")))

    assert main(["rm", KEY]) == 1
    assert "changed meanwhile; not moved" in capsys.readouterr().err
    assert keys_of(admin, bucket) == [KEY]
    assert admin.get_object(Bucket=bucket, Key=KEY)["Body"].read() == b"changed"


def test_a_source_changed_after_the_copy_is_not_deleted(
    admin: Any, bucket: str, proxy: S3Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    put(admin, bucket, KEY, b"first")
    proxy.add_fault(lambda i: i.operation == "DeleteObject",
                    Before(lambda: put(admin, bucket, KEY, b"changed")))

    assert main(["mv", KEY, "photos/quotes/renamed.png"]) == 1
    assert "both are kept" in capsys.readouterr().err
    assert admin.get_object(Bucket=bucket, Key=KEY)["Body"].read() == b"changed"
    assert admin.get_object(Bucket=bucket, Key="photos/quotes/renamed.png")["Body"].read() == (
        b"first")


@pytest.mark.parametrize(("argv", "code", "says"), [
    (["mv", "videos/a/../b.mp4", "videos/b.mp4"], 2, "'..' segment"),
    (["mv", "photos/quotes/", "photos/x.png"], 2, "must end with '/'"),
    (["rm", ".trash/20260101T000000Z/a.png"], 2, "is in the trash"),
    (["rm", "videos/none.mp4"], 1, "no object"),
    (["trash", "restore", "nothing/here.png"], 2, "nothing in the trash matches"),
])
def test_bad_arguments_get_one_line_and_the_right_exit_code(
    admin: Any, bucket: str, capsys: pytest.CaptureFixture[str], argv: list[str], code: int,
    says: str,
) -> None:
    put(admin, bucket, "photos/quotes/a.png", b"a")
    assert main(argv) == code
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1, err
    assert keys_of(admin, bucket) == ["photos/quotes/a.png"]


def test_dry_run_moves_nothing(admin: Any, bucket: str, proxy: S3Proxy,
                               capsys: pytest.CaptureFixture[str]) -> None:
    put(admin, bucket, KEY, b"x")
    proxy.clear()
    assert main(["mv", KEY, "photos/cards/", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"{KEY} -> photos/cards/quote [draft] Анна.png" in out
    assert proxy.count(operation="CopyObject") == proxy.count(operation="DeleteObject") == 0
