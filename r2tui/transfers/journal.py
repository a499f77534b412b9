"""The transfer journal: which upload id holds which parts of which file, and which chunks of a
download are in its ``.part`` file, to resume either after a crash.

Its own SQLite file next to the state store (``transfers.sqlite``), written after every part, so a
kill -9 loses at most the parts in flight. It is a hint, never the truth: every entry is checked
against the bucket (ListParts) before a part is trusted.

Runs sharing a state folder share the journal. A run *claims* a key before it creates an upload
there and the claim ends when the upload is journaled, so the clean-up of another run never takes
an upload that is being created for an unjournaled stray.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from r2tui.state import BUSY_TIMEOUT

_SCHEMA = """
CREATE TABLE IF NOT EXISTS multipart (
    bucket TEXT NOT NULL, key TEXT NOT NULL, upload_id TEXT NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL, part_size INTEGER NOT NULL, PRIMARY KEY (bucket, key)
);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL, number INTEGER NOT NULL, etag TEXT NOT NULL,
    PRIMARY KEY (upload_id, number)
);
CREATE TABLE IF NOT EXISTS downloads (
    path TEXT PRIMARY KEY, etag TEXT NOT NULL, size INTEGER NOT NULL, chunk_size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS download_chunks (
    path TEXT NOT NULL, number INTEGER NOT NULL, PRIMARY KEY (path, number)
);
CREATE TABLE IF NOT EXISTS claims (
    bucket TEXT NOT NULL, key TEXT NOT NULL, pid INTEGER NOT NULL, PRIMARY KEY (bucket, key, pid)
);
"""


@dataclass
class JournalEntry:
    key: str
    upload_id: str
    size: int
    sha256: str
    part_size: int
    parts: dict[int, str] = field(default_factory=dict)  # part number -> ETag (no quotes)


@dataclass
class DownloadEntry:
    """A download in progress into the ``.part`` file at ``path``: the chunks written there."""

    path: str
    etag: str
    size: int
    chunk_size: int
    chunks: set[int] = field(default_factory=set)


class Journal:
    """Thread-safe; ``Journal(None)`` lives in memory for this run only."""

    def __init__(self, directory: Path | None) -> None:
        self._lock = threading.Lock()
        target = ":memory:"
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            target = str(directory / "transfers.sqlite")
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None,
                                   timeout=BUSY_TIMEOUT)
        self._db.execute("PRAGMA journal_mode=WAL")
        # A hint checked against the bucket: surviving a kill is enough, a power cut may lose
        # the last entries (NORMAL in WAL mode); FULL cost a sync per part or chunk.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def get(self, bucket: str, key: str) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT upload_id, size, sha256, part_size FROM multipart WHERE bucket=? AND key=?",
                (bucket, key),
            ).fetchone()
            if row is None:
                return None
            parts = self._db.execute(
                "SELECT number, etag FROM parts WHERE upload_id=?", (row[0],)
            ).fetchall()
        return JournalEntry(key, row[0], row[1], row[2], row[3], dict(parts))

    def claim(self, bucket: str, key: str) -> None:
        """Say that this process is about to create an upload at ``key``."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO claims VALUES (?, ?, ?)",
                             (bucket, key, os.getpid()))

    def begin(self, bucket: str, entry: JournalEntry) -> None:
        """Journal a created upload; this process's claim on the key ends with it."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT OR REPLACE INTO multipart VALUES (?, ?, ?, ?, ?, ?)",
                (bucket, entry.key, entry.upload_id, entry.size, entry.sha256, entry.part_size),
            )
            self._db.execute("DELETE FROM claims WHERE bucket=? AND key=? AND pid=?",
                             (bucket, entry.key, os.getpid()))

    def add_part(self, upload_id: str, number: int, etag: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO parts VALUES (?, ?, ?)", (upload_id, number, etag)
            )

    def end(self, bucket: str, key: str, upload_id: str) -> None:
        """Forget the upload (completed, aborted or unknown to the server), unless another run
        has journaled a newer one at the key meanwhile."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM parts WHERE upload_id=?", (upload_id,))
            self._db.execute("DELETE FROM multipart WHERE bucket=? AND key=? AND upload_id=?",
                             (bucket, key, upload_id))

    def kept(self, bucket: str) -> tuple[dict[str, str], set[str]]:
        """What no clean-up may abort, read at one instant: key -> journaled upload id, and the
        keys another live process has claimed (the claims of dead ones are dropped)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            uploads = dict(self._db.execute(
                "SELECT key, upload_id FROM multipart WHERE bucket=?", (bucket,)
            ).fetchall())
            claimed: set[str] = set()
            for key, pid in self._db.execute(
                "SELECT key, pid FROM claims WHERE bucket=?", (bucket,)
            ).fetchall():
                if pid != os.getpid() and _alive(pid):
                    claimed.add(key)
                else:
                    self._db.execute("DELETE FROM claims WHERE bucket=? AND key=? AND pid=?",
                                     (bucket, key, pid))
        return uploads, claimed

    def download(self, path: str) -> DownloadEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, size, chunk_size FROM downloads WHERE path=?", (path,)
            ).fetchone()
            if row is None:
                return None
            chunks = self._db.execute(
                "SELECT number FROM download_chunks WHERE path=?", (path,)
            ).fetchall()
        return DownloadEntry(path, row[0], row[1], row[2], {n for (n,) in chunks})

    def begin_download(self, entry: DownloadEntry) -> None:
        """Journal a download started anew (any chunks of an earlier one are forgotten)."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM download_chunks WHERE path=?", (entry.path,))
            self._db.execute("INSERT OR REPLACE INTO downloads VALUES (?, ?, ?, ?)",
                             (entry.path, entry.etag, entry.size, entry.chunk_size))

    def add_chunk(self, path: str, number: int) -> None:
        """Chunk ``number`` is on disk (written before it is journaled)."""
        with self._lock:
            self._db.execute("INSERT OR IGNORE INTO download_chunks VALUES (?, ?)", (path, number))

    def end_download(self, path: str) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM download_chunks WHERE path=?", (path,))
            self._db.execute("DELETE FROM downloads WHERE path=?", (path,))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
