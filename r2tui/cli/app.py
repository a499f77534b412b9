"""``r2tui`` without a command: the Textual app."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from r2tui.errors import ExitCode
from r2tui.settings import Settings

if TYPE_CHECKING:
    from r2tui.tui.app import R2TuiApp


def run(args: argparse.Namespace, settings: Settings) -> int:
    return make_app(settings).run() or int(ExitCode.OK)


def make_app(settings: Settings) -> R2TuiApp:
    """The app, its first report begun before Textual is imported: the bucket is listed
    while the imports run and the screen is built (the demo and the benchmark use it too)."""
    from r2tui.library import Library  # botocore: not for --help

    library = Library(settings)
    library.begin_report()
    from r2tui.tui.app import R2TuiApp

    return R2TuiApp(library)
