"""``r2tui env``: the web app's deployment settings for this bucket (.env, render.yaml, Django)."""

from __future__ import annotations

import argparse
import sys

from r2tui.errors import ExitCode
from r2tui.settings import Settings

HELP = "print the web app's deployment settings for this bucket"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("dotenv", "render", "django"), default="dotenv",
                        help="dotenv (default), render (render.yaml envVars) or django (STORAGES)")
    parser.add_argument("--show-secrets", action="store_true",
                        help="print the secret access key instead of ********")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.deploy import render

    if args.show_secrets and sys.stdout.isatty():
        print("r2tui: warning: printing the secret access key", file=sys.stderr)
    print(render(settings, args.format, show_secrets=args.show_secrets), end="")
    return int(ExitCode.OK)
