"""Rich text for counts, states and bars, shared by the trees, the dashboard and the panels."""

from __future__ import annotations

from rich.text import Text

from r2tui.compare import CategoryReport, State, Tally
from r2tui.keys import printable
from r2tui.media_problems import REFUSED, MediaProblem, ProblemKind

STATE_MARKS: dict[State, tuple[str, str]] = {
    State.MISSING: ("✗ missing", "bold red"),
    State.CHANGED: ("≠ changed", "bold yellow"),
    State.EXTRA: ("+ extra", "magenta"),
    State.UNVERIFIED: ("? unverified", "dim"),
}


def literal(text: str, style: str = "") -> Text:
    """A string from outside (a key, a file or folder name, an error) exactly as it is.

    Never read as markup: ``quote [draft].png`` stays ``quote [draft].png`` and ``[/bold]``
    cannot break a pane. Control characters are shown escaped, never sent to the terminal.
    """
    return Text(printable(text), style=style, end="")


def badge(report: CategoryReport, has_local: bool) -> Text:
    """``441/441 ✓``, ``440/441 · 1 missing``, ``3 extra``: a category's counts at a glance."""
    t = report.tally
    if report.category is None:
        return Text(f"{t.remote:,} uncategorised", style="magenta")
    return counts_badge(t.present, [t], has_local)


def counts_badge(present: int, tallies: list[Tally], has_local: bool) -> Text:
    """``1,330/1,333 · 3 missing``: the counts of one category or the sum of several (present
    is summed per category: a category over its count does not make up for another under)."""
    expected = sum(t.expected for t in tallies)
    problems = [(sum(t.extra for t in tallies), "extra", "magenta")]
    if has_local:
        problems[:0] = [(sum(t.missing for t in tallies), "missing", "red"),
                        (sum(t.changed for t in tallies), "changed", "yellow")]
    counts = f"{present:,}/{expected:,}"
    if present == expected and not any(n for n, _, _ in problems):
        return Text(f"{counts} ✓", style="green")
    text = Text(counts, style="bold" if present < expected else "")
    for n, word, style in problems:
        if n:
            text.append(" · ")
            text.append(f"{n:,} {word}", style=style)
    return text


KIND_WORDS = {ProblemKind.CORRUPT: "corrupt", ProblemKind.TRUNCATED: "truncated",
              ProblemKind.NOT_FASTSTART: "not fast-start",
              ProblemKind.EXTENSION_MISMATCH: "wrong extension",
              ProblemKind.RESOLUTION_OUTLIER: "odd size"}  # most severe first


def kind_style(kind: ProblemKind) -> str:
    """Red for what will never play or show (upload refuses it), yellow for the rest."""
    return "bold red" if kind in REFUSED else "yellow"


def media_mark(problems: tuple[MediaProblem, ...], *, sign_only: bool = False) -> Text:
    """``⚠ truncated`` after a file's name: its most severe media problem (``sign_only``:
    ``⚠ ``, for the mark column before the name)."""
    if not problems:
        return Text("")
    kind = min((p.kind for p in problems), key=list(KIND_WORDS).index)
    return Text("⚠ " if sign_only else f"⚠ {KIND_WORDS[kind]}", style=kind_style(kind))


def state_mark(state: State | None) -> Text:
    if state is None:
        return Text("")
    label, style = STATE_MARKS[state]
    return Text(label, style=style)


def bar(done: int, total: int, width: int = 10, *, clean: bool = True) -> Text:
    """A text progress bar with its percentage, rounded down (99.97 % never shows 100)."""
    ratio = 1.0 if total <= 0 else min(done / total, 1.0)
    filled = int(ratio * width)
    style = "green" if ratio >= 1 and clean else "yellow"
    text = Text("█" * filled, style=style)
    text.append("░" * (width - filled), style="dim")
    text.append(f" {int(ratio * 100):3d}%")
    return text

