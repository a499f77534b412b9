"""Who may use ``r2tui serve``: the served address and origin, and this launch's token.

Pure checks, no web framework: :mod:`r2tui.cli.serve_web` applies them to every request.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass, field


def is_wildcard(host: str) -> bool:
    """True for an address meaning "every interface", which no browser puts in ``Host``."""
    try:
        return not host or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


@dataclass(frozen=True)
class Gate:
    """Who may use the served app: this address, this origin, this launch's token."""

    host: str
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    @property
    def authority(self) -> str:
        """``host:port`` as a browser writes it in ``Host`` (IPv6 in brackets, no ``:80``)."""
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == 80 else f"{name}:{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{self.authority}"

    @property
    def url(self) -> str:
        """The URL to open: the only place the token is ever written."""
        return f"{self.origin}/?token={self.token}"

    @property
    def cookie(self) -> str:
        """Cookies are shared by every port of a host: the name keeps two launches apart."""
        return f"r2tui-token-{self.port}"

    def refusal(self, host: str | None, origin: str | None, token: str | None) -> str | None:
        """Why a request with these headers and token is refused, or None to serve it.

        The reason names what was wrong, never the expected token.
        """
        if (host or "").lower() != self.authority.lower():
            return f"Host {host!r} is not {self.authority}"
        if origin is not None and origin.lower() != self.origin.lower():
            return f"Origin {origin!r} is not {self.origin}"
        if token is None:
            return "no token"
        if not secrets.compare_digest(
            token.encode("utf-8", "replace"), self.token.encode("utf-8")
        ):
            return "wrong token"
        return None
