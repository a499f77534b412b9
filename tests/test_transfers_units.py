"""Transfer engine pieces without a server: throttled progress, plans, headless import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from r2tui.cli.console import plan_json, plan_summary
from r2tui.costs import Prices
from r2tui.transfers import Action, BatchProgress, JobProgress, PlanItem, UploadPlan
from r2tui.transfers.events import Event
from r2tui.transfers.progress import ProgressTracker
from r2tui.transfers.properties import content_type_for

MiB = 1024 * 1024


def test_progress_events_are_throttled_but_the_end_is_always_reported() -> None:
    now = [0.0]
    events: list[Event] = []
    tracker = ProgressTracker(events.append, 1000 * 1000, 1, clock=lambda: now[0])
    for _ in range(1000):  # 1,000 chunks in 0.5 s of fake time
        now[0] += 0.0005
        tracker.advance("k", 1000 * 1000, 1000, True)
    jobs = [e for e in events if isinstance(e, JobProgress)]
    totals = [e for e in events if isinstance(e, BatchProgress)]
    assert len(jobs) <= 7 and jobs[-1].bytes_done == 1000 * 1000
    assert len(totals) <= 6
    tracker.file_done("k")
    tracker.finish()
    last = [e for e in events if isinstance(e, BatchProgress)][-1]
    assert (last.files_done, last.bytes_done, last.eta_seconds) == (1, 1000 * 1000, 0.0)
    assert last.bytes_per_second > 0


def test_plan_counts_and_class_a_estimate() -> None:
    plan = UploadPlan([
        PlanItem("a.mp4", Path("a"), 20 * MiB, Action.UPLOAD, reason="missing"),  # 1 + 3 + 1
        PlanItem("b.png", Path("b"), 10, Action.UPLOAD, reason="changed"),
        PlanItem("c.png", Path("c"), 10, Action.COPY, "b.png", "missing"),
        PlanItem("d.png", Path("d"), 10, Action.SKIP, reason="already stored"),
    ])
    assert (plan.uploads, plan.copies, plan.skips) == (2, 1, 1)
    assert plan.bytes_to_send == 20 * MiB + 10 and plan.class_a_ops == 7


def test_plan_cost_from_the_price_table() -> None:
    """Class A $4.50 per million; storage $0.015 per GB-month beyond 10 GB free."""
    plan = UploadPlan([
        # 80,000 MiB in 10,000 parts of 8 MiB: create + 10,000 parts + complete
        PlanItem("videos/huge.mp4", Path("h"), 80_000 * MiB, Action.UPLOAD, reason="missing"),
        PlanItem("photos/a.png", Path("a"), 2_000_000_000, Action.COPY, "p/b.png", "missing"),
        PlanItem("photos/c.png", Path("c"), 500, Action.UPLOAD, reason="changed"),  # replaces
        PlanItem("photos/d.png", Path("d"), 500, Action.SKIP, reason="already stored"),
    ], stored_bytes=5_000_000_000)
    cost = plan.cost(Prices())
    assert cost.class_a_ops == 10_002 + 1 + 1
    assert cost.operations_usd == pytest.approx(10_004 * 4.50 / 1_000_000)  # $0.045018
    added = 80_000 * MiB + 2_000_000_000
    assert cost.added_bytes == added
    # before: 5 GB, all free; after: 90.886 GB, of which 80.886 GB are billed
    assert cost.storage_month_usd == pytest.approx((5e9 + added - 10e9) / 1e9 * 0.015)
    assert round(cost.storage_month_usd, 4) == 1.2133
    data = plan_json(plan, Prices())
    assert (data["class_a_ops"], data["operations_usd"], data["storage_month_usd"]) == (
        10_004, 0.045018, 1.213291)
    assert plan_summary(plan, Prices()).endswith(
        "about 10004 Class A operations ($0.05), 85.89 GB more storage (+$1.21/month)")
    within_free_tier = UploadPlan(plan.items[2:], stored_bytes=0)
    assert within_free_tier.cost(Prices()).storage_month_usd == 0


def test_content_types() -> None:
    assert content_type_for("videos/x/Тест 1.MP4") == "video/mp4"
    assert content_type_for("photos/a.jpg") == "image/jpeg"
    assert content_type_for("images/a.png") == "image/png"
    assert content_type_for("blob.unknownext") == "application/octet-stream"


def test_the_transfer_engine_and_commands_do_not_import_textual() -> None:
    code = ("import sys, r2tui.transfers, r2tui.cli.uploading; "
            "sys.exit('textual' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
