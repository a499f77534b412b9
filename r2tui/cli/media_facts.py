"""``r2tui media KEY`` at work: the local twin's facts (cached by content), or the object's
from a HEAD (its ``sha256``, to answer from the cache) and ranged GETs; the rows or JSON.

Exit 1 when the file has a problem of its own (corrupt, truncated, not fast-start, extension
mismatch), as ``validate --media`` would say.
"""

from __future__ import annotations

import json

from r2tui.errors import ExitCode, UsageError
from r2tui.formatting import counted, media_rows, size
from r2tui.keys import check_key
from r2tui.library import Library
from r2tui.media import MediaFacts, media_kind
from r2tui.media_problems import problems_of
from r2tui.scan import LocalFile, key_for
from r2tui.settings import Settings
from r2tui.storage import storage_errors


def media_command(settings: Settings, key: str, *, as_json: bool) -> int:
    key = key.lstrip("/")
    check_key(key)
    if media_kind(key) is None:
        raise UsageError(f"{key!r} is not a video or image by its name "
                         "(.mp4 .m4v .mov .webm .mkv .png .jpg .jpeg .gif .webp)")
    library = Library(settings)
    try:
        file = _local_twin(settings, key)
        if file is not None:
            try:
                facts = library.media.local(file)
            except OSError as exc:
                raise UsageError(f"cannot read {file.path}: {exc.strerror or exc}") from None
            source = {"source": "local", "path": str(file.path), "size": file.size}
        else:
            settings.require_storage()
            details = library.require_object(key)
            with storage_errors(settings, key=key):
                facts = library.media.remote(library.client, settings.bucket, key,
                                             sha256=details.sha256)
            source = {"source": "bucket", "size": details.size,
                      "ranged_gets": library.media.gets,
                      "bytes_fetched": library.media.bytes_fetched}
    finally:
        library.close()
    problems = problems_of(key, facts)
    if as_json:
        print(json.dumps({"key": key, **source, **facts.to_json(),
                          "problems": [p.to_json() for p in problems]}, ensure_ascii=False))
    else:
        _print(key, source, facts, [f"{p.kind.value}: {p.detail}" for p in problems])
    return int(ExitCode.FAILED if problems else ExitCode.OK)


def _local_twin(settings: Settings, key: str) -> LocalFile | None:
    """The library's file for ``key``, if there is one (a regular file inside the library)."""
    root = settings.local_root
    if root is None:
        return None
    root = root.resolve()
    path = root / key
    try:
        resolved = path.resolve()
        if not path.is_file() or key_for(root, resolved) != key:
            return None  # none, or a symlink elsewhere: the bucket's object is what is asked
        st = path.stat()
    except (OSError, ValueError):
        return None
    return LocalFile(key, path, st.st_size, st.st_mtime_ns)


def _print(key: str, source: dict, facts: MediaFacts, problems: list[str]) -> None:
    if source["source"] == "local":
        where = f"local file {source['path']}"
    else:
        gets = source["ranged_gets"]
        fetched = size(source["bytes_fetched"])
        where = (f"bucket object, {counted(gets, 'ranged GET')} ({fetched})" if gets
                 else "bucket object, facts cached for its content")
    rows = [("key", key), ("source", where), ("size", size(source["size"])),
            *media_rows(facts), ("problems", "; ".join(problems) or "none")]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
