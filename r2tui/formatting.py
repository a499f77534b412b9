"""Figures for people, written one way in the CLI, the TUI and ``r2tui watch``.

Sizes are decimal (``43.89 GB``), as R2 bills them and as the README writes them; durations
are ``45s``, ``3m07s``, ``2h05m``. No Rich and no Textual here: plain strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import humanize

if TYPE_CHECKING:
    from r2tui.compare import Report
    from r2tui.media import MediaFacts

NO_ESTIMATE = "–"


def size(n: int | float) -> str:
    """``0 B``, ``512 Bytes``, ``1.50 MB``, ``43.89 GB`` (powers of 1,000)."""
    return humanize.naturalsize(n, format="%.2f") if n else "0 B"


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``1 problem``, ``2 problems``, ``3,343 files``."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def rate(bytes_per_second: float) -> str:
    """``2.00 MB/s``."""
    return f"{size(int(bytes_per_second))}/s"


def duration(seconds: float | None) -> str:
    """``45s``, ``3m07s``, ``2h05m`` (whole seconds, rounded down); ``–`` when unknown."""
    if seconds is None:
        return NO_ESTIMATE
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def clock(seconds: float) -> str:
    """A media duration as a player shows it: ``0:47``, ``12:05``, ``1:02:03``."""
    whole = int(seconds)
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}:{secs:02d}"
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


def bitrate(bits_per_second: int) -> str:
    """``2.10 Mb/s``, ``850 kb/s`` (decimal, as players write it)."""
    if bits_per_second >= 1_000_000:
        return f"{bits_per_second / 1_000_000:.2f} Mb/s"
    return f"{bits_per_second // 1000} kb/s"


def media_rows(facts: MediaFacts) -> list[tuple[str, str]]:
    """The facts a person reads, as (label, value) rows; unknown facts are left out."""
    yes_no = {True: "yes", False: "no"}
    rows = [("kind", f"{facts.kind} ({facts.container or 'unknown format'})")]
    if facts.duration is not None:
        rows.append(("duration", f"{clock(facts.duration)} ({facts.duration:.2f} s)"))
    if facts.resolution is not None:
        rows.append(("resolution", f"{facts.width}x{facts.height}"))
    if facts.codec is not None:
        rows.append(("codec", facts.codec))
    if facts.frame_rate is not None:
        rows.append(("frame rate", f"{facts.frame_rate:g} fps"))
    if facts.bitrate is not None:
        rows.append(("bitrate", bitrate(facts.bitrate)))
    if facts.has_audio is not None:
        rows.append(("audio", yes_no[facts.has_audio]))
    if facts.faststart is not None:
        rows.append(("fast-start", yes_no[facts.faststart]))
    rows.append(("checked", _how_checked(facts)))
    return rows


def _how_checked(facts: MediaFacts) -> str:
    """``first frames``, ``all frames``; an image has no frames: ``decoded whole``."""
    if facts.kind == "image" and facts.checked != "header":  # a StrEnum: no import of media
        return "decoded whole"
    return facts.checked.value.replace("_", " ")


def eta(seconds: float | None) -> str:
    """``ETA 3m07s``; ``ETA –`` until there is a rate to estimate from."""
    return f"ETA {duration(seconds)}"


def summary_line(report: Report) -> str:
    """``99.97 % (3345/3346) · 1 missing · 2 changed · 1 extra · 43.89 GB in the bucket``."""
    t = report.totals
    parts = [f"{report.percent:.2f} % ({report.present}/{t.expected})"]
    if report.has_local:
        parts += [f"{t.missing} missing", f"{t.changed} changed"]
    parts.append(f"{t.extra} extra")
    if t.unverified:
        parts.append(f"{t.unverified} unverified")
    parts.append(f"{size(t.remote_bytes)} in the bucket")
    return " · ".join(parts)
