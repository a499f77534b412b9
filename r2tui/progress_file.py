"""A running upload's progress on disk, so ``r2tui watch`` (another process) can show it.

``<state>/upload-progress.json`` holds one JSON object: ``pid``, ``started``, ``updated``,
``finished``, ``files_done``, ``files_total``, ``bytes_done``, ``bytes_total``,
``bytes_per_second``, ``eta_seconds``, ``failed`` (key: reason) and ``active``
(key: [bytes done, size]). It is written atomically (write, then rename) by
:class:`r2tui.transfers.progress_file.ProgressFile`; a reader trusts it only while the
writing process is alive. Reading it needs nothing of the transfer engine.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

FILE_NAME = "upload-progress.json"


def write_progress(path: Path, data: dict[str, Any]) -> None:
    """Replace the file at once, so a reader never sees half of it. The temporary file is
    this process's and thread's own: two uploads sharing a state folder must not rename each
    other's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def read_progress(path: Path) -> dict[str, Any] | None:
    """The last progress written, or None if there is none or its writer died mid-way."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if not data.get("finished") and not _alive(int(data.get("pid", 0))):
        data["finished"] = True
        data["abandoned"] = True
    return data


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
