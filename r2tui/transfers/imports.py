"""``upload --to PREFIX PATH ...``: files from anywhere placed under a category's prefix.

The replacement of the old ``migrate_to_r2`` script. Each file's key is PREFIX + its path
relative to the folder given (or its name, for a file given on its own), NFC, with the scan's skip
rules. Planning, dedup, verification and events are the main upload's; the one difference is that
an object already at a key with other (or unprovable) content is a conflict, not overwritten,
unless ``overwrite`` is asked for.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from r2tui.compare import Report, State
from r2tui.errors import UsageError
from r2tui.keys import key_problem
from r2tui.layout import Layout, normalise_prefix
from r2tui.media_cache import MediaCache
from r2tui.scan import LocalFile, LocalLibrary, ScanIssue, is_skipped, scan
from r2tui.transfers.plan import UploadPlan, build_plan, etags_of, states_of
from r2tui.transfers.resources import Resources

_CONFLICTS = {
    State.CHANGED: "conflict: another object is stored at this key",
    State.UNVERIFIED: (
        "conflict: an object of the same size is stored at this key and its content cannot be "
        "proven the same"
    ),
}
_OVERWRITE_HINT = "; --overwrite replaces it"


def target_prefix(layout: Layout, prefix: str) -> str:
    """PREFIX normalised (NFC, ending in ``/``); a UsageError unless a category holds it."""
    normal = unicodedata.normalize("NFC", normalise_prefix(prefix))
    problem = key_problem(normal, prefix=True)
    if problem is not None:
        raise UsageError(f"--to {prefix!r} refused: {problem}")
    if layout.category_of(normal) is None:
        known = ", ".join(f"{c.prefix or '(bucket root)'} ({c.name})" for c in layout)
        raise UsageError(
            f"--to {prefix!r} is not a category's prefix or below one; categories: {known}"
        )
    return normal


def source_paths(paths: list[str]) -> list[Path]:
    """The PATHs to import; a UsageError for none, or for one that does not exist."""
    if not paths:
        raise UsageError("--to PREFIX needs the files or folders to import: --to PREFIX PATH ...")
    found = [Path(p).expanduser() for p in paths]
    for raw, path in zip(paths, found, strict=True):
        if not path.exists():
            raise UsageError(f"{raw}: no such file or folder")
    return found


def collect(layout: Layout, prefix: str, sources: list[Path]) -> LocalLibrary:
    """The files to import, by target key; what cannot be placed goes to ``issues``."""
    resolved = [p.resolve() for p in sources]
    common = Path(os.path.commonpath(resolved))
    imported = LocalLibrary(common if common.is_dir() else common.parent)
    for source in resolved:
        if source.is_dir():
            found = scan(source)
            imported.issues.extend(found.issues)
            for rel, file in found.files.items():
                _add(imported, layout, prefix + rel, file)
        else:
            _add_file(imported, layout, prefix, source)
    return imported


def _add_file(imported: LocalLibrary, layout: Layout, prefix: str, path: Path) -> None:
    name = unicodedata.normalize("NFC", path.name)
    if is_skipped(name, at_root=False):
        imported.issues.append(ScanIssue(str(path), "hidden or system file; not imported"))
        return
    if not path.is_file():
        imported.issues.append(ScanIssue(str(path), "not a regular file; not imported"))
        return
    st = path.stat()
    _add(imported, layout, prefix + name, LocalFile("", path, st.st_size, st.st_mtime_ns))


def _add(imported: LocalLibrary, layout: Layout, key: str, file: LocalFile) -> None:
    problem = key_problem(key)
    if problem is not None:
        problem = f"key {key!r} refused: {problem}"
    elif layout.category_of(key) is None:
        problem = f"key {key!r} would be outside every category"
    elif key in imported.files:
        problem = f"same key {key!r} as {imported.files[key].path}"
    if problem is not None:
        imported.issues.append(ScanIssue(str(file.path), f"{problem}; not imported"))
        return
    imported.files[key] = LocalFile(key, file.path, file.size, file.mtime_ns)


def plan_import(
    res: Resources, imported: LocalLibrary, report: Report, *, overwrite: bool = False,
    media: MediaCache | None = None,
) -> UploadPlan:
    """The plan for importing the files ``collect`` found, after ``report`` compared them
    with the bucket; with ``media``, corrupt or truncated videos and images are refused."""
    states = states_of(report)
    conflicts: dict[str, str] = {}
    for key in imported.files:
        state = states.get(key)
        if state not in _CONFLICTS:
            continue
        if overwrite:
            states[key] = State.CHANGED
        else:
            conflicts[key] = _CONFLICTS[state] + _OVERWRITE_HINT
    wanted = sorted(k for k in imported.files if k not in conflicts)
    plan = build_plan(res, imported.files, states, wanted, list_skips=True,
                      hints=_known_contents(res), etags=etags_of(report), media=media)
    plan.conflicts = conflicts
    plan.stored_bytes = report.totals.remote_bytes
    return plan


def _known_contents(res: Resources) -> dict[str, str]:
    """SHA-256 -> a key whose file had it when last hashed: where the content may be stored."""
    return {d.sha256: key for key, (size, _, d) in res.store.all_cached().items() if size}
