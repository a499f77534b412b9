"""The UI-free core never imports Textual; ``r2tui --help`` imports neither Textual nor boto3."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "r2tui.settings", "r2tui.layout", "r2tui.scan", "r2tui.digests", "r2tui.state",
    "r2tui.storage", "r2tui.inventory", "r2tui.identity", "r2tui.compare", "r2tui.library",
    "r2tui.urls", "r2tui.costs", "r2tui.deploy", "r2tui.formatting", "r2tui.progress_file",
    "r2tui.transfers", "r2tui.demo", "r2tui.sample",
    # the command line, short of the app it may launch
    "r2tui.cli", "r2tui.cli.parser", "r2tui.cli.status", "r2tui.cli.uploading",
    "r2tui.cli.watch_view",
]


def loaded_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout
    return {name.split(".")[0] for name in out.split()}


def test_core_modules_do_not_import_textual() -> None:
    modules = loaded_after("\n".join(f"import {m}" for m in CORE))
    assert "textual" not in modules and "rich" not in modules


def test_help_is_light() -> None:
    modules = loaded_after(
        "from r2tui.cli import build_parser\nbuild_parser().format_help()"
    )
    assert not modules & {"textual", "boto3", "botocore", "moto"}


def test_watch_reads_progress_without_the_transfer_engine() -> None:
    """``r2tui watch`` is a read-only viewer: the progress file's reader is in the core."""
    out = subprocess.run(
        [sys.executable, "-c", "import r2tui.cli.watch_view, sys; print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert "r2tui.progress_file" in out
    assert not [name for name in out if name.startswith("r2tui.transfers")]
