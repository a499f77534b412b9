"""Media facts and problems of generated videos and images: local files, and bucket objects by
ranged reads through the verifying proxy (the GETs counted); the cache by SHA-256."""

from __future__ import annotations

import hashlib
import io
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from r2tui.containers import sniff, walk_boxes
from r2tui.layout import default_layout
from r2tui.media import Check, MediaFacts, media_kind, read_facts
from r2tui.media_cache import MediaCache
from r2tui.media_frames import frame_at
from r2tui.media_problems import (
    ProblemKind,
    extension_mismatch,
    problems_of,
    refusal,
    resolution_outliers,
    usual_resolution,
)
from r2tui.media_remote import HEAD_BYTES, read_remote
from r2tui.sample import content_for
from r2tui.scan import Hasher, LocalFile
from r2tui.settings import Settings
from r2tui.state import StateStore
from r2tui.storage import make_client
from tests.support.media import HEIGHT, ODD_HEIGHT, ODD_WIDTH, WIDTH, Media
from tests.support.servers import S3Proxy

KiB = 1024


def facts_of(data: bytes, name: str = "clip.mp4", *, deep: bool = False) -> MediaFacts:
    return read_facts(io.BytesIO(data), len(data), name, deep=deep)


def kinds(key: str, facts: MediaFacts) -> set[ProblemKind]:
    return {p.kind for p in problems_of(key, facts)}


# -- local contents ---------------------------------------------------------------------------

def test_a_good_fast_start_video_has_every_fact_and_no_problem(media: Media) -> None:
    facts = facts_of(media.good)

    assert (facts.kind, facts.container, facts.codec) == ("video", "mp4", "h264")
    assert (facts.width, facts.height, facts.frame_rate) == (WIDTH, HEIGHT, 24.0)
    assert facts.duration == pytest.approx(1.0, abs=0.05)  # 24 frames at 24 fps (+ AAC padding)
    assert facts.bitrate == pytest.approx(len(media.good) * 8 / facts.duration, rel=0.05)
    assert facts.has_audio is True and facts.faststart is True
    assert facts.checked is Check.FIRST_FRAMES
    assert problems_of("videos/intros/a.mp4", facts) == []
    assert facts_of(media.good, deep=True).checked is Check.ALL_FRAMES


def test_moov_after_mdat_is_not_fast_start(media: Media) -> None:
    facts = facts_of(media.slow)

    assert facts.faststart is False and facts.corrupt is None and facts.duration
    assert kinds("videos/intros/slow.mp4", facts) == {ProblemKind.NOT_FASTSTART}
    assert refusal("videos/intros/slow.mp4", facts) is None  # it plays, only later


def test_a_cut_file_is_truncated_not_corrupt_and_is_refused(media: Media) -> None:
    facts = facts_of(media.truncated)

    assert facts.truncated == (f"the 'mdat' box claims {len(media.good):,} bytes, "
                               f"the file holds {len(media.truncated):,}")
    assert facts.corrupt is None  # its first frames are all there and decode
    assert kinds("v.mp4", facts) == {ProblemKind.TRUNCATED}
    assert refusal("v.mp4", facts) == f"truncated: {facts.truncated}"
    assert facts_of(media.truncated, deep=True).corrupt is None  # the missing end: truncation


def test_bytes_that_do_not_open_or_decode_are_corrupt(media: Media) -> None:
    unopenable = facts_of(media.random)
    undecodable = facts_of(media.garbage_frames)

    assert unopenable.container is None and unopenable.duration is None
    assert unopenable.corrupt == "does not open: Invalid data found when processing input"
    assert undecodable.duration and undecodable.corrupt is not None
    assert undecodable.corrupt.startswith("frame 1 does not decode")
    for facts in (unopenable, undecodable):
        assert kinds("v.mp4", facts) == {ProblemKind.CORRUPT}
        assert (refusal("v.mp4", facts) or "").startswith("corrupt: ")


def test_content_decides_how_a_file_is_read_and_the_name_is_judged(media: Media) -> None:
    card = facts_of(media.card, "photos/quotes/card.jpg")
    mov = facts_of(media.mov, "videos/intros/clip.mp4")

    assert (card.kind, card.container, card.resolution) == ("image", "png", (48, 48))
    assert card.checked is Check.ALL_FRAMES and card.corrupt is None
    assert extension_mismatch("photos/quotes/card.jpg", card) == "PNG content named .jpg"
    assert extension_mismatch("photos/quotes/card.png", card) is None
    assert (mov.container, mov.has_audio) == ("mov", False)
    assert extension_mismatch("videos/intros/clip.mp4", mov) == "MOV (QuickTime) content named .mp4"
    assert kinds("videos/intros/clip.mov", mov) == set()
    text = facts_of(b"not an image at all", "photos/quotes/x.png")
    assert (text.kind, text.corrupt) == ("image", "does not open: not an image Pillow knows")


