"""The rule for the object keys and prefixes r2tui is given, in one place.

R2 stores almost any key, but some cannot be used safely: a ``.`` or ``..`` segment is resolved
away by browsers and URL libraries (a signed URL for ``a/../b.mp4`` fetches ``b.mp4``) and, read
as a path, leaves the library; an empty segment (``a//b``, a leading ``/``) is collapsed by some
proxies; control characters rewrite terminals and logs; R2 refuses keys over 1,024 bytes. Such
keys are refused where they come in (command-line arguments, the local scan, imports), with a
line that says why.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from r2tui.errors import UsageError

MAX_KEY_BYTES = 1024
TRASH_PREFIX = ".trash/"  # r2tui rm moves objects here; counts and uploads never see it
SHOWN_CHARS = 80  # a refused key is quoted up to this many characters


def key_problem(key: str, *, prefix: bool = False) -> str | None:
    """Why ``key`` cannot be used, or None if it can.

    With ``prefix``, ``key`` is a folder prefix: empty (the bucket root) or ending in ``/``
    are then fine.
    """
    if not key:
        return None if prefix else "it is empty"
    try:
        length = len(key.encode("utf-8"))
    except UnicodeEncodeError:
        return "it is not valid Unicode (a name with undecodable bytes)"
    if length > MAX_KEY_BYTES:
        return f"it is {length:,} bytes long; keys are at most {MAX_KEY_BYTES:,} bytes (UTF-8)"
    control = next((c for c in key if unicodedata.category(c) == "Cc"), None)
    if control is not None:
        return f"it contains the control character U+{ord(control):04X}"
    return _segment_problem(key, prefix)


def _segment_problem(key: str, prefix: bool) -> str | None:
    if key.startswith("/"):
        return "it starts with '/'"
    segments = key.split("/")
    if key.endswith("/"):
        if not prefix:
            return "it ends with '/': that names a folder, not an object"
        segments.pop()
    if "" in segments:
        return "it has an empty segment ('//')"
    dots = next((s for s in segments if s in (".", "..")), None)
    if dots is not None:
        return f"it has a '{dots}' segment"
    return None


def check_key(key: str, what: str = "key", *, prefix: bool = False) -> str:
    """``key`` itself if usable; otherwise a UsageError naming it and what is wrong."""
    problem = key_problem(key, prefix=prefix)
    if problem is not None:
        raise UsageError(f"{what} {quoted(key)} refused: {problem}")
    return key


def quoted(key: str) -> str:
    """``key`` for a one-line message: repr (control characters escaped), shortened if long."""
    if len(key) <= SHOWN_CHARS:
        return repr(key)
    return repr(key[:SHOWN_CHARS]) + f"… ({len(key):,} characters)"


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), so a name cannot drive a terminal.

    Everything else, brackets, backslashes, right-to-left and combining characters included,
    is left exactly as it is.
    """
    if not any(unicodedata.category(c) == "Cc" for c in text):
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c
        for c in text
    )


def library_path(root: Path | None, key: str) -> Path | None:
    """The regular file ``key`` names inside the library ``root``, or None.

    None too for a key refused by the rule, and for a path that leaves the library once every
    symlink is resolved: what is read for a key is always the library's own file.
    """
    if root is None or key_problem(key) is not None:
        return None
    base = root.resolve()
    try:
        path = (base / key).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path
