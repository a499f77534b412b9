"""``r2tui upload --to PREFIX PATH ...``: importing files from outside the library."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from r2tui.cli import main
from r2tui.sample import content_for
from tests.support.servers import S3Proxy

WRITES = ("PutObject", "UploadPart", "CopyObject", "UploadPartCopy")
MiB = 1024 * 1024


@pytest.fixture
def outside(
    r2_environ: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Path:
    """Storage settings only (no local library), and a folder outside any library to import."""
    monkeypatch.delenv("R2_LOCAL_ROOT")
    folder = tmp_path / "old media"
    folder.mkdir()
    return folder


def write(folder: Path, rel: str, data: bytes) -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def stored(admin: Any, bucket: str) -> dict[str, bytes]:
    keys = [o["Key"] for o in admin.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: admin.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def sent(proxy: S3Proxy) -> tuple[int, int]:
    """(write requests, body bytes) the proxy received."""
    return (sum(proxy.count(operation=op) for op in WRITES),
            sum(proxy.bytes_received(operation=op) for op in WRITES))


def test_a_folder_and_a_file_with_odd_names_are_imported_under_the_prefix(
    outside: Path, proxy: S3Proxy, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cyrillic_nfd = unicodedata.normalize("NFD", "Кириллица ёж й.png")  # as macOS writes it
    files = {
        "cards/with space +plus%percent#hash.png": content_for("a.png"),
        f"cards/sub folder/{cyrillic_nfd}": content_for("b.png"),
        "cards/big.png": content_for("big.mp4", video_size=9 * MiB),  # multipart
        "cards/.DS_Store": b"junk",
        "cards/.hidden/x.png": b"hidden",
        "cards/Thumbs.db": b"junk",
    }
    for rel, data in files.items():
        write(outside, rel, data)
    single = write(outside, "elsewhere/Ёлка #1.png", content_for("c.png"))

    assert main(["upload", "--to", "photos/quotes", str(outside / "cards"), str(single)]) == 0

    got = stored(admin, bucket)
    expected = {
        "photos/quotes/with space +plus%percent#hash.png": files[
            "cards/with space +plus%percent#hash.png"],
        "photos/quotes/sub folder/Кириллица ёж й.png": files[f"cards/sub folder/{cyrillic_nfd}"],
        "photos/quotes/big.png": files["cards/big.png"],
        "photos/quotes/Ёлка #1.png": single.read_bytes(),
    }
    assert got == expected
    for key, data in expected.items():
        head = admin.head_object(Bucket=bucket, Key=key)
        assert head["Metadata"]["sha256"] == hashlib.sha256(data).hexdigest()
        assert (head["ContentType"], head["CacheControl"]) == ("image/png", "max-age=86400")
    assert proxy.count(operation="UploadPart") == 2
    out = capsys.readouterr().out
    assert out.startswith("plan: 4 uploads") and "uploaded 4, copied 0" in out

    proxy.clear()  # a rerun sends nothing and says why
    assert main(["upload", "--to", "photos/quotes/", str(outside / "cards"), str(single)]) == 0
    assert sent(proxy) == (0, 0)
    assert "uploaded 0, copied 0, skipped 4, failed 0" in capsys.readouterr().out


def test_same_content_is_copied_server_side_not_sent_again(
    outside: Path, proxy: S3Proxy, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    data = content_for("twin.mp4")
    write(outside, "first/a.mp4", data)
    assert main(["upload", "--to", "videos/intros", str(outside / "first")]) == 0
    write(outside, "second/b.mp4", data)
    write(outside, "second/c.mp4", data)
    proxy.clear()

    assert main(["upload", "--to", "videos/weekly", str(outside / "second")]) == 0

    assert proxy.count(operation="PutObject") == 0 and proxy.count(operation="CopyObject") == 2
    assert sent(proxy)[1] == 0
    got = stored(admin, bucket)
    assert got["videos/weekly/b.mp4"] == got["videos/weekly/c.mp4"] == data
    assert "copied 2" in capsys.readouterr().out


def test_a_different_object_at_the_key_is_a_conflict_unless_overwrite(
    outside: Path, proxy: S3Proxy, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    admin.put_object(Bucket=bucket, Key="videos/intros/a.mp4", Body=b"someone else's video")
    admin.put_object(Bucket=bucket, Key="videos/intros/same-size.bin", Body=b"x" * 10)
    write(outside, "new/a.mp4", content_for("a.mp4"))
    write(outside, "new/b.mp4", content_for("b.mp4"))
    write(outside, "new/same-size.bin", b"y" * 10)  # same size, other content: the MD5 tells
    proxy.clear()

    assert main(["upload", "--to", "videos/intros", "--dry-run", str(outside / "new")]) == 1
    out = capsys.readouterr().out
    assert "CONFLICT videos/intros/a.mp4  (conflict: another object is stored" in out
    assert "2 conflicts" in out and sent(proxy) == (0, 0)

    assert main(["upload", "--to", "videos/intros", "--json", str(outside / "new")]) == 1
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    failed = {e["key"]: e["reason"] for e in events if e["event"] == "job_failed"}
    assert set(failed) == {"videos/intros/a.mp4", "videos/intros/same-size.bin"}
    assert all("--overwrite replaces it" in r for r in failed.values())
    summary = events[-1]
    assert (summary["uploaded"], summary["failed"], summary["ok"]) == (1, 2, False)
    got = stored(admin, bucket)
    assert got["videos/intros/a.mp4"] == b"someone else's video"
    assert got["videos/intros/same-size.bin"] == b"x" * 10

    assert main(["upload", "--to", "videos/intros", "--overwrite", str(outside / "new")]) == 0
    got = stored(admin, bucket)
    assert got["videos/intros/a.mp4"] == content_for("a.mp4")
    assert got["videos/intros/same-size.bin"] == b"y" * 10


def test_dry_run_json_lists_the_plan_and_sends_nothing(
    outside: Path, proxy: S3Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    write(outside, "x/one.png", content_for("one.png"))
    write(outside, "x/deeper/two.png", content_for("two.png"))

    args = ["upload", "--to", "images/avatars", "--dry-run", "--json", str(outside / "x")]
    assert main(args) == 0

    plan = json.loads(capsys.readouterr().out)
    assert [(i["key"], i["action"]) for i in plan["items"]] == [
        ("images/avatars/deeper/two.png", "upload"), ("images/avatars/one.png", "upload")]
    assert plan["conflicts"] == {} and plan["class_a_ops"] == 2
    assert sent(proxy) == (0, 0)


def test_the_root_prefix_takes_only_keys_that_fall_in_a_category(
    outside: Path, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(outside, "tree/notes.txt", b"service file")
    write(outside, "tree/videos/closing/z.mp4", content_for("z.mp4"))
    write(outside, "tree/misc/lost.txt", b"no category here")

    assert main(["upload", "--to", "/", str(outside / "tree")]) == 0

    assert sorted(stored(admin, bucket)) == ["notes.txt", "videos/closing/z.mp4"]
    assert "misc/lost.txt' would be outside every category" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "videos/", "{src}"], "videos/intros/ (Trainer intros)"),
        (["--to", "nowhere", "{src}"], "not a category's prefix"),
        (["--to", "videos/intros"], "needs the files or folders"),
        (["--to", "videos/intros", "{src}/missing.mp4"], "no such file or folder"),
        (["--to", "videos/intros", "--auto", "{src}"], "--auto cannot be combined with --to"),
        (["--overwrite", "--auto"], "--overwrite applies to imports only"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    outside: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["upload", *(a.replace("{src}", str(outside)) for a in args)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
