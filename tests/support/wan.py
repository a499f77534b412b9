"""A WAN model for the verifying proxy: a round-trip delay and a shared uplink.

On loopback every request is answered in well under a millisecond and bodies move at memory
speed, so a benchmark there rewards whatever spends the least CPU and says nothing about the
round trips and the bandwidth that dominate an upload to R2 over the internet. ``Wan`` puts
both back, for the proxy (``S3Proxy(upstream, wan=Wan(rtt=0.03, uplink_bps=400e6))``):

* each request waits half the RTT before it is forwarded (the way there) and half the RTT
  before the answer is written (the way back), so a request costs one RTT more than loopback;
* request bodies cross one uplink of ``uplink_bps`` that every connection shares, first come,
  first served (``Uplink``): parallel uploads divide the bandwidth between them instead of
  each getting a link of its own.

The proxy reads a body from the client at loopback speed and then holds the request until
the uplink schedule says its last byte would have arrived, so the client sees the answer when
it would over the modelled link. The download direction is not limited (R2's answers are
small next to the uploads this models), and neither TCP's slow start nor TLS handshakes are.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["Uplink", "Wan"]


class Uplink:
    """One FIFO link of ``rate_bps`` bits per second: a token bucket without a burst allowance.

    ``reserve(n)`` books the link for ``n`` bytes right after everything booked before it (or
    now, when the link is idle) and returns the time at which the last of those bytes has
    crossed. Bookings are served in the order they are made, whichever thread makes them.
    """

    def __init__(self, rate_bps: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate_bps <= 0:
            raise ValueError(f"uplink rate must be positive, got {rate_bps!r}")
        self.rate_bps = rate_bps
        self.clock = clock
        self._free_at = float("-inf")
        #: bytes booked so far (what crossed the link, for a benchmark's bandwidth limit)
        self.booked_bytes = 0
        self._lock = threading.Lock()

    def reserve(self, nbytes: int) -> float:
        """Book ``nbytes`` on the link; the clock time at which their last byte has crossed."""
        with self._lock:
            start = max(self.clock(), self._free_at)
            self._free_at = start + nbytes * 8 / self.rate_bps
            self.booked_bytes += nbytes
            return self._free_at


class Wan:
    """Round-trip time ``rtt`` (seconds) and a shared uplink of ``uplink_bps`` (bits/s).

    The proxy asks ``request_delay`` once it has read a request's body and waits that long
    before forwarding it, then waits ``response_delay`` before writing any answer.
    """

    def __init__(
        self,
        rtt: float = 0.030,
        uplink_bps: float = 400e6,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rtt < 0:
            raise ValueError(f"rtt must not be negative, got {rtt!r}")
        self.rtt = rtt
        self.clock = clock
        self.uplink = Uplink(uplink_bps, clock)

    def request_delay(self, body_bytes: int) -> float:
        """Seconds from now until a request with this body has reached the server.

        Its bytes take their turn on the uplink (a request without a body queues too: its
        headers wait behind the bodies ahead of it), then half a round trip of propagation.
        """
        arrived = self.uplink.reserve(body_bytes) + self.rtt / 2
        return max(0.0, arrived - self.clock())

    @property
    def response_delay(self) -> float:
        """Seconds an answer spends on the way back: half a round trip."""
        return self.rtt / 2
