"""The categories table: expected, local, remote, missing, changed, extra, size and progress."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from r2tui.compare import CategoryReport, Report
from r2tui.costs import Prices, storage_line
from r2tui.formatting import size
from r2tui.layout import Category
from r2tui.tui.format import bar
from r2tui.tui.view import ViewState

COLUMNS = ("Category", "Expected", "Local", "Remote", "Missing", "Changed", "Extra", "Size",
           "Progress")
WIDTHS = (26, 8, 6, 6, 7, 7, 5, 10, 15)
UNCATEGORISED = "uncategorised"


class Dashboard(DataTable[Text | str]):
    def __init__(self, view: ViewState, prices: Prices) -> None:
        super().__init__(id="dashboard", cursor_type="row", zebra_stripes=True)
        self.view = view
        self.prices = prices
        self.border_title = "Categories"

    def on_mount(self) -> None:
        for index, (name, width) in enumerate(zip(COLUMNS, WIDTHS, strict=True)):
            label = name if index in (0, len(COLUMNS) - 1) else name.rjust(width)
            self.add_column(label, key=name.lower(), width=width)

    def show(self, report: Report) -> None:
        """Rebuild the rows, keeping the cursor on the same category; the cost below them."""
        self.border_subtitle = storage_line(self.prices, report.totals.remote_bytes)
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

    def num(column: int, n: int, style: str, applies: bool = True) -> Text:
        width = WIDTHS[column]
        if not applies:
            return Text("-".rjust(width), style="dim")
        return Text(str(n).rjust(width), style=style if n else "dim")

    uncategorised = r.category is None
    return [
        Text(r.name, style="magenta" if uncategorised else ""),
        num(1, t.expected, "", not uncategorised),
        num(2, t.local, "", has_local),
        num(3, t.remote, ""),
        num(4, t.missing, "bold red", has_local),
        num(5, t.changed, "bold yellow", has_local),
        num(6, t.extra, "magenta", has_local or uncategorised),
        Text(size(t.remote_bytes).rjust(WIDTHS[7])),
        Text("") if uncategorised else bar(t.present, t.expected, clean=not _has_problems(r)),
    ]
