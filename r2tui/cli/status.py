"""``r2tui status``: the per-category table (or one JSON object); exit 0 only when complete.

The table is plain text (no Rich, so the command starts fast); ``watch`` and ``demo`` print it too.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from r2tui.costs import storage_line
from r2tui.errors import ExitCode
from r2tui.formatting import size, summary_line
from r2tui.settings import Settings

if TYPE_CHECKING:  # the command's work is imported when it runs: --help stays light
    from r2tui.compare import CategoryReport, Report, Tally

HELP = "per-category counts against the expected totals"
_COLUMNS = ("Category", "Prefix", "Expected", "Local", "Remote", "Missing", "Changed",
            "Extra", "Size")


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.library import Library

    library = Library(settings)
    try:
        report = library.report()
    finally:
        library.close()
    if args.json:
        data = report.to_json()
        data["storage_month_usd"] = round(settings.prices.storage_month(data["remote_bytes"]), 4)
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(render_status(report, settings))
    for issue in report.local_issues:
        print(f"r2tui: warning: {issue.path}: {issue.problem}", file=sys.stderr)
    return int(ExitCode.OK if report.complete else ExitCode.FAILED)


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
    return "\n".join([*lines, *fix_lines(report)])


def fix_lines(report: Report) -> list[str]:
    """What each command would fix: uploads for the library's side, downloads for the bucket's."""
    from r2tui.compare import State

    if not report.has_local:
        return []
    t = report.totals
    lines = []
    if t.missing or t.changed:
        lines.append(f"r2tui upload --auto sends {t.missing} missing and {t.changed} changed")
    absent = [(k, r.sizes.get(k, 0)) for r in report.categories
              for k, state in r.problems.items() if state is State.EXTRA]
    if absent:
        lines.append(f"r2tui download --auto brings {len(absent)} not in the local library "
                     f"({size(sum(n for _, n in absent))})")
    return [""] * bool(lines) + lines


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


def _category_row(r: CategoryReport, has_local: bool) -> list[str]:
    prefix = "(root)" if r.prefix == "" else (r.prefix or "")
    return _row(r.name, prefix, r.tally, has_local, r.category is None)
