"""The key rule (r2tui.keys) and the doors it guards: ``url KEY``, ``upload PREFIX``,
``upload --to PREFIX``, the local scan and the import."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2tui.cli import main
from r2tui.errors import UsageError
from r2tui.keys import MAX_KEY_BYTES, check_key, key_problem, library_path, printable, quoted
from r2tui.scan import scan
from tests.support.servers import S3Proxy

GOOD_KEYS = [
    "videos/intros/intro [final].mp4",
    "photos/quotes/quote [draft].png",
    "a\\b/[/bold]/🎬 clip.mp4",
    "videos/weekly/أسبوع 1.mp4",  # right to left
    "videos/intros/cafe\u0301.mp4",  # NFD: a combining accent
    "x" * MAX_KEY_BYTES,
    "ж" * (MAX_KEY_BYTES // 2),  # two bytes each
    "...hidden/.config/a..b.png",  # dots inside a segment are fine
    "upload_log.txt",
]

BAD_KEYS = {
    "": "empty",
    "x" * (MAX_KEY_BYTES + 1): "1,025 bytes",
    "ж" * (MAX_KEY_BYTES // 2) + "x": "1,025 bytes",
    "videos/../x.mp4": "'..' segment",
    "../../etc/passwd": "'..' segment",
    "videos/intros/..": "'..' segment",
    "videos/./x.mp4": "'.' segment",
    ".": "'.' segment",
    "videos//x.mp4": "empty segment",
    "/videos/x.mp4": "starts with '/'",
    "videos/intros/": "ends with '/'",
    "videos/a\nb.mp4": "U+000A",
    "videos/a\x1b[2Jb.mp4": "U+001B",
    "videos/a\x7f.mp4": "U+007F",
    "videos/a\x85.mp4": "U+0085",
    "videos/\udcff.mp4": "not valid Unicode",
}


@pytest.mark.parametrize("key", GOOD_KEYS)
def test_usable_keys_pass(key: str) -> None:
    assert key_problem(key) is None
    assert check_key(key) == key


@pytest.mark.parametrize(("key", "why"), BAD_KEYS.items())
def test_unusable_keys_are_refused_with_the_reason(key: str, why: str) -> None:
    problem = key_problem(key)
    assert problem is not None and why in problem
    with pytest.raises(UsageError) as raised:
        check_key(key, "KEY")
    message = raised.value.message
    assert message.startswith("KEY ") and why in message and "\n" not in message


def test_prefixes_may_be_the_root_or_end_with_a_slash() -> None:
    for prefix in ("", "videos/", "videos/intros/", "photos/quotes/[old]/"):
        assert key_problem(prefix, prefix=True) is None
    for prefix, why in (("videos/intros/../x/", "'..'"), ("videos//", "empty segment"),
                        ("/videos/", "starts with '/'"), ("./", "'.'")):
        assert why in (key_problem(prefix, prefix=True) or "")


def test_quoted_keys_stay_on_one_short_line() -> None:
    assert quoted("a\nb") == "'a\\nb'"
    long = quoted("é" * 2000)
    assert len(long) < 120 and "2,000 characters" in long


def test_printable_escapes_control_characters_only() -> None:
    assert printable("a\x1b[31mred\tb") == "a\\x1b[31mred\\tb"
    for key in GOOD_KEYS:
        assert printable(key) == key


def test_the_scan_reports_names_with_control_characters(library_root: Path) -> None:
    (library_root / "videos").mkdir()
    (library_root / "videos" / "ok [1].mp4").write_bytes(b"ok")
    (library_root / "videos" / "bell\x07.mp4").write_bytes(b"no")
    found = scan(library_root)
    assert list(found.files) == ["videos/ok [1].mp4"]
    assert [i.problem for i in found.issues] == ["key refused: it contains the control "
                                                 "character U+0007"]


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert captured.out == "" and len(lines) == 1, captured.err
    assert lines[0].startswith("r2tui: error: ") and "Traceback" not in captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["url", "videos/intros/../../x.mp4"], ["'..' segment"]),
        (["url", "--public", "photos/quotes/./x.png"], ["'.' segment"]),
        (["url", "videos//x.mp4"], ["empty segment"]),
        (["url", "videos/a\x1b[2J.mp4"], ["U+001B", "\\x1b"]),
        (["url", "v/" + "x" * MAX_KEY_BYTES], ["1,026 bytes"]),
        (["upload", "videos/intros/../x/"], ["refused as a bucket prefix", "'..' segment"]),
        (["upload", "--dry-run", "videos//"], ["empty segment"]),
        (["upload", "--to", "videos/intros/../x/", "{src}"], ["--to", "'..' segment"]),
        (["upload", "--to", "videos/intros/./", "{src}"], ["'.' segment"]),
        (["upload", "--to", "videos/intros\t/", "{src}"], ["U+0009"]),
    ],
)
def test_bad_keys_are_refused_at_the_door_before_any_request(
    args: list[str], words: list[str], r2_environ: dict[str, str], proxy: S3Proxy,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source = tmp_path / "import me.png"
    source.write_bytes(b"png")
    argv = [a.replace("{src}", str(source)) for a in args]
    proxy.clear()  # the bucket fixture's own requests
    assert main(argv) == 2
    line = one_error_line(capsys)
    for word in words:
        assert word in line
    assert proxy.requests == []


def test_library_path_stays_inside_the_library(tmp_path: Path) -> None:
    root = tmp_path / "lib [1]"
    (root / "photos").mkdir(parents=True)
    (root / "photos" / "a [x].png").write_bytes(b"a")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"s")
    (root / "photos" / "out.png").symlink_to(secret)
    (root / "photos" / "in.png").symlink_to(root / "photos" / "a [x].png")
    (root / "photos" / "dir-out").symlink_to(tmp_path)
    inside = (root / "photos" / "a [x].png").resolve()
    assert library_path(root, "photos/a [x].png") == inside
    assert library_path(root, "photos/in.png") == inside  # a link within the library is fine
    for key in ("photos/out.png", "photos/dir-out/secret.png", "../secret.png",
                "photos/../../secret.png", "photos", "photos/missing.png", "/etc/passwd"):
        assert library_path(root, key) is None, key
    assert library_path(None, "photos/a [x].png") is None
