"""The tool's own state on disk: the hash cache, the record of what it uploaded, media facts.

One SQLite file, safe to share between threads. Losing it loses nothing but time: the bucket is
the truth, and every record is checked against it before it is trusted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from r2tui.digests import Digests

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hashes (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, md5 TEXT NOT NULL, mpu_etag TEXT
);
CREATE TABLE IF NOT EXISTS uploads (
    bucket TEXT NOT NULL, key TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
    sha256 TEXT NOT NULL, PRIMARY KEY (bucket, key)
);
CREATE TABLE IF NOT EXISTS media (
    sha256 TEXT PRIMARY KEY, version INTEGER NOT NULL, facts TEXT NOT NULL
);
"""

BUSY_TIMEOUT = 30.0  # seconds a write waits for another process's transaction


@dataclass(frozen=True, slots=True)
class UploadRecord:
    """What r2tui stored under a key: trusted only while the object's size and ETag still match."""

    key: str
    size: int
    etag: str
    sha256: str


class StateStore:
    """SQLite-backed state; ``StateStore(None)`` keeps everything in memory for this run only."""

    def __init__(self, directory: Path | None) -> None:
        self._lock = threading.Lock()
        if directory is None:
            target = ":memory:"
        else:
            directory.mkdir(parents=True, exist_ok=True)
            target = str(directory / "state.sqlite")
        # Two r2tui processes on one library share this file: a writer waits for the other.
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None,
                                   timeout=BUSY_TIMEOUT)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- hash cache -------------------------------------------------------------------------
    def cached_digests(self, path: str, size: int, mtime_ns: int) -> Digests | None:
        with self._lock:
            row = self._db.execute(
                "SELECT sha256, md5, mpu_etag FROM hashes WHERE path=? AND size=? AND mtime_ns=?",
                (path, size, mtime_ns),
            ).fetchone()
        return Digests(*row) if row else None

    def all_cached(self) -> dict[str, tuple[int, int, Digests]]:
        """The whole hash cache at once: one query instead of one per file during a scan."""
        with self._lock:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, sha256, md5, mpu_etag FROM hashes"
            ).fetchall()
        return {r[0]: (r[1], r[2], Digests(r[3], r[4], r[5])) for r in rows}

    def store_digests(self, path: str, size: int, mtime_ns: int, digests: Digests) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?)",
                (path, size, mtime_ns, digests.sha256, digests.md5, digests.mpu_etag),
            )

    # -- media facts, by content ------------------------------------------------------------
    def cached_media(self, sha256: str, version: int) -> dict[str, Any] | None:
        """The media facts stored for this content by the reader of ``version`` (an older
        reader's facts are read again)."""
        with self._lock:
            row = self._db.execute(
                "SELECT facts FROM media WHERE sha256=? AND version=?", (sha256, version)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def store_media(self, sha256: str, version: int, facts: dict[str, Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO media VALUES (?, ?, ?)",
                             (sha256, version, json.dumps(facts, sort_keys=True)))

    # -- upload records ---------------------------------------------------------------------
    def upload_records(self, bucket: str) -> dict[str, UploadRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT key, size, etag, sha256 FROM uploads WHERE bucket=?", (bucket,)
            ).fetchall()
        return {r[0]: UploadRecord(*r) for r in rows}

    def upload_record(self, bucket: str, key: str) -> UploadRecord | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, size, etag, sha256 FROM uploads WHERE bucket=? AND key=?",
                (bucket, key),
            ).fetchone()
        return UploadRecord(*row) if row else None

    def record_upload(self, bucket: str, record: UploadRecord) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?, ?)",
                (bucket, record.key, record.size, record.etag, record.sha256),
            )