def test_a_cut_image_is_truncated(media: Media) -> None:
    facts = facts_of(media.card[:-30], "photos/quotes/cut.png")

    assert facts.resolution == (48, 48) and facts.truncated is not None
    assert kinds("photos/quotes/cut.png", facts) == {ProblemKind.TRUNCATED}


def test_the_odd_size_in_a_category_is_the_outlier(media: Media) -> None:
    good, odd, card = facts_of(media.good), facts_of(media.odd), facts_of(media.card, "c.png")
    facts = {f"videos/intros/{n}.mp4": good for n in "abc"} | {
        "videos/intros/odd.mp4": odd,
        "videos/weekly/alone.mp4": odd,  # another category: too few to have a usual size
        "photos/quotes/c.png": card,
    }

    found = resolution_outliers(facts, default_layout())

    assert [(p.key, p.kind) for p in found] == [
        ("videos/intros/odd.mp4", ProblemKind.RESOLUTION_OUTLIER)]
    assert found[0].detail == (f"{ODD_WIDTH}x{ODD_HEIGHT}; the category's usual size is "
                               f"{WIDTH}x{HEIGHT} (3 of 4)")
    assert usual_resolution([good, good, odd, odd]) is None  # a tie: no usual size


def test_the_sample_library_videos_are_real_and_keep_their_sizes() -> None:
    key = "videos/intros/intro Олег 03.mp4"
    data = content_for(key)
    cut = content_for(key, video_size=3 * 1024 * 1024)[: 2 * 1024 * 1024]

    for content in (data, cut, content_for(key, variant=1)):
        facts = facts_of(content)
        assert facts.corrupt is None and facts.truncated is None and facts.faststart
    assert content_for(key) != content_for(key, variant=1)
    assert 12_012 <= len(data) <= 36_012  # 12 + 12,000 .. 12 + 36,000 bytes, as before


def test_box_walk_reads_64_bit_sizes_and_a_box_running_to_the_end() -> None:
    data = (struct.pack(">I4s", 16, b"ftyp") + b"isom" + b"\0" * 4
            + struct.pack(">I4sQ", 1, b"moov", 24) + b"\0" * 8
            + struct.pack(">I4s", 0, b"mdat") + b"samples")
    walk = walk_boxes(lambda at, n: data[at:at + n] if at + n <= len(data) else None, len(data))

    assert [(b.type, b.start, b.size) for b in walk.boxes] == [
        ("ftyp", 0, 16), ("moov", 16, 24), ("mdat", 40, 15)]
    assert walk.complete and walk.faststart is True and sniff(data) == "mp4"
    partial = walk_boxes(lambda at, n: data[at:at + n] if at + n <= 20 else None, len(data))
    assert partial.needs == 16 and partial.faststart is None


