"""What the engine works with: plain values handed in by its caller, never the ``Library`` façade.

A caller (the CLI, the TUI, a test, a script) may hand in its own boto3 client, as one may to
s3transfer's TransferManager; without one the engine makes its own with botocore's retries off,
so that ``RetryPolicy`` is the only retry layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from r2tui.scan import Hasher
from r2tui.settings import Settings
from r2tui.state import StateStore
from r2tui.storage import S3Client


class HasParts(Protocol):
    """Anything holding the three parts (the Library façade does)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def store(self) -> StateStore: ...
    @property
    def hasher(self) -> Hasher: ...


@dataclass(frozen=True)
class Resources:
    settings: Settings  # bucket, layout, workers, prices, object properties, the state's path
    store: StateStore  # upload records (and, through the hasher, the hash cache)
    hasher: Hasher
    client: S3Client | None = None  # None: the engine makes its own for each run

    @property
    def bucket(self) -> str:
        return self.settings.bucket

    @classmethod
    def of(cls, parts: HasParts, client: S3Client | None = None) -> Resources:
        return cls(parts.settings, parts.store, parts.hasher, client)
