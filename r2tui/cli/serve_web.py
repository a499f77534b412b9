"""textual-serve's Server behind :class:`~r2tui.cli.serve_gate.Gate`, as an aiohttp middleware.

Imported only by ``r2tui serve`` (it needs the ``serve`` extra: textual-serve, aiohttp).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web
from textual_serve.server import Server

from r2tui.cli.serve_gate import Gate

log = logging.getLogger("r2tui.serve")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class GatedServer(Server):
    """Every request (page, assets, WebSocket, downloads) passes the gate or gets a bare 403."""

    def __init__(self, command: str, gate: Gate) -> None:
        super().__init__(command, host=gate.host, port=gate.port, title="r2tui",
                         public_url=gate.origin)
        self.gate = gate

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self._guard)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        gate = self.gate
        from_query = request.query.get("token")
        reason = gate.refusal(
            request.headers.get("Host"),
            request.headers.get("Origin"),
            from_query if from_query is not None else request.cookies.get(gate.cookie),
        )
        if reason is not None:
            log.warning("refused %s %s: %s", request.method, request.path, reason)
            raise web.HTTPForbidden(text="Forbidden: open the URL that r2tui serve printed.\n")
        response = await handler(request)
        if not response.prepared:  # a WebSocket has sent its headers already
            response.headers["Referrer-Policy"] = "no-referrer"  # the page's URL has the token
            if from_query is not None:
                response.set_cookie(
                    gate.cookie, gate.token, path="/", httponly=True, samesite="Strict"
                )
        return response

    def initialize_logging(self) -> None:
        """Plain one-line diagnostics on stderr, like r2tui's others; stdout has only the URL."""
        logging.basicConfig(
            level=logging.INFO, stream=sys.stderr, format="r2tui serve: %(message)s"
        )

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the URL is printed once the port listens (see :meth:`serve`)."""

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, but printing the URL once the port listens, and with no
        access log: aiohttp's would write every request line, the token included."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(), host=self.host, port=self.port, loop=loop, handle_signals=False,
            access_log=None, print=lambda _banner: self._announce(),
        )

    def _announce(self) -> None:
        print("r2tui serve: open this URL (it holds this launch's token); Ctrl+C stops",
              file=sys.stderr, flush=True)
        print(self.gate.url, flush=True)