def test_a_thumbnail_is_the_frame_a_tenth_of_the_way_in(media: Media, tmp_path: Path) -> None:
    good, broken = tmp_path / "good.mp4", tmp_path / "broken.mp4"
    good.write_bytes(media.good)
    broken.write_bytes(media.random)

    still = frame_at(good)
    assert still is not None and (still.size, still.mode) == ((WIDTH, HEIGHT), "RGB")
    # The test video's frame i is a flat grey of luma (7 * i) % 256: 10 % of 1 s is frame 2 or 3.
    luma = still.convert("L").getpixel((WIDTH // 2, HEIGHT // 2))
    assert luma == pytest.approx(7 * 2.4, abs=8)
    assert frame_at(broken) is None
    with pytest.raises(OSError):
        frame_at(tmp_path / "nowhere.mp4")


def test_media_kind_is_by_extension() -> None:
    assert [media_kind(n) for n in ("a/b.MP4", "c.jpeg", "d.mov", "e.txt", "noext")] == [
        "video", "image", "video", None, None]


# -- the cache ----------------------------------------------------------------------------------

def _local(root: Path, key: str, data: bytes) -> LocalFile:
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    st = path.stat()
    return LocalFile(key, path, st.st_size, st.st_mtime_ns)


def test_each_content_is_read_once_and_deep_reads_it_again_once(
    media: Media, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    store = StateStore(state)
    cache = MediaCache(store, Hasher(store))
    first = _local(tmp_path, "videos/intros/a.mp4", media.good)
    twin = _local(tmp_path, "videos/weekly/same.mp4", media.good)

    facts = cache.local(first)
    assert cache.local(twin) == facts and cache.read == 1
    assert cache.local(first, deep=True).checked is Check.ALL_FRAMES and cache.read == 2
    assert cache.local(twin).checked is Check.ALL_FRAMES and cache.read == 2
    store.close()

    reopened = StateStore(state)
    again = MediaCache(reopened, Hasher(reopened))
    assert again.local(first, deep=True).duration == facts.duration and again.read == 0
    reopened.close()


# -- bucket objects, through the verifying proxy ----------------------------------------------

def _put(admin: Any, bucket: str, key: str, data: bytes) -> None:
    admin.put_object(Bucket=bucket, Key=key, Body=data,
                     Metadata={"sha256": hashlib.sha256(data).hexdigest()})


def _gets(proxy: S3Proxy) -> tuple[int, int, list[str]]:
    records = proxy.records(operation="GetObject")
    return (len(records), sum(r.response_bytes for r in records),
            [r.headers.get("range", "") for r in records])


def test_a_fast_start_object_is_read_in_one_ranged_get_of_its_header(
    media: Media, proxy: S3Proxy, admin: Any, bucket: str, make_settings: Callable[..., Settings],
) -> None:
    _put(admin, bucket, "videos/intros/big.mp4", media.big_fast)
    proxy.clear()

    got = read_remote(make_client(make_settings()), bucket, "videos/intros/big.mp4")

    count, received, ranges = _gets(proxy)
    assert (count, ranges) == (1, [f"bytes=0-{HEAD_BYTES - 1}"])
    assert received == got.bytes_read == HEAD_BYTES <= 256 * KiB < len(media.big_fast)
    assert got.size == len(media.big_fast)
    assert got.sha256 == hashlib.sha256(media.big_fast).hexdigest()
    local = facts_of(media.big_fast)
    assert got.facts == local  # the same facts as the whole file, first frames decoded too


def test_an_object_with_moov_at_the_end_gets_its_header_and_its_tail(
    media: Media, proxy: S3Proxy, admin: Any, bucket: str, make_settings: Callable[..., Settings],
) -> None:
    _put(admin, bucket, "videos/intros/slow.mp4", media.big_slow)
    mdat = walk_boxes(lambda at, n: media.big_slow[at:at + n], len(media.big_slow)).first("mdat")
    assert mdat is not None
    proxy.clear()

    got = read_remote(make_client(make_settings()), bucket, "videos/intros/slow.mp4")

    count, received, ranges = _gets(proxy)
    assert ranges == [f"bytes=0-{HEAD_BYTES - 1}", f"bytes={mdat.end}-{len(media.big_slow) - 1}"]
    assert received == HEAD_BYTES + len(media.big_slow) - mdat.end < len(media.big_slow) // 4
    facts = got.facts
    assert facts.faststart is False and facts.corrupt is None
    local = facts_of(media.big_slow)
    assert (facts.duration, facts.resolution, facts.codec, facts.frame_rate, facts.bitrate) == (
        local.duration, local.resolution, local.codec, local.frame_rate, local.bitrate)
    assert kinds("videos/intros/slow.mp4", facts) == {ProblemKind.NOT_FASTSTART}


@pytest.mark.parametrize("name, expected", [
    ("truncated", {ProblemKind.TRUNCATED}),
    ("random", {ProblemKind.CORRUPT}),
    ("garbage_frames", {ProblemKind.CORRUPT}),
    ("card", {ProblemKind.EXTENSION_MISMATCH}),
    ("slow", {ProblemKind.NOT_FASTSTART}),
])
def test_a_small_object_is_judged_as_its_local_twin_would_be(
    name: str, expected: set[ProblemKind], media: Media, proxy: S3Proxy, admin: Any,
    bucket: str, make_settings: Callable[..., Settings],
) -> None:
    data = getattr(media, name)
    key = "photos/quotes/card.jpg" if name == "card" else f"videos/intros/{name}.mp4"
    _put(admin, bucket, key, data)
    proxy.clear()

    got = read_remote(make_client(make_settings()), bucket, key)

    assert got.facts == facts_of(data, key)  # held whole in the first GET
    assert kinds(key, got.facts) == expected
    assert proxy.count(operation="GetObject") == got.gets == 1


def test_an_object_with_known_content_is_answered_from_the_cache(
    media: Media, proxy: S3Proxy, admin: Any, bucket: str, make_settings: Callable[..., Settings],
    tmp_path: Path,
) -> None:
    _put(admin, bucket, "videos/intros/big.mp4", media.big_fast)
    store = StateStore(tmp_path / "state")
    cache = MediaCache(store, Hasher(store))
    client = make_client(make_settings())
    sha256 = hashlib.sha256(media.big_fast).hexdigest()
    proxy.clear()

    first = cache.remote(client, bucket, "videos/intros/big.mp4")
    again = cache.remote(client, bucket, "videos/intros/big.mp4", sha256=sha256)

    assert first == again and proxy.count(operation="GetObject") == 1 == cache.gets
    twin = _local(tmp_path, "videos/intros/big.mp4", media.big_fast)
    assert cache.local(twin).checked is Check.FIRST_FRAMES and cache.read == 1  # cached far enough
    store.close()
