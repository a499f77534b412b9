"""``r2tui upload``: usage, exit codes, narrowing by prefix or path, dry run, JSON and line logs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from r2tui.cli import main
from r2tui.formatting import size
from r2tui.sample import content_for, write_library
from tests.support.servers import Respond, S3Proxy

KEYS = ["videos/intros/a.mp4", "videos/weekly/b.mp4", "photos/quotes/c.png", "upload_log.txt"]


@pytest.fixture
def lib(r2_environ: dict[str, str], library_root: Path) -> Path:
    """The library root holding KEYS, with the settings in the environment."""
    write_library(library_root, KEYS)
    return library_root


def stored(admin: Any, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in admin.list_objects_v2(Bucket=bucket).get("Contents", []))


def test_upload_without_auto_or_targets_is_a_usage_error(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upload"]) == 2
    assert "--auto" in capsys.readouterr().err


def test_wrong_credentials_exit_3_with_one_line(
    lib: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("R2_SECRET_ACCESS_KEY", "not-the-secret")
    assert main(["upload", "--auto"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "R2_SECRET_ACCESS_KEY" in err
    assert "Traceback" not in err and "not-the-secret" not in err


def test_missing_bucket_exits_3(
    lib: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("R2_BUCKET", "no-such-bucket-here")
    assert main(["validate"]) == 3
    assert "does not exist" in capsys.readouterr().err


def test_dry_run_sends_nothing_and_prints_the_plan(
    lib: Path, proxy: S3Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upload", "--auto", "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["uploads"] == len(KEYS) and plan["class_a_ops"] == len(KEYS)
    # 4 PUTs at $4.50 per million; a few KB stay inside the 10 GB free storage
    assert (plan["operations_usd"], plan["storage_month_usd"]) == (0.000018, 0.0)
    assert plan["added_bytes"] == sum(len(content_for(k)) for k in KEYS)
    assert proxy.count(operation="PutObject") == 0


def test_the_plan_line_shows_the_cost_with_the_configured_prices(
    lib: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (lib / "r2tui.toml").write_text(
        "[prices]\nfree_storage_gb = 0\nstorage_gb_month = 1000\nclass_a_per_million = 4500\n"
    )
    added = sum(len(content_for(k)) for k in KEYS)
    assert main(["upload", "--auto", "--dry-run"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith(
        f"about 4 Class A operations ($0.02), {size(added)} more storage "
        f"(+${added / 1e9 * 1000:.2f}/month)"
    )


def test_prefix_and_path_narrow_the_upload(
    lib: Path, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upload", "videos/intros"]) == 0
    assert stored(admin, bucket) == ["videos/intros/a.mp4"]
    assert main(["upload", str(lib / "photos"), str(lib / "upload_log.txt")]) == 0
    assert stored(admin, bucket) == ["photos/quotes/c.png", "upload_log.txt",
                                     "videos/intros/a.mp4"]
    out = capsys.readouterr().out
    assert "uploaded photos/quotes/c.png" in out and "uploaded 2, copied 0" in out


def test_json_lines_end_with_the_summary_and_rerun_skips(
    lib: Path, proxy: S3Proxy, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["upload", "--auto", "--json", "--workers", "2"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {e["event"] for e in lines} >= {"job_started", "job_finished", "summary"}
    assert lines[0] == {"event": "plan", "uploads": len(KEYS), "copies": 0, "renames": 0,
                        "skips": 0, "bytes_to_send": lines[0]["added_bytes"],
                        "class_a_ops": len(KEYS),
                        "added_bytes": lines[0]["added_bytes"], "operations_usd": 0.000018,
                        "storage_month_usd": 0.0}
    summary = lines[-1]
    assert summary["event"] == "summary" and summary["uploaded"] == len(KEYS)
    assert (summary["class_a_ops"], summary["operations_usd"]) == (len(KEYS), 0.000018)
    assert summary["bytes_sent"] == sum(len(content_for(k)) for k in KEYS)
    proxy.clear()
    assert main(["upload", "--auto", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (summary["uploaded"], summary["skipped"], summary["bytes_sent"]) == (0, 0, 0)
    assert proxy.count(operation="PutObject") == 0


def test_a_failed_item_exits_1_and_the_others_go_on(
    lib: Path, proxy: S3Proxy, admin: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    proxy.add_fault(lambda info: info.operation == "PutObject" and info.key == KEYS[2],
                    Respond(403, "AccessDenied", "denied"), times=None)
    assert main(["upload", "--auto"]) == 1
    out = capsys.readouterr().out
    assert f"FAILED   {KEYS[2]}: access denied" in out and "failed 1" in out
    assert len(stored(admin, bucket)) == len(KEYS) - 1
