"""What upload and download batches share about a job's end: its one-line reason, and events
handed to a listener that must not break the transfers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from r2tui.settings import Settings
from r2tui.storage import describe
from r2tui.transfers.context import JobError
from r2tui.transfers.events import Event

log = logging.getLogger(__name__)


def job_reason(exc: Exception, settings: Settings, key: str, path: Path | None, verb: str) -> str:
    """One line for a failed job: ``verb`` is what was done to ``path`` ("read", "write")."""
    if isinstance(exc, JobError):
        return exc.reason
    if isinstance(exc, OSError):
        return f"cannot {verb} {path}: {exc.strerror or exc}"
    if isinstance(exc, (ClientError, BotoCoreError)):
        return describe(exc, settings, key=key).message
    log.exception("unexpected failure for %s", key)
    return f"unexpected error: {exc!r}"


def emit_to(listener: Callable[[Event], None] | None, event: Event) -> None:
    if listener is None:
        return
    try:
        listener(event)
    except Exception:  # a broken listener must not break the transfers
        log.exception("event listener failed on %r", event)
