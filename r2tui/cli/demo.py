"""``r2tui demo``: the app (or the status table) on an embedded S3 server with a sample library.

Nothing leaves the machine, and the temporary library and the server are removed on exit,
on Ctrl-C, on a closed terminal (SIGHUP) and on kill (SIGTERM).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from r2tui.errors import ExitCode
from r2tui.settings import Settings

HELP = "run the app on an embedded local S3 server"
USES_SETTINGS = False  # the demo makes its own


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-tui", action="store_true",
                        help="print the status instead of the TUI")


def run(args: argparse.Namespace, settings: Settings | None) -> int:
    return run_demo(tui=not args.no_tui)


def run_demo(tui: bool = True) -> int:
    """Start the server, seed it, run the app (or print the status), clean up."""
    from r2tui.demo import demo_settings, embedded_server, seed

    workdir = Path(tempfile.mkdtemp(prefix="r2tui-demo-"))
    for signum in (signal.SIGTERM, signal.SIGHUP):  # a closed terminal or kill: clean up too
        signal.signal(signum, _interrupt)
    try:
        with embedded_server() as endpoint:
            settings = demo_settings(endpoint, workdir / "library")
            print(f"r2tui demo: S3 server at {endpoint}, library in {workdir}", file=sys.stderr)
            print("r2tui demo: generating and uploading the sample library…", file=sys.stderr)
            seed(settings, in_process=True)
            return _show(settings, tui)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _show(settings: Settings, tui: bool) -> int:
    from r2tui.cli.status import render_status
    from r2tui.library import Library

    if tui:
        from r2tui.cli.app import make_app

        return make_app(settings).run() or int(ExitCode.OK)
    library = Library(settings)
    try:
        report = library.report()
        print(render_status(report, settings))
        return int(ExitCode.OK)
    finally:
        library.close()
