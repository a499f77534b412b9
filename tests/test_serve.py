"""``r2tui serve``: the app through textual-serve, only for whoever holds the printed URL.

The gate is tested by speaking HTTP and WebSocket to a running ``r2tui serve``; the app itself in
a real headless Chromium.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from r2tui.cli.serve import app_command, exposure_warning
from r2tui.cli.serve_gate import Gate
from r2tui.sample import content_for, write_library
from tests.support.lines import Lines
from tests.support.servers import TEST_ACCESS_KEY, TEST_SECRET_KEY, S3Proxy, find_free_port

CHROMIUM = shutil.which("chromium")
# Read at import: the autouse fixture in conftest.py hides R2TUI_* variables from the tests.
# .ci/run sets it, so there a machine without Chromium fails instead of skipping.
REQUIRE_BROWSER = os.environ.get("R2TUI_REQUIRE_BROWSER") == "1"
# As on this workplace's machines: no sandbox as root, and no background traffic off loopback.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[P\]^_].*?(?:\x1b\\|\x07)|\x1b.", re.S)


def test_exposure_warning_only_off_loopback() -> None:
    assert exposure_warning("127.0.0.1") is None and exposure_warning("localhost") is None
    warning = exposure_warning("192.168.1.5")
    assert warning is not None and "credentials" in warning


def test_app_command_passes_settings_flags_only() -> None:
    command = app_command(["--local", "/my lib", "--bucket", "b"])
    assert command.endswith("-m r2tui --local '/my lib' --bucket b")
    assert TEST_SECRET_KEY not in command


def test_gate_addresses_as_browsers_write_them() -> None:
    assert Gate("::1", 8000).origin == "http://[::1]:8000"
    assert Gate("media.lan", 80).authority == "media.lan"
    assert Gate("127.0.0.1", 8000).token != Gate("127.0.0.1", 8000).token
    assert "token" not in repr(Gate("127.0.0.1", 8000))


@pytest.mark.parametrize("host", ["0.0.0.0", "::"])
def test_wildcard_host_is_refused_in_one_line(host: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "r2tui", "serve", "--host", host, "--port", str(find_free_port())],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("r2tui: error: --host ") and result.stderr.count("\n") == 1


# ----------------------------------------------------------------------------- a running server


@dataclass
class Served:
    url: str  # as printed, with the token
    stdout: Lines
    stderr: Lines

    @property
    def origin(self) -> str:
        return self.url.split("/?", 1)[0]

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 80)

    @property
    def token(self) -> str:
        return parse_qs(urlsplit(self.url).query)["token"][0]


@contextmanager
def running_serve(env: dict[str, str]) -> Iterator[Served]:
    """``r2tui serve`` on a free loopback port, once it listens (it prints the URL then)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "r2tui", "serve", "--port", str(find_free_port())],
        env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = Lines(server.stdout), Lines(server.stderr)  # type: ignore[arg-type]
    try:
        try:
            url = stdout.wait_for(lambda line: "token=" in line).strip()
        except AssertionError as error:
            raise AssertionError(f"r2tui serve did not start:\n{stderr.text()}") from error
        yield Served(url, stdout, stderr)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def gated(s3_proxy: S3Proxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the gate tests; its app shows a bucket that does not exist."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("R2_", "AWS_", "R2TUI_"))}
    env |= {
        "R2_ENDPOINT": s3_proxy.url, "R2_ACCESS_KEY_ID": TEST_ACCESS_KEY,
        "R2_SECRET_ACCESS_KEY": TEST_SECRET_KEY, "R2_BUCKET": "no-such-bucket",
        "R2TUI_STATE_DIR": str(tmp_path_factory.mktemp("serve-state")),
    }
    with running_serve(env) as served:
        yield served


def attempt(served: Served, case: str) -> tuple[dict[str, str], dict[str, str]]:
    """The query and headers of a request that is right in every way but ``case``."""
    query = {"token": served.token}
    headers = {"Origin": served.origin}
    if case == "forged Origin":
        headers["Origin"] = "https://evil.example"
    elif case == "no token":
        query = {}
    elif case == "wrong token":
        query = {"token": Gate("127.0.0.1", served.port).token}
    elif case == "wrong cookie":
        query = {}
        headers["Cookie"] = f"r2tui-token-{served.port}={Gate('127.0.0.1', served.port).token}"
    elif case == "rebinding Host":  # evil.example resolving to 127.0.0.1
        headers = {"Host": f"evil.example:{served.port}"}
    else:
        assert case == "right", case
    return query, headers


async def first_screen_frame(served: Served, query: dict[str, str], headers: dict[str, str]) -> Any:
    """The first frame the app sends over ``/ws``; raises WSServerHandshakeError if refused."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.ws_connect(
            f"{served.origin}/ws", params={"width": "100", "height": "30", **query},
            headers=headers,
        ) as ws:
            message = await ws.receive(timeout=60)
            assert message.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT), message
            return message.data


async def get_page(
    served: Served, query: dict[str, str], headers: dict[str, str]
) -> tuple[int, str, aiohttp.ClientResponse]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.get(f"{served.origin}/", params=query, headers=headers) as response:
            return response.status, await response.text(), response


REFUSED = ["forged Origin", "no token", "wrong token", "wrong cookie", "rebinding Host"]


@pytest.mark.parametrize("case", REFUSED)
def test_websocket_refused_without_a_screen_byte(gated: Served, case: str) -> None:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        asyncio.run(first_screen_frame(gated, *attempt(gated, case)))
    assert refused.value.status == 403


@pytest.mark.parametrize("case", REFUSED)
def test_page_refused(gated: Served, case: str) -> None:
    status, body, _ = asyncio.run(get_page(gated, *attempt(gated, case)))
    assert status == 403 and "data-session-websocket-url" not in body


def test_tokened_page_sets_the_cookie_its_websocket_needs(gated: Served) -> None:
    status, body, response = asyncio.run(get_page(gated, *attempt(gated, "right")))
    assert status == 200 and f'data-session-websocket-url="ws://127.0.0.1:{gated.port}/ws"' in body
    cookie = response.cookies[f"r2tui-token-{gated.port}"]
    assert cookie.value == gated.token and cookie["httponly"] and cookie["samesite"] == "Strict"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # What the page's own WebSocket sends: the cookie and the page's origin, no token in the URL.
    headers = {"Origin": gated.origin, "Cookie": f"{cookie.key}={cookie.value}"}
    assert asyncio.run(first_screen_frame(gated, {}, headers))


def test_token_is_printed_only_in_the_url(gated: Served) -> None:
    asyncio.run(get_page(gated, *attempt(gated, "right")))
    asyncio.run(get_page(gated, {"token": "nonsense"}, {}))
    gated.stderr.wait_for(lambda line: "refused GET /: wrong token" in line)
    assert gated.stdout.text() == gated.url + "\n"
    assert gated.token not in gated.stderr.text()


# ------------------------------------------------------------------------------------ a browser


@pytest.fixture
def chromium() -> str:
    """Chromium's path; without one the browser test skips, or fails where it is required."""
    if CHROMIUM is None:
        reason = "chromium not found on PATH (R2TUI_REQUIRE_BROWSER=1 makes this a failure)"
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def served(env: dict[str, str], admin: Any, bucket: str, library_root: Path) -> Iterator[str]:
    keys = ["videos/intros/intro Анна 01.mp4", "photos/quotes/quote_0001.png"]
    write_library(library_root, keys)
    admin.put_object(Bucket=bucket, Key=keys[1], Body=content_for(keys[1]))
    with running_serve(env) as server:
        yield server.url


def test_app_in_headless_chromium(chromium: str, served: str) -> None:
    from playwright.sync_api import sync_playwright

    received: list[str] = []
    sockets: list[Any] = []

    def screen() -> str:
        return ANSI.sub("", "".join(received))

    def on_frame(frame: str | bytes) -> None:
        text = frame.decode("utf-8", "replace") if isinstance(frame, bytes) else frame
        if not text.startswith('["pong"'):
            received.append(text)

    def on_websocket(ws: Any) -> None:
        ws.on("framereceived", on_frame)
        sockets.append(ws)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            page.on("websocket", on_websocket)
            page.goto(served)
            if not sockets:
                page.wait_for_event("websocket", timeout=30_000)
            (ws,) = sockets
            # The dashboard row: expected 15, local 1, remote 0, missing 1.
            intros = re.compile(r"Trainer intros\s+15\s+1\s+0\s+1\s")
            wait_for(ws, lambda: intros.search(screen()) is not None, screen)
            # The quote card in the bucket: expected 1,000, local 1, remote 1, missing 0.
            assert re.search(r"Motivational quote cards\s+1,000\s+1\s+1\s+0\s", screen())
            before = len(received)
            page.locator("#terminal").click()
            page.keyboard.press("?")
            help_shown = lambda: "Copy a signed URL" in ANSI.sub("", "".join(received[before:]))  # noqa: E731
            wait_for(ws, help_shown, screen)
        finally:
            browser.close()


def wait_for(ws: Any, condition: Any, screen: Any, timeout: float = 30) -> None:
    """Wait for the frame after which ``condition`` holds (``on_frame``, an earlier listener,
    has recorded it by then)."""
    from playwright.sync_api import Error

    if condition():
        return
    try:
        ws.wait_for_event("framereceived", lambda _frame: condition(), timeout=timeout * 1000)
    except Error as error:  # a timeout, or the socket closed
        raise AssertionError(
            f"not on screen: {error.message}; last output:\n{screen()[-2000:]}"
        ) from None
