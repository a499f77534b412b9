"""The headless commands as a user runs them: output, exit codes, one-line errors."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from r2tui.sample import content_for
from tests.support.keys import CLI_KEYS as KEYS
from tests.support.servers import TEST_SECRET_KEY, S3Proxy, find_free_port


def r2tui(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "r2tui", *args],
        env=env, capture_output=True, text=True, timeout=120, cwd=cwd,
    )


def assert_one_line_error(result: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("r2tui: error: "), result.stderr
    for word in words:
        assert word in lines[0]
    assert TEST_SECRET_KEY not in result.stderr + result.stdout


def test_status_json(env: dict[str, str], filled: list[str]) -> None:
    result = r2tui(env, "status", "--json")
    assert result.returncode == 1  # incomplete
    data = json.loads(result.stdout)
    assert set(data) >= {"bucket", "expected", "local", "remote", "missing", "changed", "extra",
                         "unverified", "percent", "categories"}
    assert (data["expected"], data["local"], data["remote"], data["missing"]) == (3346, 5, 4, 1)
    intros = next(c for c in data["categories"] if c["prefix"] == "videos/intros/")
    assert set(intros) == {"name", "prefix", "expected", "local", "remote", "missing", "changed",
                           "extra", "unverified", "local_bytes", "remote_bytes"}
    assert (intros["expected"], intros["local"], intros["remote"], intros["missing"]) == (
        15, 1, 0, 1)
    assert data["percent"] == round(4 * 10000 // 3346 / 100, 2)
    assert data["storage_month_usd"] == 0  # a few kB: inside the free tier


def test_env_prints_deployment_settings_with_the_secret_masked(env: dict[str, str]) -> None:
    result = r2tui(env, "env")
    assert result.returncode == 0 and TEST_SECRET_KEY not in result.stdout
    assert f"AWS_S3_ENDPOINT_URL={env['R2_ENDPOINT']}" in result.stdout
    assert "R2_SECRET_ACCESS_KEY=********" in result.stdout
    shown = r2tui(env, "env", "--show-secrets", "--format", "render")
    assert f'value: "{TEST_SECRET_KEY}"' in shown.stdout


def test_status_table(env: dict[str, str], filled: list[str]) -> None:
    result = r2tui(env, "status")
    assert result.returncode == 1
    assert "Trainer intros" in result.stdout and "videos/intros/" in result.stdout
    lines = result.stdout.strip().splitlines()
    summary, cost, _, fix = lines[-4:]
    assert summary.startswith("0.11 % (4/3346) · 1 missing")
    assert cost.startswith("storage 0.00 GB: $0.00/month")
    assert fix == "r2tui upload --auto sends 1 missing and 0 changed"
    assert result.stderr == ""


def test_signed_url_fetches_and_expires(
    env: dict[str, str], filled: list[str], proxy: S3Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "photos/quotes/quote +1 100% #1?.png"
    result = r2tui(env, "url", key)
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert "\n" not in url and "X-Amz-Signature=" in url and "X-Amz-Expires=3600" in url
    with urllib.request.urlopen(url) as response:
        assert response.read() == content_for(key)
    short = r2tui(env, "url", key, "--expires", "1s").stdout.strip()
    signed = signing_time(short)
    # The R2-like proxy's clock, not a sleep: 1 s after signing the URL works, 2 s after not.
    monkeypatch.setattr(proxy, "clock", lambda: signed + dt.timedelta(seconds=1))
    with urllib.request.urlopen(short) as response:
        assert response.read() == content_for(key)
    monkeypatch.setattr(proxy, "clock", lambda: signed + dt.timedelta(seconds=2))
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(short)
    assert info.value.code == 403


def signing_time(url: str) -> dt.datetime:
    """A presigned URL's X-Amz-Date."""
    (stamp,) = parse_qs(urlsplit(url).query)["X-Amz-Date"]
    return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)


def test_url_expiry_follows_django_setting(env: dict[str, str], filled: list[str]) -> None:
    env = env | {"AWS_QUERYSTRING_EXPIRE": "900"}
    url = r2tui(env, "url", KEYS[1]).stdout
    assert "X-Amz-Expires=900" in url


