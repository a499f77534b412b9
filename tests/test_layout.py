"""The library layout: longest-prefix lookup, the root category, config changes and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from r2tui.errors import ConfigError
from r2tui.layout import Access, Kind, default_layout, layout_from_config
from r2tui.settings import load_settings


def test_default_layout_matches_the_spec() -> None:
    layout = default_layout()
    assert len(layout) == 13
    assert layout.expected_total == 3346
    videos = sum(c.expected for c in layout if c.kind is Kind.VIDEO)
    assert videos == 1333
    assert all(c.access is Access.PRIVATE for c in layout if c.kind is Kind.VIDEO)


@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("videos/exercises/explain/squat 001.mp4", "explain"),
        ("videos/exercises/mistake/a.mp4", "mistake"),
        ("videos/exercises/technique/sub/deeper.mp4", "technique"),
        ("videos/reminders/r.mp4", "reminders"),
        ("photos/quotes/q.png", "quotes"),
        ("upload_log.txt", "service"),
        ("videos/exercises/other/x.mp4", None),  # parent prefix is not a category
        ("videos/exercises/x.mp4", None),
        ("random/file.txt", None),
    ],
)
def test_category_is_the_longest_matching_prefix(key: str, category: str | None) -> None:
    found = default_layout().category_of(key)
    assert (found.id if found else None) == category


def test_config_changes_adds_and_removes_categories() -> None:
    layout = layout_from_config(
        {
            "categories": {
                "reminders": {"expected": 450, "prefixes": ["videos/reminders", "videos/old/"]},
                "banners": {"prefix": "photos/banners/", "expected": 4, "kind": "photo",
                            "access": "public", "name": "Banners"},
                "service": {"remove": True},
            }
        },
        "r2tui.toml",
    )
    reminders = layout.get("reminders")
    assert reminders is not None and reminders.expected == 450
    assert reminders.prefixes == ("videos/reminders/", "videos/old/")
    assert layout.category_of("videos/old/x.mp4") == reminders
    assert layout.category_of("photos/banners/b.png").name == "Banners"  # type: ignore[union-attr]
    assert layout.category_of("upload_log.txt") is None  # root category removed
    assert len(layout) == 13


def test_layout_defaults_false_starts_empty() -> None:
    layout = layout_from_config(
        {"layout": {"defaults": False},
         "categories": {"all": {"prefix": "media/", "expected": 2}}},
        "x.toml",
    )
    assert [c.id for c in layout] == ["all"]


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"categories": {"reminders": {"expected": "many"}}}, "categories.reminders.expected"),
        ({"categories": {"reminders": {"expected": -1}}}, "categories.reminders.expected"),
        ({"categories": {"reminders": {"kind": "movie"}}}, "categories.reminders.kind"),
        ({"categories": {"new": {"prefix": "x/"}}}, "categories.new.expected"),
        ({"categories": {"new": {"expected": 1}}}, "categories.new.prefix"),
        ({"categories": {"reminders": {"colour": "red"}}}, "categories.reminders.colour"),
        ({"categories": {"reminders": {"access": "public"}}}, "categories.reminders.access"),
        ({"categories": {"nope": {"remove": True}}}, "categories.nope"),
        ({"layout": {"defaults": "no"}}, "layout.defaults"),
    ],
)
def test_invalid_config_names_file_and_field(table: dict, field: str) -> None:
    with pytest.raises(ConfigError) as info:
        layout_from_config(table, "/lib/r2tui.toml")
    assert str(info.value).startswith(f"/lib/r2tui.toml: {field}:")


def test_shared_prefix_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="share the prefix"):
        layout_from_config(
            {"categories": {"dup": {"prefix": "photos/quotes/", "expected": 1}}}, "c.toml"
        )


def test_config_file_in_library_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "r2tui.toml").write_text(
        '[bucket]\nname = "other-bucket"\n[categories.avatars]\nexpected = 12\n', "utf-8"
    )
    settings = load_settings({"local_root": str(tmp_path)}, environ={})
    assert settings.bucket == "other-bucket"
    assert settings.layout.get("avatars").expected == 12  # type: ignore[union-attr]
    assert settings.config_path == tmp_path / "r2tui.toml"


def test_broken_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[categories\n", "utf-8")
    with pytest.raises(ConfigError, match=f"{path}: not valid TOML"):
        load_settings(environ={}, config_path=path)
