"""Past-tense messages the main screen's thread workers post back to the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from r2tui.compare import Report
from r2tui.transfers import UploadPlan


@dataclass
class ReportLoaded(Message):
    report: Report


@dataclass
class PlanReady(Message):
    plan: UploadPlan


@dataclass
class SignedUrlReady(Message):
    key: str
    url: str
    expires: int
