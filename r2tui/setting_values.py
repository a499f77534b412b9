"""One setting's value checked and converted: durations and expiries, the bucket name, URLs,
prices and workers. Each raises a ConfigError that names the value and what is allowed."""

from __future__ import annotations

import re
from typing import Any

from r2tui.costs import Prices
from r2tui.errors import ConfigError

MAX_EXPIRES = 7 * 24 * 3600  # SigV4 presigned URLs live at most 7 days

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_expires(value: Any) -> int:
    """Seconds from ``3600``, ``"900"``, ``"15m"``, ``"1h"``, ``"7d"``; 1 s to 7 days."""
    seconds = parse_duration(value, "expiry")
    if not 1 <= seconds <= MAX_EXPIRES:
        raise ConfigError(
            f"expiry {value!r} is out of range: signed URLs last from 1 second to 7 days"
        )
    return seconds


def parse_duration(value: Any, what: str = "duration") -> int:
    """Seconds from ``3600``, ``"900"``, ``"15m"``, ``"1h"``, ``"30d"``."""
    if isinstance(value, bool):
        raise ConfigError(f"invalid {what} {value!r}")
    if isinstance(value, int):
        return value
    match = _DURATION.match(str(value))
    if not match:
        raise ConfigError(
            f"invalid {what} {value!r}: use seconds or a number with s, m, h or d (e.g. 15m)"
        )
    return int(match.group(1)) * _UNIT_SECONDS[match.group(2).lower()]


_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def parse_bucket(name: str) -> str:
    """An R2 bucket name as given, if it is one."""
    if not _BUCKET_NAME.match(name):
        raise ConfigError(
            f"invalid bucket name {name!r}: 3-63 lowercase letters, digits, dots or hyphens"
        )
    return name


def parse_url(value: str, name: str) -> str:
    """An http(s) URL, stripped; ``name`` is the setting's, for the error."""
    value = str(value).strip()
    if not re.match(r"^https?://[^/\s]+", value):
        raise ConfigError(f"invalid {name} {value!r}: expected an http:// or https:// URL")
    return value


def parse_prices(table: Any, source: str) -> Prices:
    """``[prices]`` of the config file: any of Prices' fields, non-negative numbers."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: prices: must be a table")
    known = set(Prices.__dataclass_fields__)
    for name, value in table.items():
        if name not in known:
            fields = ", ".join(sorted(known))
            raise ConfigError(f"{source}: prices.{name}: unknown field (one of {fields})")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{source}: prices.{name}: must be a number >= 0, got {value!r}")
    return Prices(**{k: float(v) for k, v in table.items()})


def parse_workers(value: Any) -> int:
    """The number of parallel transfers: 1 to 64."""
    try:
        workers = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"invalid number of workers {value!r}") from None
    if not 1 <= workers <= 64:
        raise ConfigError(f"workers must be between 1 and 64, got {workers}")
    return workers
