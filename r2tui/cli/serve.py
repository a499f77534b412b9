"""``r2tui serve``: the same app in a web browser (textual-serve), on loopback by default.

Each browser session runs ``r2tui`` as a subprocess with this process's environment, so the
settings (and the credentials) never pass through the page.

Whoever drives a session acts with the bucket's credentials, so a request is served only when
(see :class:`~r2tui.cli.serve_gate.Gate`):

- its ``Host`` is the served address: a DNS-rebinding page sends its own domain name there;
- its ``Origin``, if any, is the served origin: a browser sends the origin of the page that
  opened a WebSocket, so another site's page is refused;
- it carries this launch's random token, from the printed URL or from the cookie the first
  tokened answer sets (which lets the page's own WebSocket and assets in), as Jupyter does.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from r2tui.cli.parser import settings_flags
from r2tui.errors import ConfigError, ExitCode
from r2tui.settings import Settings

HELP = "the app in a web browser (textual-serve)"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; anything else is exposed)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    serve(settings_flags(args), host=args.host, port=args.port)
    return int(ExitCode.OK)


def app_command(settings_args: Sequence[str]) -> str:
    """The command line textual-serve runs for each browser session."""
    return shlex.join([sys.executable, "-m", "r2tui", *settings_args])


def exposure_warning(host: str) -> str | None:
    if host in LOOPBACK:
        return None
    return (
        f"serving on {host} over plain HTTP: whoever sees the URL (its token crosses the network "
        "in clear) acts with the bucket's credentials; prefer an SSH tunnel to a loopback serve"
    )


def serve(settings_args: Sequence[str], host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app until interrupted. Needs the ``serve`` extra (textual-serve)."""
    from r2tui.cli.serve_gate import Gate, is_wildcard  # secrets, ipaddress: not for other commands

    if is_wildcard(host):
        shown = host or "''"
        raise ConfigError(
            f"--host {shown}: give the address browsers will use (e.g. this machine's "
            "LAN address): requests are checked against it"
        )
    try:
        from r2tui.cli.serve_web import GatedServer
    except ImportError:
        raise ConfigError("r2tui serve needs textual-serve: pip install 'r2tui[serve]'") from None
    warning = exposure_warning(host)
    if warning:
        print(f"r2tui: warning: {warning}", file=sys.stderr)
    gate = Gate(host, port)
    try:
        GatedServer(app_command(settings_args), gate).serve()
    except OSError as error:  # e.g. the port is taken
        raise ConfigError(f"cannot serve on {gate.authority}: {error.strerror or error}") from None
