"""``r2tui media KEY``, ``r2tui validate --media [--remote] [--deep]`` and ``upload`` refusing
broken media, in process with ``main([...])`` against the verifying proxy."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from r2tui.cli import main
from r2tui.demo import seed
from r2tui.media_remote import HEAD_BYTES
from tests.support.files import write
from tests.support.media import HEIGHT, ODD_HEIGHT, ODD_WIDTH, WIDTH, Media
from tests.support.servers import S3Proxy

GOOD = [f"videos/intros/good {n}.mp4" for n in range(3)]
LIBRARY = {
    "slow": "videos/intros/slow.mp4",
    "truncated": "videos/intros/cut.mp4",
    "random": "videos/intros/noise.mp4",
    "odd": "videos/intros/odd.mp4",
    "card": "photos/quotes/card [draft].jpg",
}
EXPECTED = {
    "videos/intros/slow.mp4": {"not_faststart"},
    "videos/intros/cut.mp4": {"truncated"},
    "videos/intros/noise.mp4": {"corrupt"},
    "videos/intros/odd.mp4": {"resolution_outlier"},
    "photos/quotes/card [draft].jpg": {"extension_mismatch"},
}


@pytest.fixture(autouse=True)
def _settings(r2_environ: dict[str, str]) -> None:
    """Every test here runs ``main()`` with this test's bucket and library."""


def put(admin: Any, bucket: str, key: str, data: bytes) -> None:
    admin.put_object(Bucket=bucket, Key=key, Body=data,
                     Metadata={"sha256": hashlib.sha256(data).hexdigest()})


def fill(root: Path, media: Media) -> None:
    for key in GOOD:
        write(root, key, media.good)
    for name, key in LIBRARY.items():
        write(root, key, getattr(media, name))


def problems(out: dict) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for problem in out["problems"]:
        found.setdefault(problem["key"], set()).add(problem["kind"])
    return found


