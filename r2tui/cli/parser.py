"""The argument parser: the commands registered in ``COMMANDS``, and the settings flags.

A command is a module of this package named in ``COMMANDS``. It provides ``HELP`` (one line),
``arguments(parser)`` and ``run(args, settings) -> int`` (an exit code), and may set
``USES_SETTINGS = False`` to be run without settings (``run(args, None)``). Its top-level
imports stay light, so that ``r2tui --help`` loads neither boto3 nor Textual: the work is
imported inside ``run``.
"""

from __future__ import annotations

import argparse
from importlib import import_module

from r2tui import __version__
from r2tui.cli import app
from r2tui.settings import Settings, load_settings

COMMANDS = (  # one line per command, in the order --help lists them
    "status",
    "url",
    "upload",
    "download",
    "mv",
    "rm",
    "trash",
    "validate",
    "media",
    "env",
    "watch",
    "serve",
    "demo",
)

_SETTINGS_FLAGS = (
    ("--env-file", "PATH", "read settings from this .env file (default ./.env)"),
    ("--config", "PATH", "library config file (default <local>/r2tui.toml)"),
    ("--local", "PATH", "the local library folder (R2_LOCAL_ROOT)"),
    ("--bucket", "NAME", "bucket name (R2_BUCKET)"),
    ("--endpoint", "URL", "S3 API endpoint (R2_ENDPOINT)"),
    ("--account-id", "ID", "Cloudflare account id (R2_ACCOUNT_ID)"),
    ("--public-url", "URL", "public base URL (R2_PUBLIC_URL)"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="r2tui",
        description="Manage the AI Fitness Coach media library in Cloudflare R2.",
        epilog="Exit codes: 0 done/complete, 1 incomplete or failed item, "
        "2 usage or configuration error, 3 storage unreachable/denied/bucket missing.",
    )
    parser.add_argument("--version", action="version", version=f"r2tui {__version__}")
    _add_settings_options(parser)
    parser.set_defaults(run=app.run, uses_settings=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        command = import_module(f"r2tui.cli.{name}")
        uses_settings = getattr(command, "USES_SETTINGS", True)
        cmd = sub.add_parser(name, help=command.HELP, description=command.HELP)
        if uses_settings:
            _add_settings_options(cmd)
        cmd.set_defaults(run=command.run, uses_settings=uses_settings)
        command.arguments(cmd)
    return parser


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    """Settings flags, accepted before or after the command (SUPPRESS keeps either from
    overwriting the other with a default)."""
    group = parser.add_argument_group("settings (override environment, .env and r2tui.toml)")
    for flag, metavar, help_ in _SETTINGS_FLAGS:
        group.add_argument(flag, metavar=metavar, help=help_, default=argparse.SUPPRESS)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings: these flags over the environment, the .env file and r2tui.toml."""
    given = vars(args)
    flags = {
        "local_root": given.get("local"),
        "bucket": given.get("bucket"),
        "endpoint": given.get("endpoint"),
        "account_id": given.get("account_id"),
        "public_url": given.get("public_url"),
    }
    return load_settings(flags, env_file=given.get("env_file"), config_path=given.get("config"))


def settings_flags(args: argparse.Namespace) -> list[str]:
    """The settings flags given on this command line, to pass on to a child ``r2tui``."""
    given = vars(args)
    names = [flag[2:].replace("-", "_") for flag, _, _ in _SETTINGS_FLAGS]
    return [
        arg
        for name in names
        if given.get(name) is not None
        for arg in (f"--{name.replace('_', '-')}", str(given[name]))
    ]
