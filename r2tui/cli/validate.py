"""``r2tui validate``: sizes and SHA-256 of the local files against the bucket; exit 1 on any
mismatch."""

from __future__ import annotations

import argparse
import json

from r2tui.errors import ExitCode
from r2tui.settings import Settings

HELP = "check local files against the bucket"


def arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deep", action="store_true", help="read every object back and hash it")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from r2tui.library import Library
    from r2tui.transfers.resources import Resources
    from r2tui.transfers.validate import validate

    settings.require_local_root()
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
