"""``r2tui status``: the per-category table (or one JSON object); exit 0 only when complete."""

from __future__ import annotations

import argparse
import json
import sys

from r2tui.errors import ExitCode
from r2tui.settings import Settings

HELP = "per-category counts against the expected totals"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.library import Library
    from r2tui.status_text import render_status

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
