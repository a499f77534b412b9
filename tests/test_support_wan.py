"""Tests of the proxy's WAN model (tests/support/wan.py).

The schedule is checked against an injected clock, so nothing here depends on how fast the
machine is; the proxy test checks that every request, over real HTTP, goes through the model.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import boto3
import pytest
from botocore.config import Config

from tests.support.servers import TEST_ACCESS_KEY, TEST_SECRET_KEY, MotoServer, S3Proxy
from tests.support.wan import Uplink, Wan

MBIT = 1_000_000


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_an_idle_link_sends_at_once_and_a_busy_one_queues_behind_what_was_booked() -> None:
    clock = FakeClock()
    link = Uplink(8 * MBIT, clock)  # one byte per microsecond
    assert link.reserve(1_000_000) == pytest.approx(101.0)
    assert link.reserve(500_000) == pytest.approx(101.5)  # behind the first, not beside it
    clock.now = 101.2
    assert link.reserve(0) == pytest.approx(101.5)  # headers alone still wait their turn
    clock.now = 200.0  # idle meanwhile: unused time is not saved up (no burst)
    assert link.reserve(2_000_000) == pytest.approx(202.0)
    assert link.booked_bytes == 3_500_000


def test_parallel_bookings_share_one_link_first_come_first_served() -> None:
    clock = FakeClock()
    link = Uplink(8 * MBIT, clock)
    start = threading.Barrier(8)
    finished: list[float] = []
    lock = threading.Lock()

    def upload() -> None:
        start.wait()
        done = link.reserve(100_000)
        with lock:
            finished.append(done)

    threads = [threading.Thread(target=upload) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Eight uploads at once take eight times as long as one: each got its own slot in turn.
    assert sorted(finished) == pytest.approx([100.0 + 0.1 * k for k in range(1, 9)])


def test_a_request_waits_for_its_body_then_half_a_round_trip_each_way() -> None:
    clock = FakeClock()
    wan = Wan(rtt=0.030, uplink_bps=400 * MBIT, clock=clock)
    assert wan.request_delay(0) == pytest.approx(0.015)
    assert wan.request_delay(5_000_000) == pytest.approx(0.1 + 0.015)  # 40 Mbit at 400 Mbit/s
    assert wan.response_delay == pytest.approx(0.015)
    clock.now += 1.0  # the link went idle: only the propagation delay is left
    assert wan.request_delay(0) == pytest.approx(0.015)


def test_the_model_refuses_impossible_settings() -> None:
    with pytest.raises(ValueError):
        Wan(rtt=-0.001)
    with pytest.raises(ValueError):
        Wan(uplink_bps=0)


class RecordingWan(Wan):
    """A WAN with no delay that notes what the proxy asked of it."""

    def __init__(self) -> None:
        super().__init__(rtt=0.0, uplink_bps=1e15)
        self.bodies: list[int] = []
        self.answers = 0

    def request_delay(self, body_bytes: int) -> float:
        self.bodies.append(body_bytes)
        return super().request_delay(body_bytes)

    @property
    def response_delay(self) -> float:
        self.answers += 1
        return 0.0


@pytest.fixture
def wan_proxy(moto_server: MotoServer) -> Iterator[tuple[S3Proxy, RecordingWan]]:
    wan = RecordingWan()
    with S3Proxy(moto_server.url, wan=wan) as proxy:
        yield proxy, wan


def test_the_proxy_puts_every_request_and_answer_through_the_model(
    wan_proxy: tuple[S3Proxy, RecordingWan],
) -> None:
    proxy, wan = wan_proxy
    client = boto3.client(
        "s3", endpoint_url=proxy.url, region_name="us-east-1",
        aws_access_key_id=TEST_ACCESS_KEY, aws_secret_access_key=TEST_SECRET_KEY,
        config=Config(request_checksum_calculation="when_required"),
    )
    client.create_bucket(Bucket="wan-test")
    client.put_object(Bucket="wan-test", Key="a.bin", Body=b"x" * 300_000)
    client.head_object(Bucket="wan-test", Key="a.bin")
    with pytest.raises(client.exceptions.ClientError):
        client.head_object(Bucket="wan-test", Key="missing")
    assert wan.bodies == [record.request_bytes for record in proxy.requests]
    assert wan.uplink.booked_bytes == proxy.bytes_received() >= 300_000
    assert wan.answers == len(proxy.requests) == 4


def test_the_wan_model_is_off_unless_asked_for(s3_proxy: S3Proxy) -> None:
    assert s3_proxy.wan is None
