"""``r2tui serve``: the app in a real headless Chromium, through textual-serve, on loopback."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from r2tui.cli.serve import app_command, exposure_warning
from r2tui.sample import content_for, write_library
from tests.support.servers import TEST_ACCESS_KEY, TEST_SECRET_KEY, find_free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As on this workplace's machines: no sandbox as root, and no background traffic off loopback.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[P\]^_].*?(?:\x1b\\|\x07)|\x1b.", re.S)


def test_exposure_warning_only_off_loopback() -> None:
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    warning = exposure_warning("0.0.0.0")
    assert warning is not None and "credentials" in warning


def test_app_command_passes_settings_flags_only() -> None:
    command = app_command(["--local", "/my lib", "--bucket", "b"])
    assert command.endswith("-m r2tui --local '/my lib' --bucket b")
    assert TEST_SECRET_KEY not in command


@pytest.fixture
def served(
    proxy: Any, admin: Any, bucket: str, library_root: Path, tmp_path: Path
) -> Iterator[str]:
    keys = ["videos/intros/intro Анна 01.mp4", "photos/quotes/quote_0001.png"]
    write_library(library_root, keys)
    admin.put_object(Bucket=bucket, Key=keys[1], Body=content_for(keys[1]))
    port = find_free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("R2_", "AWS_"))} | {
        "R2_ENDPOINT": proxy.url,
        "R2_ACCESS_KEY_ID": TEST_ACCESS_KEY,
        "R2_SECRET_ACCESS_KEY": TEST_SECRET_KEY,
        "R2_BUCKET": bucket,
        "R2TUI_STATE_DIR": str(tmp_path / "state"),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "r2tui", "serve", "--port", str(port), "--local", str(library_root)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.stdout else ""
                    raise AssertionError(f"r2tui serve did not start:\n{output}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_app_in_headless_chromium(served: str) -> None:
    from playwright.sync_api import sync_playwright

    received: list[str] = []

    def screen() -> str:
        return ANSI.sub("", "".join(received))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})

            def on_frame(frame: str | bytes) -> None:
                text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
                if not text.startswith('["pong"'):
                    received.append(text)

            page.on("websocket", lambda ws: ws.on("framereceived", on_frame))
            page.goto(served)
            start = page.locator("#start")
            if start.is_visible():
                start.click()
            # The dashboard row: expected 15, local 1, remote 0, missing 1.
            intros = re.compile(r"Trainer intros\s+15\s+1\s+0\s+1\s")
            wait_for(page, lambda: intros.search(screen()) is not None, screen)
            # The quote card in the bucket: expected 1,000, local 1, remote 1, missing 0.
            assert re.search(r"Motivational quote cards\s+1000\s+1\s+1\s+0\s", screen())
            before = len(received)
            page.locator("#terminal").click()
            page.keyboard.press("?")
            help_shown = lambda: "Copy a signed URL" in ANSI.sub("", "".join(received[before:]))  # noqa: E731
            wait_for(page, help_shown, screen)
        finally:
            browser.close()


def wait_for(page: Any, condition: Any, screen: Any, timeout: float = 30) -> None:
    """Wait for ``condition``, letting Playwright deliver events meanwhile.

    The sync API dispatches websocket events only inside its own calls, hence wait_for_timeout.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not on screen in {timeout} s; last output:\n{screen()[-2000:]}")
        page.wait_for_timeout(200)
