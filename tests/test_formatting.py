"""One way to write sizes (decimal), durations and ETAs, for the CLI, the TUI and watch."""

from __future__ import annotations

from dataclasses import replace

import pytest

from r2tui.cli.console import batch_summary
from r2tui.formatting import counted, duration, eta, media_rows, rate, size
from r2tui.media import Check, MediaFacts
from r2tui.transfers.events import Summary


@pytest.mark.parametrize(("n", "text"), [
    (0, "0 B"), (999, "999 Bytes"), (1_000, "1.00 kB"), (1_500_000, "1.50 MB"),
    (43_890_000_000, "43.89 GB"), (8 * 1024 * 1024, "8.39 MB"),
])
def test_sizes_are_decimal(n: int, text: str) -> None:
    assert size(n) == text


@pytest.mark.parametrize(("seconds", "text"), [
    (None, "–"), (0.4, "0s"), (59.9, "59s"), (60, "1m00s"), (187, "3m07s"),
    (3599, "59m59s"), (3600, "1h00m"), (7500, "2h05m"),
])
def test_durations(seconds: float | None, text: str) -> None:
    assert duration(seconds) == text


def test_eta_and_rate() -> None:
    assert (eta(187.2), eta(None)) == ("ETA 3m07s", "ETA –")
    assert rate(2_000_000.7) == "2.00 MB/s"


def test_the_upload_summary_uses_them() -> None:
    summary = Summary(uploaded=2, copied=1, bytes_sent=1_500_000)
    assert batch_summary(summary, 65.3) == (
        "uploaded 2, copied 1, skipped 0, failed 0, cancelled 0; 1.50 MB sent in 1m05s"
    )


def test_counts_and_how_far_media_was_checked() -> None:
    assert [counted(n, "ranged GET") for n in (0, 1, 2, 3343)] == [
        "0 ranged GETs", "1 ranged GET", "2 ranged GETs", "3,343 ranged GETs"]
    image = MediaFacts("image", "png", Check.ALL_FRAMES, width=48, height=48)
    video = MediaFacts("video", "mp4", Check.FIRST_FRAMES, duration=47.2)
    assert dict(media_rows(image))["checked"] == "decoded whole"
    assert dict(media_rows(replace(image, checked=Check.HEADER)))["checked"] == "header"
    assert dict(media_rows(video))["checked"] == "first frames"
    assert dict(media_rows(video))["duration"] == "0:47 (47.20 s)"
