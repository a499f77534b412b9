"""Events a running batch publishes: what the TUI and the CLI render, nothing more."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from r2tui.costs import UploadCost


class Action(StrEnum):
    UPLOAD = "upload"
    COPY = "copy"  # server-side copy from another key holding the same content
    RENAME = "rename"  # a copy whose source (an object with no local twin) then goes to the trash
    SKIP = "skip"
    DOWNLOAD = "download"


@dataclass
class Summary:
    """What a batch did; ``failures`` maps each failed key to a one-line reason."""

    uploaded: int = 0
    copied: int = 0
    renamed: int = 0
    skipped: int = 0
    already: int = 0  # found stored meanwhile (by another writer) with this very content
    conflicts: int = 0  # another content stored meanwhile: not overwritten (also in failures)
    failed: int = 0
    cancelled: int = 0
    bytes_sent: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    cost: UploadCost | None = None  # what the plan estimated it would cost

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.cancelled == 0 and self.conflicts == 0

    def to_json(self) -> dict:
        data = {
            "uploaded": self.uploaded,
            "copied": self.copied,
            "renamed": self.renamed,
            "skipped": self.skipped,
            "already": self.already,
            "conflicts": self.conflicts,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "bytes_sent": self.bytes_sent,
            "failures": dict(self.failures),
            "ok": self.ok,
        }
        return data | (cost_json(self.cost) if self.cost else {})


@dataclass
class DownloadSummary:
    """What a download batch did; ``unverified`` counts files whose content nothing could
    prove (a multipart ETag of unknown part size and no ``sha256``): kept, and said so."""

    downloaded: int = 0
    skipped: int = 0
    failed: int = 0
    cancelled: int = 0
    unverified: int = 0
    bytes_received: int = 0
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.cancelled == 0

    def to_json(self) -> dict:
        return {
            "downloaded": self.downloaded,
            "skipped": self.skipped,
            "failed": self.failed,
            "cancelled": self.cancelled,
            "unverified": self.unverified,
            "bytes_received": self.bytes_received,
            "failures": dict(self.failures),
            "ok": self.ok,
        }


def cost_json(cost: UploadCost) -> dict:
    """An upload's cost for ``--json``: Class A operations, their price, storage per month."""
    return {
        "class_a_ops": cost.class_a_ops,
        "added_bytes": cost.added_bytes,
        "operations_usd": round(cost.operations_usd, 6),
        "storage_month_usd": round(cost.storage_month_usd, 6),
    }


@dataclass(frozen=True)
class JobStarted:
    key: str
    size: int
    action: Action


@dataclass(frozen=True)
class JobProgress:
    key: str
    bytes_done: int
    size: int


@dataclass(frozen=True)
class JobFinished:
    key: str
    action: Action
    bytes_sent: int


@dataclass(frozen=True)
class JobFailed:
    key: str
    reason: str
    conflict: bool = False  # newer content by someone else, left in place (HTTP 412)


@dataclass(frozen=True)
class JobCancelled:
    key: str


@dataclass(frozen=True)
class BatchProgress:
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    bytes_per_second: float
    eta_seconds: float | None


@dataclass(frozen=True)
class BatchFinished:
    summary: Summary | DownloadSummary


Event = (
    JobStarted | JobProgress | JobFinished | JobFailed | JobCancelled | BatchProgress
    | BatchFinished
)

_NAMES = {
    JobStarted: "job_started",
    JobProgress: "job_progress",
    JobFinished: "job_finished",
    JobFailed: "job_failed",
    JobCancelled: "job_cancelled",
    BatchProgress: "batch_progress",
    BatchFinished: "summary",
}


def event_to_json(event: Event) -> dict:
    """One event as a flat JSON-ready dict with an ``event`` name (``--json`` output)."""
    if isinstance(event, BatchFinished):
        return {"event": "summary", **event.summary.to_json()}
    fields = {name: getattr(event, name) for name in event.__dataclass_fields__}
    if isinstance(event, JobFinished) and event.action is Action.DOWNLOAD:
        fields["bytes_received"] = fields.pop("bytes_sent")
    return {"event": _NAMES[type(event)], **fields}
