"""Settings: flags, environment, ``.env`` file, library config file and defaults, in that order."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from r2tui.costs import Prices
from r2tui.errors import ConfigError
from r2tui.layout import Layout, layout_from_config

# The values' checks live in setting_values; MAX_EXPIRES and parse_duration are imported here
# unused so that ``from r2tui.settings import ...`` keeps working for them.
from r2tui.setting_values import MAX_EXPIRES as MAX_EXPIRES
from r2tui.setting_values import (
    parse_bucket,
    parse_expires,
    parse_prices,
    parse_url,
    parse_workers,
)
from r2tui.setting_values import parse_duration as parse_duration

DEFAULT_BUCKET = "ai-fitness-media"
DEFAULT_EXPIRES = 3600
DEFAULT_WORKERS = 10
DEFAULT_CACHE_CONTROL = "max-age=86400"
CONFIG_NAME = "r2tui.toml"
STATE_DIR_NAME = ".r2tui"

# Setting -> environment names, primary first. The AWS_* names are the Django app's own, so
# its .env works unchanged; they are consulted only when no primary name is set anywhere.
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "account_id": ("R2_ACCOUNT_ID",),
    "access_key_id": ("R2_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID"),
    "secret_access_key": ("R2_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY"),
    "bucket": ("R2_BUCKET", "AWS_STORAGE_BUCKET_NAME"),
    "endpoint": ("R2_ENDPOINT", "AWS_S3_ENDPOINT_URL"),
    "public_url": ("R2_PUBLIC_URL",),
    "local_root": ("R2_LOCAL_ROOT",),
    "expires": ("R2_URL_EXPIRES", "AWS_QUERYSTRING_EXPIRE"),
    "state_dir": ("R2TUI_STATE_DIR",),
}

# Settings the library config file may hold, by table and key. Credentials are not among them:
# the config file lives in the library folder and may well be shared or committed.
CONFIG_KEYS: dict[str, tuple[str, str]] = {
    "bucket": ("bucket", "name"),
    "endpoint": ("bucket", "endpoint"),
    "public_url": ("bucket", "public_url"),
    "account_id": ("bucket", "account_id"),
    "expires": ("urls", "expires"),
    "workers": ("upload", "workers"),
    "cache_control": ("upload", "cache_control"),
}


class Secret:
    """A string that never shows itself in a repr, a log line or an f-string."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know; built once by :func:`load_settings`."""

    bucket: str = DEFAULT_BUCKET
    account_id: str | None = None
    access_key_id: str | None = None
    secret_access_key: Secret | None = None
    endpoint_url: str | None = None
    public_base_url: str | None = None
    local_root: Path | None = None
    config_path: Path | None = None
    state_dir: Path | None = None
    expires: int = DEFAULT_EXPIRES
    workers: int = DEFAULT_WORKERS
    cache_control: str = DEFAULT_CACHE_CONTROL
    prices: Prices = field(default_factory=Prices)
    layout: Layout = field(default_factory=lambda: layout_from_config(None, ""), repr=False)

    @property
    def has_credentials(self) -> bool:
        return bool(self.access_key_id and self.secret_access_key)

    def state_path(self) -> Path | None:
        """Where the tool keeps its hash cache and upload records (None: nowhere)."""
        if self.state_dir is not None:
            return self.state_dir
        if self.local_root is not None:
            return self.local_root / STATE_DIR_NAME
        return None

    def require_storage(self) -> None:
        """Raise a ConfigError naming what is missing for talking to the bucket."""
        missing = [
            names[0]
            for key, names in ENV_NAMES.items()
            if key in ("access_key_id", "secret_access_key") and not getattr(self, key)
        ]
        if missing:
            raise ConfigError(
                f"R2 credentials missing: set {' and '.join(missing)} "
                "(in the environment or a .env file)"
            )
        if not self.endpoint_url:
            raise ConfigError("no endpoint: set R2_ACCOUNT_ID or R2_ENDPOINT")

    def require_local_root(self) -> Path:
        if self.local_root is None:
            raise ConfigError("no local library folder: pass --local PATH or set R2_LOCAL_ROOT")
        if not self.local_root.is_dir():
            raise ConfigError(
                f"local library folder {self.local_root} does not exist or is not a folder "
                "(check --local / R2_LOCAL_ROOT)"
            )
        return self.local_root


