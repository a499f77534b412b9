"""The engine's calls as the CLI makes them: scan, report, plan, run."""

from __future__ import annotations

from typing import Any

from r2tui.library import Library
from r2tui.transfers import Batch, Resources, UploadPlan, plan_uploads


def plan_all(library: Library) -> UploadPlan:
    """The plan of everything missing or changed in ``library``."""
    local = library.scan_local()
    assert local is not None
    return plan_uploads(Resources.of(library), library.report(local), local)


def engine_batch(library: Library, plan: UploadPlan, **kwargs: Any) -> Batch:
    return Batch(Resources.of(library), plan, **kwargs)
