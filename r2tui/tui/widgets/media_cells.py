"""The categories table's media view: its columns, a category's cells and the table's foot.

Wide: facts known, total duration, usual size and every problem kind with its count; compact
(80 columns): duration, usual size and the problems in one short cell.
"""

from __future__ import annotations

from rich.text import Text

from r2tui.formatting import clock, counted
from r2tui.media_overview import CategoryMedia, MediaOverview
from r2tui.tui.format import KIND_WORDS, kind_style

COLUMNS = ("Category", "Facts", "Duration", "Usual size", "Media problems")
WIDTHS = (26, 11, 9, 10, 40)
COMPACT_COLUMNS = ("Category", "Duration", "Usual size", "Media problems")
COMPACT_WIDTHS = (28, 9, 10, 22)


def media_cells(name: str, m: CategoryMedia | None, *, compact: bool) -> list[Text]:
    """The category's row: name, [facts known,] duration, usual size, problems."""
    widths = COMPACT_WIDTHS if compact else WIDTHS
    duration_at = 1 if compact else 2
    if m is None or not m.files:
        cells = [Text(name), *(Text("") for _ in widths[1:])]
        if not compact:
            cells[1] = Text("-".rjust(widths[1]), style="dim")
        return cells
    cells = [Text(name)]
    if not compact:
        cells.append(Text(f"{m.known:,}/{m.files:,}".rjust(widths[1]),
                          style="" if m.known == m.files else "yellow"))
    cells.append(Text(clock(m.duration).rjust(widths[duration_at]) if m.duration else ""))
    usual = f"{m.usual[0]}x{m.usual[1]}" if m.usual else ""
    cells.append(Text(usual.rjust(widths[duration_at + 1])))
    cells.append(problems_cell(m, compact=compact))
    return cells


def problems_cell(m: CategoryMedia, *, compact: bool) -> Text:
    """``1 truncated · 2 odd size`` (most severe first); compact, with more than one kind:
    ``3 problems: truncated`` (the worst), which fits the 80-column table."""
    kinds = [(kind, n) for kind in KIND_WORDS if (n := m.kinds.get(kind))]
    if compact and len(kinds) > 1:
        worst = kinds[0][0]
        return Text(f"{counted(m.with_problems, 'problem')}: {KIND_WORDS[worst]}",
                    style=kind_style(worst))
    return Text(" · ").join(Text(f"{n:,} {KIND_WORDS[kind]}", style=kind_style(kind))
                            for kind, n in kinds)


def media_foot(overview: MediaOverview | None, has_local: bool) -> str:
    """What the table's facts cover: ``facts of all 3,343 local media files · 1 unreadable``."""
    if overview is None:
        return "media facts: looking…" if has_local else "media facts need a local library"
    if overview.unread:
        line = f"facts of {overview.known:,} of {overview.files:,} local media files"
    else:
        line = f"facts of all {overview.known:,} readable local media files" \
            if overview.unreadable else f"facts of all {overview.files:,} local media files"
    if overview.unreadable:
        line += f" · {len(overview.unreadable):,} unreadable"
    return line
