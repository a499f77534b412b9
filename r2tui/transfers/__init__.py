"""Transfers: planning and running uploads to the bucket and downloads from it, UI-free, with
events for the UIs."""

from r2tui.transfers.batch import Batch
from r2tui.transfers.download_batch import DownloadBatch
from r2tui.transfers.download_plan import DownloadPlan, plan_chosen
from r2tui.transfers.events import (
    Action,
    BatchFinished,
    BatchProgress,
    DownloadSummary,
    Event,
    JobCancelled,
    JobFailed,
    JobFinished,
    JobProgress,
    JobStarted,
    Summary,
)
from r2tui.transfers.plan import PlanItem, UploadPlan, plan_states, plan_uploads
from r2tui.transfers.resources import Resources
from r2tui.transfers.retry import RetryPolicy

__all__ = [
    "Action",
    "Batch",
    "BatchFinished",
    "BatchProgress",
    "DownloadBatch",
    "DownloadPlan",
    "DownloadSummary",
    "Event",
    "JobCancelled",
    "JobFailed",
    "JobFinished",
    "JobProgress",
    "JobStarted",
    "PlanItem",
    "Resources",
    "RetryPolicy",
    "Summary",
    "UploadPlan",
    "plan_chosen",
    "plan_states",
    "plan_uploads",
]
