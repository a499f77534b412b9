"""The categories table: expected, local, remote, missing, changed, extra, size and progress;
compact on a narrow screen: name, present/expected, problems and a short bar. Its media view
(``v``) shows instead what the local videos and images are: facts known, total duration, usual
resolution and media problems by kind."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from r2tui.compare import CategoryReport, Report
from r2tui.costs import Prices, storage_line
from r2tui.formatting import size
from r2tui.layout import Category
from r2tui.media_overview import CategoryMedia
from r2tui.tui.format import bar
from r2tui.tui.view import ViewState
from r2tui.tui.widgets import media_cells

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
        self._media_view = False

    def on_mount(self) -> None:
        self._add_columns()

    @property
    def compact(self) -> bool:
        return self._compact

    @compact.setter
    def compact(self, compact: bool) -> None:
        if compact != self._compact:
            self._compact = compact
            self._rebuild()

    @property
    def media_view(self) -> bool:
        """Whether the media view is shown instead of the counts."""
        return self._media_view

    @media_view.setter
    def media_view(self, on: bool) -> None:
        if on != self._media_view:
            self._media_view = on
            self.border_title = "Categories · media" if on else "Categories"
            self._rebuild()

    def _rebuild(self) -> None:
        self.clear(columns=True)
        self._add_columns()
        if self.view.report is not None:
            self.show(self.view.report)

    def _add_columns(self) -> None:
        names, widths = {
            (False, False): (COLUMNS, WIDTHS), (True, False): (COMPACT_COLUMNS, COMPACT_WIDTHS),
            (False, True): (media_cells.COLUMNS, media_cells.WIDTHS),
            (True, True): (media_cells.COMPACT_COLUMNS, media_cells.COMPACT_WIDTHS),
        }[(self._compact, self._media_view)]
        numeric = set(range(1, len(names) - 1)) if self._media_view or not self._compact \
            else {1}
        for index, (name, width) in enumerate(zip(names, widths, strict=True)):
            label = name.rjust(width) if index in numeric else name
            self.add_column(label, key=name.lower(), width=width)

    def show(self, report: Report) -> None:
        """Rebuild the rows, keeping the cursor on the same category; the cost (or, in the
        media view, what the facts cover) below them."""
        self.border_subtitle = (media_cells.media_foot(self.view.media, report.has_local)
                                if self._media_view
                                else storage_line(self.prices, report.totals.remote_bytes))
        row = self.cursor_row
        self.clear()
        for category_report in report.all_reports:
            if category_report.category is None and not category_report.tally.remote:
                continue
            category_media = self._media_of(category_report)
            if self.view.problems_only and not self._shows_problems(category_report,
                                                                    category_media):
                continue
            key = category_report.category.id if category_report.category else UNCATEGORISED
            self.add_row(*self._row(category_report, category_media, report.has_local),
                         key=key)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1))

    def _shows_problems(self, r: CategoryReport, category_media: CategoryMedia | None) -> bool:
        """Problems only: in the media view, media problems; else the counts' problems."""
        if self._media_view:
            return bool(category_media and category_media.with_problems)
        return _has_problems(r)

    def _media_of(self, r: CategoryReport) -> CategoryMedia | None:
        overview = self.view.media
        return overview.categories.get(r.category.id) if overview and r.category else None

    def _row(self, r: CategoryReport, category_media: CategoryMedia | None,
             has_local: bool) -> list[Text | str]:
        if self._media_view:
            return list(media_cells.media_cells(r.name, category_media, compact=self._compact))
        return (_compact_cells if self._compact else _cells)(r, has_local)

    def show_reading(self, done: int, total: int) -> None:
        if self._media_view:
            self.border_subtitle = f"reading media facts: {done:,} of {total:,}"

    def media_failed(self) -> None:
        if self._media_view:
            self.border_subtitle = "media facts could not be read (r to try again)"

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
        return Text(f"{n:,}".rjust(width), style=style if n else "dim")

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
