"""The totals line and the error banner above the browser."""

from __future__ import annotations

from textual.widgets import Static

from r2tui.compare import Report
from r2tui.status_text import summary_line


class Summary(Static):
    def show(self, report: Report) -> None:
        self.set_class(report.complete, "complete")
        self.update(f"{'✓' if report.complete else '●'} {summary_line(report)}")


class ErrorBanner(Static):
    """What went wrong and what to fix; hidden until an error arrives."""

    def show(self, message: str) -> None:
        self.update(f"⚠ {message}  —  fix it, then press r to retry")
        self.display = True

    def clear(self) -> None:
        self.display = False
