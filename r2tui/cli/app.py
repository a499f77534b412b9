"""``r2tui`` without a command: the Textual app."""

from __future__ import annotations

import argparse

from r2tui.errors import ExitCode
from r2tui.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.tui.app import build_app

    return build_app(settings).run() or int(ExitCode.OK)