def test_media_prints_the_facts_of_the_local_twin(
    media: Media, library_root: Path, capsys: pytest.CaptureFixture[str], proxy: S3Proxy,
) -> None:
    write(library_root, GOOD[0], media.good)
    proxy.clear()

    assert main(["media", GOOD[0]]) == 0
    rows = dict(line.split(None, 1) if " " in line else (line, "")
                for line in capsys.readouterr().out.splitlines())
    assert rows["resolution"].strip() == f"{WIDTH}x{HEIGHT}"
    assert rows["codec"].strip() == "h264" and rows["fast-start"].strip() == "yes"
    assert rows["duration"].startswith("0:01") and rows["problems"].strip() == "none"
    assert proxy.count() == 0  # a local twin needs no request

    write(library_root, LIBRARY["truncated"], media.truncated)
    assert main(["media", LIBRARY["truncated"], "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert (out["source"], out["size"], out["width"]) == ("local", len(media.truncated), WIDTH)
    assert [p["kind"] for p in out["problems"]] == ["truncated"]


def test_media_reads_a_bucket_only_object_by_ranged_gets(
    media: Media, admin: Any, bucket: str, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    put(admin, bucket, "videos/weekly/big.mp4", media.big_slow)
    proxy.clear()

    assert main(["media", "videos/weekly/big.mp4", "--json"]) == 1  # not fast-start
    out = json.loads(capsys.readouterr().out)
    assert (out["source"], out["faststart"], out["corrupt"]) == ("bucket", False, None)
    assert (out["width"], out["height"], out["codec"]) == (160, 120, "h264")
    assert out["ranged_gets"] == proxy.count(operation="GetObject") == 2
    assert out["bytes_fetched"] == proxy.bytes_sent(operation="GetObject") < len(media.big_slow)
    assert proxy.count(operation="HeadObject") == 1  # its sha256, to ask the cache first

    proxy.clear()
    assert main(["media", "videos/weekly/big.mp4"]) == 1
    assert "facts cached for its content" in capsys.readouterr().out
    assert proxy.count(operation="GetObject") == 0


def test_media_refuses_what_is_no_media_and_names_a_missing_object(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["media", "notes/read me.txt"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["r2tui: error: 'notes/read me.txt' is not a video or image by its name "
                   "(.mp4 .m4v .mov .webm .mkv .png .jpg .jpeg .gif .webp)"]
    assert main(["media", "videos/intros/nowhere.mp4"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no object 'videos/intros/nowhere.mp4'" in err[0]
    assert main(["media", "videos/../x.mp4"]) == 2
    assert main(["validate", "--remote"]) == 2
    assert "--remote applies to --media" in capsys.readouterr().err


def test_validate_media_lists_every_problem_by_key_and_kind(
    media: Media, library_root: Path, capsys: pytest.CaptureFixture[str], proxy: S3Proxy,
) -> None:
    fill(library_root, media)
    proxy.clear()

    assert main(["validate", "--media", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert problems(out) == EXPECTED
    assert (out["ok"], out["checked"], out["remote_checked"]) == (False, 8, 0)
    odd = next(p for p in out["problems"] if p["kind"] == "resolution_outlier")
    assert odd["detail"].startswith(f"{ODD_WIDTH}x{ODD_HEIGHT}; the category's usual size is "
                                    f"{WIDTH}x{HEIGHT}")
    assert proxy.count() == 0  # local checks need no storage

    assert main(["validate", "--media"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "extension_mismatch  photos/quotes/card [draft].jpg: PNG content named .jpg" in lines
    assert lines[-1] == ("validate --media: 8 local videos and images checked "
                         "(first frames decoded): 5 problems")


def test_validate_media_remote_reads_the_bucket_only_objects_by_their_header(
    media: Media, library_root: Path, admin: Any, bucket: str, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for key in GOOD:
        write(library_root, key, media.good)
        put(admin, bucket, key, media.good)  # has a local twin: not read from the bucket
    put(admin, bucket, "videos/intros/remote cut.mp4", media.truncated)
    put(admin, bucket, "videos/intros/remote big.mp4", media.big_fast)
    put(admin, bucket, "videos/intros/remote slow.mp4", media.big_slow)
    put(admin, bucket, "notes/log.txt", b"not media")
    proxy.clear()

    assert main(["validate", "--media", "--remote", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert problems(out) == {
        "videos/intros/remote cut.mp4": {"truncated"},
        "videos/intros/remote big.mp4": {"resolution_outlier"},  # 160x120 among 64x48
        "videos/intros/remote slow.mp4": {"not_faststart", "resolution_outlier"},
    }
    assert (out["checked"], out["remote_checked"]) == (3, 3)
    gets = proxy.records(operation="GetObject")
    assert sorted(r.key or "" for r in gets) == sorted(
        ["videos/intros/remote cut.mp4", "videos/intros/remote big.mp4",
         "videos/intros/remote slow.mp4", "videos/intros/remote slow.mp4"])
    assert out["ranged_gets"] == 4 and out["bytes_fetched"] == sum(r.response_bytes for r in gets)
    big = [r for r in gets if r.key == "videos/intros/remote big.mp4"]
    assert [r.headers["range"] for r in big] == [f"bytes=0-{HEAD_BYTES - 1}"]
    assert all(r.headers.get("range", "").startswith("bytes=") for r in gets)


def test_validate_media_deep_decodes_every_frame(
    media: Media, library_root: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    for key in GOOD:
        write(library_root, key, media.good)

    assert main(["validate", "--media", "--deep"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "validate --media: 3 local videos and images checked (every frame decoded): ok"]


def test_upload_refuses_corrupt_and_truncated_media_unless_forced(
    media: Media, library_root: Path, admin: Any, bucket: str, proxy: S3Proxy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fill(library_root, media)

    assert main(["upload", "--auto", "--dry-run"]) == 1
    out = capsys.readouterr().out
    refused = [line for line in out.splitlines() if line.startswith("REFUSED")]
    assert refused == [
        "REFUSED  videos/intros/cut.mp4  (truncated: the 'mdat' box claims "
        f"{len(media.good):,} bytes, the file holds {len(media.truncated):,}; --force sends it)",
        "REFUSED  videos/intros/noise.mp4  (corrupt: does not open: Invalid data found when "
        "processing input; --force sends it)",
    ]
    assert "plan: 4 uploads" in out and "2 refused" in out  # the three good ones are one content

    assert main(["upload", "--auto", "--json"]) == 1
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    failed = {e["key"] for e in events if e["event"] == "job_failed"}
    assert failed == {"videos/intros/cut.mp4", "videos/intros/noise.mp4"}
    assert (events[-1]["uploaded"], events[-1]["copied"], events[-1]["failed"]) == (4, 2, 2)
    keys = {o["Key"] for o in admin.list_objects_v2(Bucket=bucket)["Contents"]}
    assert "videos/intros/cut.mp4" not in keys and "videos/intros/odd.mp4" in keys

    assert main(["upload", "--auto", "--force"]) == 0
    keys = {o["Key"] for o in admin.list_objects_v2(Bucket=bucket)["Contents"]}
    assert {"videos/intros/cut.mp4", "videos/intros/noise.mp4"} <= keys


def test_the_demo_library_holds_one_video_not_fast_start_and_one_truncated(
    make_settings: Any, bucket: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(bucket=f"{bucket}-demo")
    plan = seed(settings, 0.02)
    monkeypatch.setenv("R2_BUCKET", settings.bucket)

    assert main(["validate", "--media", "--remote", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert problems(out) == {
        "videos/closing/closing_001.mp4": {"not_faststart"},
        "videos/reminders/reminders_001.mp4": {"truncated"},
    }
    assert set(plan.shapes) == set(problems(out))
    # Every local video and card is read; the extra object is in the bucket only, and plays.
    assert (out["checked"], out["remote_checked"]) == (70, 1)


def test_an_import_refuses_broken_media_too(
    media: Media, tmp_path: Path, capsys: pytest.CaptureFixture[str], proxy: S3Proxy,
) -> None:
    outside = tmp_path / "from the phone"
    write(outside, "ok.mp4", media.good)
    write(outside, "cut.mp4", media.truncated)

    assert main(["upload", "--to", "videos/intros", "--dry-run", str(outside)]) == 1
    out = capsys.readouterr().out
    assert "REFUSED  videos/intros/cut.mp4  (truncated: " in out
    assert "plan: 1 uploads" in out and "1 refused" in out
    assert main(["upload", "--to", "videos/intros", "--dry-run", "--force", str(outside)]) == 0
    assert "plan: 2 uploads" in capsys.readouterr().out
