"""Settings precedence, the Django app's fallback names, validation, and secret hygiene."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2tui.errors import ConfigError
from r2tui.settings import Secret, load_settings, parse_expires


def write_env(path: Path, **values: str) -> Path:
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()), "utf-8")
    return path


def test_defaults_derive_endpoint_and_public_url_from_account() -> None:
    s = load_settings(environ={"R2_ACCOUNT_ID": "0123abcd"})
    assert s.bucket == "ai-fitness-media"
    assert s.endpoint_url == "https://0123abcd.r2.cloudflarestorage.com"
    assert s.public_base_url == "https://pub-0123abcd.r2.dev"
    assert s.expires == 3600 and s.workers == 10 and s.cache_control == "max-age=86400"


def test_precedence_flags_env_dotenv_config_defaults(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "r2tui.toml").write_text(
        '[bucket]\nname = "from-config"\nendpoint = "https://config.example"\n'
        'public_url = "https://cdn.config"\n[urls]\nexpires = "2h"\n', "utf-8"
    )
    env_file = write_env(tmp_path / "x.env", R2_BUCKET="from-dotenv", R2_ENDPOINT="https://dotenv")
    environ = {"R2_BUCKET": "from-env", "R2_LOCAL_ROOT": str(root)}
    s = load_settings({"bucket": "from-flag"}, environ=environ, env_file=env_file)
    assert s.bucket == "from-flag"
    s = load_settings({}, environ=environ, env_file=env_file)
    assert s.bucket == "from-env"
    assert s.endpoint_url == "https://dotenv"  # .env beats the config file
    assert s.public_base_url == "https://cdn.config"  # config file beats the default
    assert s.expires == 7200


def test_default_dotenv_is_read_from_the_working_directory(tmp_path: Path) -> None:
    write_env(tmp_path / ".env", R2_ACCESS_KEY_ID="id-from-dotenv", R2_SECRET_ACCESS_KEY="s")
    s = load_settings(environ={})
    assert s.access_key_id == "id-from-dotenv" and s.has_credentials


def test_django_names_are_fallbacks(tmp_path: Path) -> None:
    env_file = write_env(
        tmp_path / "django.env",
        AWS_ACCESS_KEY_ID="django-id",
        AWS_SECRET_ACCESS_KEY="django-secret",
        AWS_STORAGE_BUCKET_NAME="django-bucket",
        AWS_S3_ENDPOINT_URL="https://django.endpoint",
        AWS_QUERYSTRING_EXPIRE="600",
    )
    s = load_settings(environ={}, env_file=env_file)
    assert (s.access_key_id, s.bucket, s.endpoint_url, s.expires) == (
        "django-id", "django-bucket", "https://django.endpoint", 600)
    assert s.secret_access_key == Secret("django-secret")
    # A primary name anywhere wins over a fallback name anywhere: a shell's AWS_ACCESS_KEY_ID
    # for some other AWS account must not replace the R2 key of the .env file.
    write_env(env_file, R2_ACCESS_KEY_ID="r2-id", R2_SECRET_ACCESS_KEY="r2-secret")
    s = load_settings(environ={"AWS_ACCESS_KEY_ID": "aws-id"}, env_file=env_file)
    assert s.access_key_id == "r2-id"


def test_secret_never_shows_in_repr_or_errors(tmp_path: Path) -> None:
    secret = "0123456789abcdef0123456789abcdef-not-real"
    s = load_settings(environ={"R2_SECRET_ACCESS_KEY": secret, "R2_ACCESS_KEY_ID": "id"})
    assert secret not in repr(s) and secret not in str(s)
    assert secret not in f"{s.secret_access_key}"
    assert s.secret_access_key is not None and s.secret_access_key.reveal() == secret
    with pytest.raises(ConfigError) as info:
        s.require_storage()  # no endpoint
    assert secret not in str(info.value)


def test_missing_credentials_are_named() -> None:
    s = load_settings(environ={"R2_ACCOUNT_ID": "0123abcd"})
    with pytest.raises(ConfigError, match="R2_ACCESS_KEY_ID and R2_SECRET_ACCESS_KEY"):
        s.require_storage()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(3600, 3600), ("900", 900), ("15m", 900), ("1h", 3600), ("1d", 86400), ("7d", 604800),
     ("1s", 1)],
)
def test_parse_expires(value: object, seconds: int) -> None:
    assert parse_expires(value) == seconds


@pytest.mark.parametrize("value", ["0", "8d", "604801", "soon", "-5", "1w", True])
def test_parse_expires_refuses_out_of_range(value: object) -> None:
    with pytest.raises(ConfigError):
        parse_expires(value)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"R2_BUCKET": "Bad_Bucket"}, "invalid bucket name"),
        ({"R2_ENDPOINT": "ftp://x"}, "invalid R2_ENDPOINT"),
        ({"AWS_QUERYSTRING_EXPIRE": "forever"}, "invalid expiry"),
    ],
)
def test_invalid_values_are_config_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(environ=environ)


def test_explicit_env_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(environ={}, env_file=tmp_path / "nope.env")


def test_config_file_may_not_hold_credentials(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[bucket]\nsecret_access_key = "x"\n', "utf-8")
    with pytest.raises(ConfigError, match="bucket.secret_access_key"):
        load_settings(environ={}, config_path=path)
