"""The label of a tree's file or folder: selection mark, name, size, state against the bucket and
category counts, all read from the view (pure functions: no widget state but what is passed)."""

from __future__ import annotations

from rich.text import Text

from r2tui.compare import State
from r2tui.formatting import size as human_size
from r2tui.tui.format import badge, counts_badge, literal, media_mark, state_mark
from r2tui.tui.view import ViewState
from r2tui.tui.widgets.tree_entries import Entry, Kind


def entry_label(entry: Entry, view: ViewState, root_name: str, *, whole_paths: bool,
                local: bool = False) -> Text:
    """``whole_paths``: name folders by their whole key, as a search shows them; ``local``:
    the entry is the local tree's (a local file's media facts are its own)."""
    if entry.kind is Kind.DIR:
        return dir_label(entry, view, root_name, whole_paths=whole_paths)
    return file_label(entry, view, local=local)


def file_label(entry: Entry, view: ViewState, *, local: bool = False) -> Text:
    """Selection (or media problem) mark, name, media problem, size and state; the bucket
    tree leaves out the local file's media problem where the object holds other bytes."""
    state = view.state_of(entry.key)
    problems = view.media_problems(entry.key) if local or state is not State.CHANGED else ()
    if entry.key in view.selected:
        text = Text("● ", style="bold cyan")
    else:  # the mark column keeps the sign when a narrow pane crops the words
        text = media_mark(problems, sign_only=True) if problems else Text("  ")
    text.append_text(literal(entry.name, style="" if entry.in_bucket else "dim"))
    if problems:  # before the size: a narrow pane crops the end first
        text.append("  ").append_text(media_mark(problems))
    if entry.size is not None:
        text.append(f"  {human_size(entry.size)}", style="dim")
    if state is not None:
        text.append("  ").append_text(state_mark(state))
    elif view.layout.category_of(entry.key) is None:
        text.append("  uncategorised", style="magenta")
    return text


def dir_label(entry: Entry, view: ViewState, root_name: str, *, whole_paths: bool) -> Text:
    name = entry.key if whole_paths else f"{entry.name}/"
    text = literal(name if entry.key else root_name, style="bold" if entry.in_bucket else "dim")
    category = view.layout.category_of_prefix(entry.key)
    report = view.category_report(category) if category is not None else None
    if report is not None and view.report is not None:
        if entry.key == "":
            text.append_text(literal(f"  {category.name}: " if category else "  ", "dim"))
        else:
            text.append("  ")
        text.append_text(badge(report, view.report.has_local))
    elif entry.key and (rolled := rollup(view, entry.key)) is not None:
        text.append("  ").append_text(rolled)
    elif entry.key and view.is_uncategorised_dir(entry.key):
        text.append("  uncategorised", style="magenta")
    return text


def rollup(view: ViewState, prefix: str) -> Text | None:
    """The summed counts of the categories under a parent folder (``videos/``), if any."""
    below = view.categories_below(prefix)
    if view.report is None or not below:
        return None
    tallies = [view.report.report_for(c).tally for c in below]
    return counts_badge(sum(t.present for t in tallies), tallies, view.report.has_local)
