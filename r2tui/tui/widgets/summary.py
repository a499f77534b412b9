"""The totals line and the error banner above the browser."""

from __future__ import annotations

from textual.widgets import Static

from r2tui.compare import Report
from r2tui.formatting import summary_line
from r2tui.tui.format import literal

COMPARING = "Comparing the bucket with the local library…"


class Summary(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(COMPARING, id=id)
        self.counts = ""

    def show(self, report: Report) -> None:
        self.counts = f"{'✓' if report.complete else '●'} {summary_line(report)}"
        self.set_class(False, "failed")
        self.set_class(report.complete, "complete")
        self.update(self.counts)

    def comparing(self) -> None:
        self.set_class(False, "failed")
        self.update(self.counts or COMPARING)

    def failed(self) -> None:
        """The comparison failed (the banner says why): no more "Comparing…"; old counts stale."""
        self.set_class(True, "failed")
        if self.counts:
            self.update(f"{self.counts} (not refreshed: the comparison failed)")
        else:
            self.update("✗ No counts: the bucket could not be compared with the library")


class ErrorBanner(Static):
    """What went wrong and what to fix; hidden until an error arrives."""

    def show(self, message: str) -> None:
        self.update(literal(f"⚠ {message}  —  fix it, then press r to retry"))
        self.display = True

    def clear(self) -> None:
        self.display = False
