"""Cost figures against R2's price table, and `env` output parsed back into settings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from dotenv import dotenv_values

from r2tui.costs import GB, Prices, storage_line, upload_cost, usd
from r2tui.deploy import MASK, render
from r2tui.errors import ConfigError
from r2tui.settings import Secret, Settings, load_settings


def test_storage_cost_of_the_spec_library() -> None:
    prices = Prices()
    stored = int(43.89 * GB)
    # $0.015 per GB-month: $0.66 for 43.89 GB, $0.51 once the 10 GB free tier is taken off.
    assert prices.storage_month_gross(stored) == pytest.approx(0.65835)
    assert prices.storage_month(stored) == pytest.approx((43.89 - 10) * 0.015)
    assert storage_line(prices, stored) == (
        "storage 43.89 GB: $0.51/month ($0.66 before the 10 GB free tier); egress free")
    assert prices.storage_month(5 * GB) == 0.0


def test_operation_prices() -> None:
    prices = Prices()
    assert prices.class_a(1_000_000) == pytest.approx(4.50)
    assert prices.class_b(1_000_000) == pytest.approx(0.36)
    assert usd(prices.class_a(3346)) == "$0.02"
    assert usd(prices.class_b(10)) == "<$0.01"


def test_upload_cost_counts_the_free_tier() -> None:
    prices = Prices()
    cost = upload_cost(prices, stored_bytes=9 * GB, class_a_ops=200, added_bytes=2 * GB)
    assert cost.operations_usd == pytest.approx(200 / 1e6 * 4.5)
    assert cost.storage_month_usd == pytest.approx(1 * 0.015)  # only 1 GB is over the free 10


def test_prices_come_from_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "r2tui.toml"
    path.write_text("[prices]\nstorage_gb_month = 0.02\nfree_storage_gb = 0\n")
    settings = load_settings(environ={}, config_path=path)
    assert settings.prices.storage_month(GB) == pytest.approx(0.02)
    path.write_text("[prices]\nstorage = 1\n")
    with pytest.raises(ConfigError, match="prices.storage: unknown field"):
        load_settings(environ={}, config_path=path)
    path.write_text("[prices]\nclass_a_per_million = -1\n")
    with pytest.raises(ConfigError, match="prices.class_a_per_million"):
        load_settings(environ={}, config_path=path)


SECRET = "0123abcd-dummy-secret-'quoted' value"


@pytest.fixture
def settings() -> Settings:
    return load_settings(
        environ={
            "R2_ACCOUNT_ID": "0123abcd",
            "R2_ACCESS_KEY_ID": "dummy-key-id",
            "R2_SECRET_ACCESS_KEY": SECRET,
            "R2_BUCKET": "ai-fitness-media",
            "AWS_QUERYSTRING_EXPIRE": "900",
        }
    )


def test_dotenv_parses_back_to_the_same_settings(settings: Settings, tmp_path: Path) -> None:
    text = render(settings, "dotenv")
    assert SECRET not in text
    values = dotenv_values(stream=io.StringIO(text))
    assert values["R2_SECRET_ACCESS_KEY"] == MASK == values["AWS_SECRET_ACCESS_KEY"]
    assert values["AWS_S3_REGION_NAME"] == "auto" and values["AWS_DEFAULT_ACL"] == "private"
    assert values["USE_R2_STORAGE"] == "True" and values["AWS_QUERYSTRING_AUTH"] == "True"
    path = tmp_path / "out.env"
    path.write_text(text)
    again = load_settings(environ={}, env_file=path)
    for field in ("bucket", "account_id", "access_key_id", "endpoint_url", "public_base_url",
                  "expires"):
        assert getattr(again, field) == getattr(settings, field), field
    shown = tmp_path / "shown.env"
    shown.write_text(render(settings, "dotenv", show_secrets=True))
    assert load_settings(environ={}, env_file=shown).secret_access_key == Secret(SECRET)


def test_render_format_hides_the_secret(settings: Settings) -> None:
    render_yaml = render(settings, "render")
    assert SECRET not in render_yaml and "sync: false" in render_yaml
    assert '- key: AWS_S3_ENDPOINT_URL\n    value: "https://0123abcd.r2.cloudflarestorage.com"' in (
        render_yaml)


def test_django_block_configures_storages_for_r2(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    django = render(settings, "django")
    assert SECRET not in django
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "id-from-env")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    namespace: dict = {}
    exec(compile(django, "settings.py", "exec"), namespace)  # our own generated settings
    options = namespace["STORAGES"]["default"]["OPTIONS"]
    assert namespace["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["secret_key"] == "secret-from-env"
    assert options["endpoint_url"] == "https://0123abcd.r2.cloudflarestorage.com"
    assert options["querystring_expire"] == 900 and options["default_acl"] == "private"
    assert options["object_parameters"] == {"CacheControl": "max-age=86400"}
    config = options["client_config"]
    assert config.request_checksum_calculation == "when_required"
    assert config.response_checksum_validation == "when_required"
