"""``r2tui validate --media`` at work: read the media, print the problems by key, exit code.

Imported only when the command runs (it loads boto3, and PyAV once a video is read).
"""

from __future__ import annotations

import json

from r2tui.errors import ExitCode
from r2tui.formatting import counted, size
from r2tui.library import Library
from r2tui.settings import Settings
from r2tui.storage import storage_errors
from r2tui.transfers.resources import Resources
from r2tui.transfers.validate_media import MediaValidation, validate_media


def validate_media_command(
    settings: Settings, *, deep: bool, remote: bool, as_json: bool
) -> int:
    if remote:
        settings.require_storage()
    library = Library(settings)
    try:
        local = library.scan_local()
        assert local is not None
        objects = []
        client = None
        if remote:
            client = library.client
            with storage_errors(settings):
                objects = list(library.iter_objects())
        result = validate_media(Resources.of(library), library.media, local, deep=deep,
                                remote=objects, client=client)
    finally:
        library.close()
    if as_json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _print(result, deep=deep, remote=remote)
    return int(ExitCode.OK if result.ok else ExitCode.FAILED)


def _print(result: MediaValidation, *, deep: bool, remote: bool) -> None:
    width = max((len(p.kind.value) for p in result.problems), default=0)
    for problem in result.problems:
        print(f"{problem.kind.value:<{width}}  {problem.key}: {problem.detail}")
    for where, why in sorted(result.unreadable.items()):
        print(f"unreadable  {where}: {why}")
    how = "every frame decoded" if deep else "first frames decoded"
    line = f"validate --media: {result.checked:,} local videos and images checked ({how})"
    if remote:
        line += (f", {result.remote_checked:,} in the bucket only by header reads "
                 f"({counted(result.ranged_gets, 'ranged GET')}, {size(result.bytes_fetched)})")
    problems = len(result.problems) + len(result.unreadable)
    print(f"{line}: {counted(problems, 'problem') if problems else 'ok'}")
