"""The local scan: keys, skip rules, symlinks, NFC, and the hash cache."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path

from r2tui.digests import MiB, compute_digests, etag_of_parts, part_size_for
from r2tui.scan import Hasher, scan
from r2tui.state import StateStore


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_keys_are_posix_relative_paths_and_junk_is_skipped(tmp_path: Path) -> None:
    touch(tmp_path / "videos/intros/intro Анна 01.mp4")
    touch(tmp_path / "photos/quotes/q +1 %20 #x.png")
    touch(tmp_path / "upload_log.txt")
    for junk in (".DS_Store", "photos/Thumbs.db", "photos/desktop.ini", ".env",
                 ".r2tui/state.sqlite", "videos/.hidden/secret.mp4", "r2tui.toml"):
        touch(tmp_path / junk)
    touch(tmp_path / "videos/r2tui.toml")  # only the root config file is skipped
    library = scan(tmp_path)
    assert sorted(library.files) == [
        "photos/quotes/q +1 %20 #x.png",
        "upload_log.txt",
        "videos/intros/intro Анна 01.mp4",
        "videos/r2tui.toml",
    ]
    assert library.issues == []


def test_nfd_file_names_become_nfc_keys(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "photos/quotes/Ёжик café.png")
    touch(tmp_path / nfd)
    (key,) = scan(tmp_path).files
    assert key == unicodedata.normalize("NFC", "photos/quotes/Ёжик café.png")
    assert key != nfd


def test_nfc_and_nfd_twins_are_reported_not_merged(tmp_path: Path) -> None:
    touch(tmp_path / unicodedata.normalize("NFC", "café.png"), b"a")
    touch(tmp_path / unicodedata.normalize("NFD", "café.png"), b"b")
    library = scan(tmp_path)
    assert len(library.files) == 1
    assert len(library.issues) == 1 and "NFC" in library.issues[0].problem


def test_symlinks_out_of_the_root_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    outside = touch(tmp_path / "outside/secret.txt")
    touch(root / "photos/a.png")
    os.symlink(outside, root / "photos/link.txt")
    os.symlink(tmp_path / "outside", root / "elsewhere")
    os.symlink(root / "photos/a.png", root / "photos/inside-link.png")
    os.symlink(root, root / "photos/loop")
    library = scan(root)
    assert sorted(library.files) == ["photos/a.png", "photos/inside-link.png"]
    assert {Path(i.path).name for i in library.issues} == {"link.txt", "elsewhere"}


def test_rescan_of_unchanged_library_hashes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    for i in range(20):
        touch(root / f"photos/quotes/{i}.png", bytes([i]) * 100)
    state = tmp_path / "state"
    hasher = Hasher(StateStore(state))
    files = list(scan(root).files.values())
    hasher.digest_all(files, on_error=lambda f, e: None)
    assert hasher.hashed == 20
    # A new process: new store object on the same directory, new scan.
    again = Hasher(StateStore(state))
    files = list(scan(root).files.values())
    again.digest_all(files, on_error=lambda f, e: None)
    assert again.hashed == 0
    assert all(f.digests and f.digests.sha256 for f in files)
    # Touch one file: only that one is hashed again.
    changed = root / "photos/quotes/3.png"
    changed.write_bytes(b"new content")
    files = list(scan(root).files.values())
    third = Hasher(StateStore(state))
    third.digest_all(files, on_error=lambda f, e: None)
    assert third.hashed == 1
    assert next(f for f in files if f.path == changed).digests.sha256 == hashlib.sha256(
        b"new content").hexdigest()


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    touch(root / "ok.txt")
    os.symlink(root / "gone.txt", root / "dangling.txt")
    library = scan(root)
    assert list(library.files) == ["ok.txt"]
    assert [Path(i.path).name for i in library.issues] == ["dangling.txt"]


def test_digests_match_s3_rules(tmp_path: Path) -> None:
    small = touch(tmp_path / "small", b"hello")
    d = compute_digests(small)
    assert d.md5 == hashlib.md5(b"hello").hexdigest() and d.mpu_etag is None
    data = os.urandom(17 * MiB + 5)
    big = touch(tmp_path / "big", data)
    d = compute_digests(big)
    parts = [data[i : i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
    assert d.mpu_etag == etag_of_parts([hashlib.md5(p).digest() for p in parts])
    assert d.mpu_etag.endswith("-3")
    assert d.sha256 == hashlib.sha256(data).hexdigest()


def test_part_size_keeps_under_10000_parts() -> None:
    assert part_size_for(100 * MiB) == 8 * MiB
    huge = 200 * 1024 * MiB  # 200 GiB
    size = part_size_for(huge)
    assert -(-huge // size) <= 10_000 and size % (8 * MiB) == 0
