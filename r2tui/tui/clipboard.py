"""Copying text: the terminal's clipboard (OSC 52) and, where a tool exists, the system's."""

from __future__ import annotations

import shutil
import subprocess

from textual.app import App

TOOLS: tuple[tuple[str, ...], ...] = (
    ("wl-copy",),
    ("xclip", "-selection", "clipboard"),
    ("xsel", "--clipboard", "--input"),
    ("pbcopy",),
)


def system_copy(text: str) -> bool:
    """Hand ``text`` to the first clipboard tool found; False if none is there or all fail."""
    for command in TOOLS:
        if shutil.which(command[0]) is None:
            continue
        try:
            subprocess.run(command, input=text.encode(), timeout=2, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            continue
        return True
    return False


def copy(app: App[object], text: str) -> None:
    """OSC 52 right away (works over SSH too); the system tool in a thread, never blocking."""
    app.copy_to_clipboard(text)
    app.run_worker(lambda: system_copy(text), thread=True, group="clipboard",
                   exit_on_error=False)
