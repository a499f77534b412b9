"""``r2tui url KEY``: a signed (default) or public URL for an object, and nothing else on stdout."""

from __future__ import annotations

import argparse
import sys

from r2tui.errors import ExitCode
from r2tui.settings import Settings, parse_expires

HELP = "print a signed (default) or public URL for a key"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", help="the object's key, e.g. videos/intros/anna.mp4")
    parser.add_argument("--public", action="store_true", help="the public URL (cards and avatars)")
    parser.add_argument("--expires", metavar="DURATION",
                        help="e.g. 900, 15m, 1h, 7d (default 1h)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.library import Library

    library = Library(settings)
    if args.public:
        if args.expires:
            print("r2tui: warning: --expires does not apply to public URLs", file=sys.stderr)
        print(library.public_url(args.key))
        return int(ExitCode.OK)
    expires = parse_expires(args.expires) if args.expires else settings.expires
    print(library.signed_url(args.key, expires))
    return int(ExitCode.OK)
