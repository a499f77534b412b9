"""Reading the local side of a job: a stable snapshot of the file, and its bytes by range."""

from __future__ import annotations

import stat
from pathlib import Path

from r2tui.scan import LocalFile
from r2tui.transfers.context import JobError


def snapshot(key: str, path: Path) -> LocalFile:
    """The file as it is now (size, mtime); a JobError if it is gone or not a regular file."""
    try:
        st = path.stat()
    except OSError as exc:
        raise JobError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise JobError(f"cannot read {path}: not a regular file")
    return LocalFile(key, path, st.st_size, st.st_mtime_ns)


def read_range(path: Path, offset: int, length: int) -> bytes:
    """Exactly ``length`` bytes at ``offset``; a JobError if the file got shorter meanwhile."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        data = fh.read(length)
    if len(data) != length:
        raise changed(path)
    return data


def is_unchanged(file: LocalFile) -> bool:
    """Does the file still have the size and mtime it had when the job began?"""
    try:
        st = file.path.stat()
    except OSError:
        return False
    return st.st_size == file.size and st.st_mtime_ns == file.mtime_ns


def ensure_unchanged(file: LocalFile) -> None:
    if not is_unchanged(file):
        raise changed(file.path)


def changed(path: Path) -> JobError:
    return JobError(
        f"{path} changed while it was being uploaded; not marked done, it will be sent again "
        "on the next run"
    )
