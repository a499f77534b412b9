"""``r2tui validate``: sizes and SHA-256 of the local files against the bucket, or with
``--media`` the videos and images themselves; exit 1 on any mismatch or problem."""

from __future__ import annotations

import argparse
import json

from r2tui.errors import ExitCode, UsageError
from r2tui.settings import Settings

HELP = "check local files against the bucket, or (--media) whether media will play"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deep", action="store_true",
                        help="read every object back and hash it; with --media, decode every "
                        "frame of the local videos")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--media", action="store_true",
                        help="read every local video and image: corrupt, truncated, "
                        "not fast-start, extension mismatch, resolution outlier")
    parser.add_argument("--remote", action="store_true",
                        help="with --media, also the bucket's media with no local file, by "
                        "ranged reads of their header")


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.remote and not args.media:
        raise UsageError("--remote applies to --media: validate --media --remote")
    settings.require_local_root()
    if args.media:
        from r2tui.cli.validating_media import validate_media_command

        return validate_media_command(settings, deep=args.deep, remote=args.remote,
                                      as_json=args.json)
    from r2tui.library import Library
    from r2tui.transfers.resources import Resources
    from r2tui.transfers.validate import validate

    settings.require_storage()
    library = Library(settings)
    try:
        local = library.scan_local()
        assert local is not None
        report = library.report(local)
        res = Resources.of(library, library.client)
        result = validate(res, report, local, deep=args.deep)
    finally:
        library.close()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        for label, keys in (("missing", result.missing), ("changed", result.changed),
                            ("unverified", result.unverified)):
            for key in keys:
                print(f"{label:<10} {key}")
        for key, problem in result.mismatched.items():
            print(f"mismatch   {key}: {problem}")
        for path, problem in result.unreadable.items():
            print(f"unreadable {path}: {problem}")
        verdict = "ok" if result.ok else "problems found"
        extra = f", {result.deep_read} read back" if args.deep else ""
        print(f"validate: {result.checked} local files checked{extra}: {verdict}")
    return int(ExitCode.OK if result.ok else ExitCode.FAILED)
