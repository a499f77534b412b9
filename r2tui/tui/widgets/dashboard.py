"""The categories table: expected, local, remote, missing, changed, extra, size and progress."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from r2tui.compare import CategoryReport, Report
from r2tui.layout import Category
from r2tui.status_text import size
from r2tui.tui.format import bar
from r2tui.tui.view import ViewState

COLUMNS = ("Category", "Expected", "Local", "Remote", "Missing", "Changed", "Extra", "Size",
           "Progress")
UNCATEGORISED = "uncategorised"


class Dashboard(DataTable[Text | str]):
    def __init__(self, view: ViewState) -> None:
        super().__init__(id="dashboard", cursor_type="row", zebra_stripes=True)
        self.view = view
        self.border_title = "Categories"

    def on_mount(self) -> None:
        for index, name in enumerate(COLUMNS):
            self.add_column(name, key=name.lower(), width=28 if index == 0 else None)

    def show(self, report: Report) -> None:
        """Rebuild the rows, keeping the cursor on the same category."""
        row = self.cursor_row
        self.clear()
        for category_report in report.all_reports:
            if category_report.category is None and not category_report.tally.remote:
                continue
            if self.view.problems_only and not _has_problems(category_report):
                continue
            key = category_report.category.id if category_report.category else UNCATEGORISED
            self.add_row(*_cells(category_report, report.has_local), key=key)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def highlighted_category(self) -> tuple[bool, Category | None]:
        """``(found, category)``: the category under the cursor (None: the uncategorised)."""
        if not self.row_count:
            return False, None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return True, None if key == UNCATEGORISED else self.view.layout.get(key or "")


def _has_problems(r: CategoryReport) -> bool:
    t = r.tally
    return bool(t.missing or t.changed or t.extra) or t.remote < t.expected


def _cells(r: CategoryReport, has_local: bool) -> list[Text | str]:
    t = r.tally

    def num(n: int, style: str, applies: bool = True) -> Text:
        if not applies:
            return Text("-", style="dim", justify="right")
        return Text(str(n), style=style if n else "dim", justify="right")

    uncategorised = r.category is None
    return [
        Text(r.name, style="magenta" if uncategorised else ""),
        num(t.expected, "", not uncategorised),
        num(t.local, "", has_local),
        num(t.remote, ""),
        num(t.missing, "bold red", has_local),
        num(t.changed, "bold yellow", has_local),
        num(t.extra, "magenta", has_local or uncategorised),
        Text(size(t.remote_bytes), justify="right"),
        Text("") if uncategorised else bar(t.present, t.expected, clean=not _has_problems(r)),
    ]
