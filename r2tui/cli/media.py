"""``r2tui media KEY``: the facts of one video or image, from its local file when the library
has it, else from ranged reads of the bucket object's header."""

from __future__ import annotations

import argparse

from r2tui.settings import Settings

HELP = "what a video or image is (duration, size, codec, fast-start) and whether it plays"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("key", help="the object's key, e.g. videos/intros/anna.mp4")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.cli.media_facts import media_command

    return media_command(settings, args.key, as_json=args.json)
