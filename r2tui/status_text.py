"""The plain-text status table of ``r2tui status`` (no Rich, so the command starts fast)."""

from __future__ import annotations

import humanize

from r2tui.compare import CategoryReport, Report, Tally
from r2tui.costs import storage_line
from r2tui.settings import Settings

_COLUMNS = ("Category", "Prefix", "Expected", "Local", "Remote", "Missing", "Changed",
            "Extra", "Size")


def size(n: int) -> str:
    return humanize.naturalsize(n, format="%.2f") if n else "0 B"


def summary_line(report: Report) -> str:
    """``99.97 % (3345/3346) · 1 missing · 2 changed · 1 extra``."""
    t = report.totals
    parts = [f"{report.percent:.2f} % ({report.present}/{t.expected})"]
    if report.has_local:
        parts += [f"{t.missing} missing", f"{t.changed} changed"]
    parts.append(f"{t.extra} extra")
    if t.unverified:
        parts.append(f"{t.unverified} unverified")
    parts.append(f"{size(t.remote_bytes)} in the bucket")
    return " · ".join(parts)


def _row(name: str, prefix: str, t: Tally, has_local: bool, uncategorised: bool) -> list[str]:
    def local(n: int) -> str:
        return str(n) if has_local else "-"

    return [
        name,
        prefix,
        "-" if uncategorised else str(t.expected),
        local(t.local),
        str(t.remote),
        local(t.missing),
        local(t.changed),
        str(t.extra) if has_local or uncategorised else "-",
        size(t.remote_bytes),
    ]


def render_status(report: Report, settings: Settings) -> str:
    where = settings.endpoint_url or "?"
    local = f" · local {settings.local_root}" if settings.local_root else " · no local library"
    rows = [list(_COLUMNS)]
    for r in report.categories:
        rows.append(_category_row(r, report.has_local))
    if report.uncategorised.tally.remote:
        rows.append(_category_row(report.uncategorised, report.has_local))
    rows.append(_row("Total", "", report.totals, report.has_local, False))
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [f"Bucket {report.bucket} at {where}{local}", ""]
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i < 2 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        if index == len(rows) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join(cells).rstrip())
    lines += ["", summary_line(report), storage_line(settings.prices, report.totals.remote_bytes)]
    return "\n".join(lines)


def _category_row(r: CategoryReport, has_local: bool) -> list[str]:
    prefix = "(root)" if r.prefix == "" else (r.prefix or "")
    return _row(r.name, prefix, r.tally, has_local, r.category is None)
