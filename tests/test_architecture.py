"""The layers hold (import-linter's contracts in pyproject.toml); the UI-free core never
imports Textual; ``r2tui --help`` imports neither Textual nor boto3."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

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


def test_status_loads_only_what_it_needs(tmp_path: Path) -> None:
    """What ``r2tui status`` imports by the time it sends its first request: no app, no media
    readers, no .env or TOML parser without such files, no web server gate."""
    code = (
        "import sys\n"
        "from r2tui.cli import main\n"
        "from r2tui.library import Library\n"
        "def stop(self):\n"
        "    print(' '.join(sys.modules)); raise SystemExit(0)\n"
        "Library.iter_objects = stop\n"
        "main(['status'])\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("R2_", "AWS_", "R2TUI_"))}
    env |= {"R2_ACCESS_KEY_ID": "a", "R2_SECRET_ACCESS_KEY": "b", "R2_BUCKET": "some-bucket",
            "R2_ENDPOINT": "http://127.0.0.1:9", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=tmp_path, env=env).stdout.split()
    top = {name.split(".")[0] for name in out}
    assert not top & {"textual", "rich", "av", "PIL", "boto3", "dotenv", "tomllib"}
    assert not [n for n in out if n.startswith(("r2tui.media", "r2tui.tui", "r2tui.cli.serve_"))]


def test_watch_reads_progress_without_the_transfer_engine() -> None:
    """``r2tui watch`` is a read-only viewer: the progress file's reader is in the core."""
    out = subprocess.run(
        [sys.executable, "-c", "import r2tui.cli.watch_view, sys; print(' '.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert "r2tui.progress_file" in out
    assert not [name for name in out if name.startswith("r2tui.transfers")]


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the ``r2tui`` package and the contracts found in ``root``."""
    code = ("from importlinter.cli import lint_imports\n"
            "raise SystemExit(lint_imports(no_cache=True, no_logo=True))")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
        env=os.environ | {"PYTHONPATH": str(root)},
    )


def test_the_import_contracts_are_kept() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout


def test_the_import_contracts_catch_what_they_forbid(tmp_path: Path) -> None:
    """A copy of the package with one violation of each kind: every contract breaks."""
    shutil.copytree(ROOT / "r2tui", tmp_path / "r2tui",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "r2tui" / "costs.py").open("a") as costs:
        costs.write("\nimport r2tui.transfers.events  # the core reaching up\n")
    with (tmp_path / "r2tui" / "state.py").open("a") as state:
        state.write("\nimport r2tui.scan  # scan imports state: a cycle\n")
    with (tmp_path / "r2tui" / "cli" / "console.py").open("a") as console:
        console.write("\nimport rich  # Rich outside the bars\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "r2tui.costs is not allowed to import r2tui.transfers" in result.stdout
    assert "r2tui.cli is not allowed to import rich" in result.stdout
    assert ".state -> .scan" in result.stdout
