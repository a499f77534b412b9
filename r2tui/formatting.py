"""Figures for people, written one way in the CLI, the TUI and ``r2tui watch``.

Sizes are decimal (``43.89 GB``), as R2 bills them and as the README writes them; durations
are ``45s``, ``3m07s``, ``2h05m``. No Rich and no Textual here: plain strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import humanize

if TYPE_CHECKING:
    from r2tui.compare import Report

NO_ESTIMATE = "–"


def size(n: int | float) -> str:
    """``0 B``, ``512 Bytes``, ``1.50 MB``, ``43.89 GB`` (powers of 1,000)."""
    return humanize.naturalsize(n, format="%.2f") if n else "0 B"


def rate(bytes_per_second: float) -> str:
    """``2.00 MB/s``."""
    return f"{size(int(bytes_per_second))}/s"


def duration(seconds: float | None) -> str:
    """``45s``, ``3m07s``, ``2h05m`` (whole seconds, rounded down); ``–`` when unknown."""
    if seconds is None:
        return NO_ESTIMATE
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def eta(seconds: float | None) -> str:
    """``ETA 3m07s``; ``ETA –`` until there is a rate to estimate from."""
    return f"ETA {duration(seconds)}"


def summary_line(report: Report) -> str:
    """``99.97 % (3345/3346) · 1 missing · 2 changed · 1 extra · 43.89 GB in the bucket``."""
    t = report.totals
    parts = [f"{report.percent:.2f} % ({report.present}/{t.expected})"]
    if report.has_local:
        parts += [f"{t.missing} missing", f"{t.changed} changed"]
    parts.append(f"{t.extra} extra")
    if t.unverified:
        parts.append(f"{t.unverified} unverified")
    parts.append(f"{size(t.remote_bytes)} in the bucket")
    return " · ".join(parts)
