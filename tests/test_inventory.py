"""The whole-bucket listing in parallel key ranges: the serial listing's objects, in order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from r2tui import inventory
from r2tui.cli import main
from r2tui.inventory import iter_objects, iter_ranges, key_ranges
from r2tui.layout import layout_from_config
from r2tui.library import Library
from r2tui.settings import Settings


class FakeBucket:
    """ListObjectsV2 over sorted keys, as S3 pages it: Prefix, StartAfter, tokens, MaxKeys."""

    def __init__(self, keys: set[str]) -> None:
        self.keys = sorted(keys)
        self.calls = 0

    def list_objects_v2(self, *, Bucket: str, MaxKeys: int, Prefix: str = "",  # noqa: N803
                        StartAfter: str = "", ContinuationToken: str = "") -> dict[str, Any]:
        self.calls += 1
        after = ContinuationToken or StartAfter
        found = [k for k in self.keys if k.startswith(Prefix) and k > after]
        page = found[:MaxKeys]
        answer: dict[str, Any] = {"Contents": [{"Key": k, "Size": 1, "ETag": '"e"'} for k in page],
                                  "IsTruncated": len(found) > MaxKeys}
        if answer["IsTruncated"]:
            answer["NextContinuationToken"] = page[-1]
        return answer


ALPHABET = st.sampled_from(["a", "b", "/", ".", "0", "~", "é", "\U0010fffd", "\U0010ffff"])
KEYS = st.sets(st.text(ALPHABET, min_size=1, max_size=6), max_size=40)
PREFIXES = st.dictionaries(st.text(ALPHABET, max_size=3).map(lambda p: p + "/"),
                           st.integers(0, 9), max_size=5)


@settings(max_examples=300, deadline=None)
@given(keys=KEYS, expected=PREFIXES, page=st.integers(1, 6), threads=st.integers(1, 4))
def test_ranges_list_every_key_once_in_order(
    keys: set[str], expected: dict[str, int], page: int, threads: int
) -> None:
    fake = FakeBucket(keys)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inventory, "PAGE_SIZE", page)
        patch.setattr(inventory, "MORE_KEYS", 1)
        listed = [o.key for o in iter_ranges(fake, "b", expected | {"": 3}, threads)]
    assert listed == sorted(keys)


def test_key_ranges_pack_the_outer_prefixes_into_pages() -> None:
    ranges = key_ranges({"a/": 400, "b/": 500, "b/x/": 50, "c/": 2000, "d/": 10, "e/": 995,
                         "": 3})
    assert [(r.lo, r.hi, r.expected) for r in ranges] == [
        ("", "c/", 950), ("c/", "d/", 2000), ("d/", "e/", 10), ("e/", None, 995)]
    assert key_ranges({}) == [inventory.KeyRange("", None, 0)]


def test_an_error_in_one_range_is_raised_to_the_reader() -> None:
    fake = FakeBucket({"a/1", "b/1"})
    real = fake.list_objects_v2

    def failing(**kwargs: Any) -> dict[str, Any]:
        if kwargs.get("StartAfter", "").startswith("b"):
            raise RuntimeError("denied")
        return real(**kwargs)

    fake.list_objects_v2 = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="denied"):
        list(iter_ranges(fake, "b", {"a/": 900, "b/": 900}, 4))


EXTRAS = ["0-before-all.txt", "images/avatars.txt", "images/other/x.png", "photos/quotes",
          "photos/quotes-old/a.png", "root.json", "videos/zz/late.mp4", "zz/last.bin",
          ".trash/2026/old.png"]


def test_the_library_lists_the_same_objects_as_one_serial_listing(
    admin: Any, bucket: str, make_settings: Callable[..., Settings],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = [f"photos/quotes/q{n:02d}.png" for n in range(23)]
    keys += [f"videos/reminders/r{n}.mp4" for n in range(7)] + ["images/avatars/a.png"]
    for key in keys + EXTRAS:
        admin.put_object(Bucket=bucket, Key=key, Body=key.encode())
    monkeypatch.setattr(inventory, "PAGE_SIZE", 4)  # several pages and ranges
    library = Library(make_settings())

    serial = list(iter_objects(library.client, bucket))
    parallel = list(library.iter_objects())

    assert parallel == serial
    assert len(serial) == len(keys) + len(EXTRAS)


def test_status_counts_extras_outside_every_prefix(
    admin: Any, bucket: str, library_root: Path, make_settings: Callable[..., Settings],
) -> None:
    for key in ["photos/quotes/q.png", *EXTRAS]:
        admin.put_object(Bucket=bucket, Key=key, Body=b"x")
    report = Library(make_settings(local_root=None)).report()
    assert set(report.uncategorised.problems) == {
        "images/avatars.txt", "images/other/x.png", "photos/quotes", "photos/quotes-old/a.png",
        "videos/zz/late.mp4", "zz/last.bin"}
    service = report.report_for(make_settings().layout.get("service"))
    assert service.tally.remote == 2  # 0-before-all.txt and root.json, at the root
    assert report.totals.remote == 1 + len(EXTRAS) - 1  # the trash is not counted


def test_a_missing_bucket_is_one_line(
    r2_environ: dict[str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("R2_BUCKET", "no-such-bucket-here")
    assert main(["status"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and "Traceback" not in err


def test_a_configured_layout_is_listed_in_ranges_of_its_own_prefixes(
    admin: Any, bucket: str, make_settings: Callable[..., Settings], proxy: Any,
) -> None:
    layout = layout_from_config(
        {"layout": {"defaults": False},
         "categories": {"banners": {"prefix": "b/", "expected": 1},
                        "cards": {"prefix": "c/", "expected": 1000}}}, "test")
    for key in ("a.txt", "b/1.png", "b0", "c/2.png", "d/3.png"):
        admin.put_object(Bucket=bucket, Key=key, Body=b"x")
    proxy.clear()
    listed = [o.key for o in Library(make_settings(layout=layout)).iter_objects()]
    assert listed == ["a.txt", "b/1.png", "b0", "c/2.png", "d/3.png"]
    starts = sorted(r.query.get("start-after", "") for r in proxy.requests)
    assert len(starts) == 2 and starts[0] == "" and starts[1].startswith("c.")
