"""The ``r2tui`` command line: the headless commands, and the TUI when no command is given.

stdout carries data only (tables, JSON, URLs); diagnostics go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from r2tui import __version__
from r2tui.errors import ExitCode, R2TuiError, UsageError
from r2tui.settings import Settings, load_settings, parse_expires

Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="r2tui",
        description="Manage the AI Fitness Coach media library in Cloudflare R2.",
        epilog="Exit codes: 0 done/complete, 1 incomplete or failed item, "
        "2 usage or configuration error, 3 storage unreachable/denied/bucket missing.",
    )
    parser.add_argument("--version", action="version", version=f"r2tui {__version__}")
    _add_settings_options(parser)
    parser.set_defaults(handler=_tui)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Command, help_: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_, description=help_)
        _add_settings_options(cmd)
        cmd.set_defaults(handler=handler)
        return cmd

    status = command("status", _status, "per-category counts against the expected totals")
    status.add_argument("--json", action="store_true", help="print one JSON object")

    url = command("url", _url, "print a signed (default) or public URL for a key")
    url.add_argument("key", help="the object's key, e.g. videos/intros/anna.mp4")
    url.add_argument("--public", action="store_true", help="the public URL (cards and avatars)")
    url.add_argument("--expires", metavar="DURATION", help="e.g. 900, 15m, 1h, 7d (default 1h)")

    _add_transfer_commands(command)

    env = command("env", _env, "print the web app's deployment settings for this bucket")
    env.add_argument("--format", choices=("dotenv", "render", "django"), default="dotenv",
                     help="dotenv (default), render (render.yaml envVars) or django (STORAGES)")
    env.add_argument("--show-secrets", action="store_true",
                     help="print the secret access key instead of ********")

    watch = command("watch", _watch, "a live view of completeness and any running upload")
    watch.add_argument("--interval", type=float, default=10.0, metavar="SECONDS",
                       help="list the bucket again every SECONDS (default 10; each listing "
                       "costs Class A operations)")

    serve = command("serve", _serve, "the app in a web browser (textual-serve)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; anything else is exposed)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000)")

    demo = sub.add_parser("demo", help="run the app on an embedded local S3 server")
    demo.add_argument("--no-tui", action="store_true", help="print the status instead of the TUI")
    demo.set_defaults(handler=_demo)
    return parser


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    """Settings flags, accepted before or after the command (SUPPRESS keeps either from
    overwriting the other with a default)."""
    group = parser.add_argument_group("settings (override environment, .env and r2tui.toml)")
    options = [
        ("--env-file", "PATH", "read settings from this .env file (default ./.env)"),
        ("--config", "PATH", "library config file (default <local>/r2tui.toml)"),
        ("--local", "PATH", "the local library folder (R2_LOCAL_ROOT)"),
        ("--bucket", "NAME", "bucket name (R2_BUCKET)"),
        ("--endpoint", "URL", "S3 API endpoint (R2_ENDPOINT)"),
        ("--account-id", "ID", "Cloudflare account id (R2_ACCOUNT_ID)"),
        ("--public-url", "URL", "public base URL (R2_PUBLIC_URL)"),
    ]
    for flag, metavar, help_ in options:
        group.add_argument(flag, metavar=metavar, help=help_, default=argparse.SUPPRESS)


def _settings(args: argparse.Namespace) -> Settings:
    given = vars(args)
    flags = {
        "local_root": given.get("local"),
        "bucket": given.get("bucket"),
        "endpoint": given.get("endpoint"),
        "account_id": given.get("account_id"),
        "public_url": given.get("public_url"),
    }
    return load_settings(flags, env_file=given.get("env_file"), config_path=given.get("config"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.handler is _demo:
            return args.handler(args, None)
        return args.handler(args, _settings(args))
    except R2TuiError as exc:
        print(f"r2tui: error: {exc.message}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("r2tui: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)


def _status(args: argparse.Namespace, settings: Settings) -> int:
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


def _url(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.library import Library

    library = Library(settings)
    key = args.key
    if args.public:
        if args.expires:
            print("r2tui: warning: --expires does not apply to public URLs", file=sys.stderr)
        print(library.public_url(key))
        return int(ExitCode.OK)
    expires = parse_expires(args.expires) if args.expires else settings.expires
    print(library.signed_url(key, expires))
    return int(ExitCode.OK)


def _env(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.deploy import render

    if args.show_secrets and sys.stdout.isatty():
        print("r2tui: warning: printing the secret access key", file=sys.stderr)
    print(render(settings, args.format, show_secrets=args.show_secrets), end="")
    return int(ExitCode.OK)


def _watch(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.library import Library
    from r2tui.watch import run_watch

    if args.interval < 1:
        raise UsageError("--interval must be at least 1 second")
    settings.require_storage()
    if settings.local_root is not None:
        settings.require_local_root()
    return run_watch(Library(settings), args.interval)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.serve import serve

    serve(_settings_args(args), host=args.host, port=args.port)
    return int(ExitCode.OK)


def _settings_args(args: argparse.Namespace) -> list[str]:
    """The settings flags given on this command line, to pass on to a child ``r2tui``."""
    given = vars(args)
    flags = ("env_file", "config", "local", "bucket", "endpoint", "account_id", "public_url")
    return [
        arg
        for name in flags
        if given.get(name) is not None
        for arg in (f"--{name.replace('_', '-')}", str(given[name]))
    ]


def _tui(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.tui.app import build_app

    return build_app(settings).run() or int(ExitCode.OK)


def _demo(args: argparse.Namespace, _: Any) -> int:
    from r2tui.demo import run_demo

    return run_demo(tui=not args.no_tui)


def _add_transfer_commands(command: Callable[[str, Command, str], argparse.ArgumentParser]) -> None:
    upload = command("upload", _upload, "upload what is missing or changed (resumable)")
    upload.add_argument("targets", nargs="*", metavar="PREFIX|PATH",
                        help="bucket prefixes or local files/folders to narrow the upload to; "
                        "with --to, the files/folders (from anywhere) to import")
    upload.add_argument("--auto", action="store_true", help="everything missing or changed")
    upload.add_argument("--dry-run", action="store_true", help="print the plan, send nothing")
    upload.add_argument("--workers", type=int, metavar="N", help="parallel requests (default 10)")
    upload.add_argument("--json", action="store_true", help="one JSON object per event")
    upload.add_argument("--adopt", action="store_true",
                        help="add sha256 metadata in place to stored objects lacking it")
    upload.add_argument("--to", metavar="PREFIX",
                        help="import PATHs under this category prefix: key = PREFIX + the path "
                        "relative to the folder given (or the file's name)")
    upload.add_argument("--overwrite", action="store_true",
                        help="with --to: replace a different object already at a key "
                        "(default: a conflict, that item fails)")
    validate = command("validate", _validate, "check local files against the bucket")
    validate.add_argument("--deep", action="store_true", help="read every object back and hash it")
    validate.add_argument("--json", action="store_true", help="print one JSON object")


def _upload(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.transfers.commands import upload_command

    return upload_command(
        settings, args.targets, auto=args.auto, dry_run=args.dry_run, workers=args.workers,
        as_json=args.json, adopt_metadata=args.adopt, to=args.to, overwrite=args.overwrite,
    )


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.transfers.commands import validate_command

    return validate_command(settings, deep=args.deep, as_json=args.json)