@pytest.mark.parametrize("expires", ["0", "8d", "later"])
def test_url_refuses_bad_expiry(env: dict[str, str], filled: list[str], expires: str) -> None:
    assert_one_line_error(r2tui(env, "url", KEYS[1], "--expires", expires), 2, "expir")


def test_public_url_for_a_card_and_refused_for_a_video(
    env: dict[str, str], filled: list[str]
) -> None:
    result = r2tui(env, "url", "--public", "photos/quotes/quote +1 100% #1?.png")
    assert result.returncode == 0
    assert result.stdout.strip() == (
        "https://media.example.com/photos/quotes/quote%20%2B1%20100%25%20%231%3F.png")
    refused = r2tui(env, "url", "--public", "videos/reminders/reminder_001.mp4")
    assert_one_line_error(refused, 2, "signed URLs")
    assert refused.stdout == ""


def test_url_for_missing_object(env: dict[str, str], filled: list[str]) -> None:
    assert_one_line_error(r2tui(env, "url", "videos/nope.mp4"), 1, "no object")


def test_wrong_secret(env: dict[str, str], filled: list[str]) -> None:
    result = r2tui(env | {"R2_SECRET_ACCESS_KEY": "wrong-secret"}, "status")
    assert_one_line_error(result, 3, "R2_SECRET_ACCESS_KEY")


def test_unknown_access_key(env: dict[str, str], filled: list[str]) -> None:
    result = r2tui(env | {"R2_ACCESS_KEY_ID": "nobody"}, "status")
    assert_one_line_error(result, 3, "R2_ACCESS_KEY_ID")


def test_unreachable_endpoint(env: dict[str, str]) -> None:
    dead = f"http://127.0.0.1:{find_free_port()}"
    result = r2tui(env | {"R2_ENDPOINT": dead}, "status")
    assert_one_line_error(result, 3, "cannot reach", dead)


def test_missing_bucket(env: dict[str, str]) -> None:
    result = r2tui(env | {"R2_BUCKET": "no-such-bucket-here"}, "status")
    assert_one_line_error(result, 3, "no-such-bucket-here", "does not exist")
    result = r2tui(env | {"R2_BUCKET": "no-such-bucket-here"}, "url", "a.txt")
    assert_one_line_error(result, 3, "does not exist")


def test_missing_local_folder(env: dict[str, str], tmp_path: Path) -> None:
    result = r2tui(env | {"R2_LOCAL_ROOT": str(tmp_path / "nowhere")}, "status")
    assert_one_line_error(result, 2, "nowhere", "R2_LOCAL_ROOT")


def test_missing_credentials(env: dict[str, str]) -> None:
    env = {k: v for k, v in env.items() if k != "R2_SECRET_ACCESS_KEY"}
    assert_one_line_error(r2tui(env, "status"), 2, "R2_SECRET_ACCESS_KEY")


def test_invalid_config_file(env: dict[str, str], library_root: Path) -> None:
    (library_root / "r2tui.toml").write_text("[categories.reminders]\nexpected = 'lots'\n")
    result = r2tui(env, "status")
    assert_one_line_error(result, 2, "r2tui.toml", "categories.reminders.expected")


def test_flags_beat_environment_and_env_file(
    env: dict[str, str], filled: list[str], tmp_path: Path, bucket: str
) -> None:
    env_file = tmp_path / "settings.env"
    env_file.write_text("R2_BUCKET=from-env-file\n")
    no_bucket = {k: v for k, v in env.items() if k != "R2_BUCKET"}
    result = r2tui(no_bucket, "status", "--json", "--env-file", str(env_file))
    assert_one_line_error(result, 3, "from-env-file")
    result = r2tui(no_bucket, "--bucket", bucket, "status", "--json", "--env-file", str(env_file))
    assert json.loads(result.stdout)["bucket"] == bucket


def test_usage_error_exit_code(env: dict[str, str]) -> None:
    result = r2tui(env, "status", "--bogus")
    assert result.returncode == 2 and "Traceback" not in result.stderr