def load_settings(
    flags: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_file: str | os.PathLike[str] | None = None,
    config_path: str | os.PathLike[str] | None = None,
) -> Settings:
    """Resolve settings: flags, then environment, then ``.env``, then config file, then defaults.

    ``env_file`` given explicitly must exist; the default ``./.env`` is optional.
    ``config_path`` given explicitly must exist; ``<local root>/r2tui.toml`` is optional.
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    dotenv = _read_dotenv(env_file)

    def from_env(key: str) -> str | None:
        for name in ENV_NAMES.get(key, ()):
            for source in (environ, dotenv):
                value = source.get(name)
                if value not in (None, ""):
                    return str(value).strip()
        return None

    def pick(key: str) -> Any:
        if key in flags:
            return flags[key]
        return from_env(key)

    local_root = pick("local_root")
    local_path = Path(local_root).expanduser() if local_root else None
    config, config_file = _read_config(config_path, local_path)
    source = str(config_file) if config_file else CONFIG_NAME

    def setting(key: str) -> Any:
        value = pick(key)
        if value is None and key in CONFIG_KEYS:
            table, name = CONFIG_KEYS[key]
            section = config.get(table, {})
            value = section.get(name) if isinstance(section, dict) else None
        return value

    account_id = setting("account_id")
    endpoint = setting("endpoint")
    if not endpoint and account_id:
        endpoint = f"https://{account_id}.r2.cloudflarestorage.com"
    public_url = setting("public_url")
    if not public_url and account_id:
        public_url = f"https://pub-{account_id}.r2.dev"
    secret = pick("secret_access_key")
    state_dir = pick("state_dir")
    return Settings(
        bucket=parse_bucket(setting("bucket") or DEFAULT_BUCKET),
        account_id=account_id,
        access_key_id=pick("access_key_id"),
        secret_access_key=Secret(secret) if secret else None,
        endpoint_url=parse_url(endpoint, "R2_ENDPOINT") if endpoint else None,
        public_base_url=parse_url(public_url, "R2_PUBLIC_URL").rstrip("/") if public_url else None,
        local_root=local_path,
        config_path=config_file,
        state_dir=Path(state_dir).expanduser() if state_dir else None,
        expires=parse_expires(setting("expires") or DEFAULT_EXPIRES),
        workers=parse_workers(setting("workers") or DEFAULT_WORKERS),
        cache_control=str(setting("cache_control") or DEFAULT_CACHE_CONTROL),
        prices=parse_prices(config.get("prices", {}), source),
        layout=layout_from_config(config, source),
    )


def _read_dotenv(env_file: str | os.PathLike[str] | None) -> dict[str, str | None]:
    if env_file is not None:
        path = Path(env_file)
        if not path.is_file():
            raise ConfigError(f"env file {path} does not exist (check --env-file)")
    else:
        path = Path(".env")
        if not path.is_file():
            return {}
    from dotenv import dotenv_values  # only with a .env file: every command starts sooner

    try:
        return dict(dotenv_values(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read env file {path}: {exc}") from None


def _read_config(
    explicit: str | os.PathLike[str] | None, local_root: Path | None
) -> tuple[dict[str, Any], Path | None]:
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist (check --config)")
    elif local_root is not None and (local_root / CONFIG_NAME).is_file():
        path = local_root / CONFIG_NAME
    else:
        return {}, None
    import tomllib  # only with a config file, as dotenv

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    for table in {t for t, _ in CONFIG_KEYS.values()}:
        if table in data and not isinstance(data[table], dict):
            raise ConfigError(f"{path}: {table}: must be a table")
    for forbidden in ("access_key_id", "secret_access_key"):
        if forbidden in data.get("bucket", {}):
            raise ConfigError(
                f"{path}: bucket.{forbidden}: credentials do not belong in the config file; "
                "use the environment or .env"
            )
    return data, path
