"""The categories table: expected, local, remote, missing, changed, extra, size and progress;
compact on a narrow screen: name, present/expected, problems and a short bar."""

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
COMPACT_COLUMNS = ("Category", "Present", "Problems", "Progress")
COMPACT_WIDTHS = (28, 11, 18, 10)
UNCATEGORISED = "uncategorised"


class Dashboard(DataTable[Text | str]):
    def __init__(self, view: ViewState, prices: Prices) -> None:
        super().__init__(id="dashboard", cursor_type="row", zebra_stripes=True)
        self.view = view
        self.prices = prices
        self.border_title = "Categories"
        self._compact = False

    def on_mount(self) -> None:
        self._add_columns()

    @property
    def compact(self) -> bool:
        return self._compact

    @compact.setter
    def compact(self, compact: bool) -> None:
        if compact == self._compact:
            return
        self._compact = compact
        self.clear(columns=True)
        self._add_columns()
        if self.view.report is not None:
            self.show(self.view.report)

    def _add_columns(self) -> None:
        names, widths = (COMPACT_COLUMNS, COMPACT_WIDTHS) if self._compact else (COLUMNS, WIDTHS)
        numeric = {1} if self._compact else set(range(1, len(names) - 1))
        for index, (name, width) in enumerate(zip(names, widths, strict=True)):
            label = name.rjust(width) if index in numeric else name
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
            cells = _compact_cells if self._compact else _cells
            self.add_row(*cells(category_report, report.has_local), key=key)
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


def _compact_cells(r: CategoryReport, has_local: bool) -> list[Text | str]:
    t = r.tally
    if r.category is None:
        return [Text(r.name, style="magenta"), Text(f"{t.remote:,}".rjust(COMPACT_WIDTHS[1])),
                Text("uncategorised", style="magenta"), Text("")]
    problems = [(t.extra, "extra", "magenta")]
    if has_local:
        problems[:0] = [(t.missing, "missing", "bold red"), (t.changed, "changed", "bold yellow")]
    shown = Text(" · ").join(Text(f"{n:,} {word}", style=style) for n, word, style in problems
                             if n)
    return [
        Text(r.name),
        Text(f"{t.present:,}/{t.expected:,}".rjust(COMPACT_WIDTHS[1])),
        shown,
        bar(t.present, t.expected, width=5, clean=not _has_problems(r)),
    ]
