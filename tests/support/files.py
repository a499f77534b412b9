"""Local files for the tests: a library's file written at its key."""

from __future__ import annotations

from pathlib import Path


def write(root: Path, key: str, data: bytes) -> Path:
    """``data`` at ``root / key``, its folders made; the path."""
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
