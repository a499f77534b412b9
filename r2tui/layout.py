"""The library layout: categories, their prefixes, expected counts, kinds and access."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from r2tui.errors import ConfigError


class Kind(StrEnum):
    VIDEO = "video"
    PHOTO = "photo"
    IMAGE = "image"
    OTHER = "other"


class Access(StrEnum):
    """Who may read a category's objects: ``private`` means signed URLs only."""

    PRIVATE = "private"
    PUBLIC = "public"


@dataclass(frozen=True, slots=True)
class Category:
    """One category: key prefixes in the bucket, same relative folders in the local library.

    The empty prefix is the bucket root: it holds only keys without ``/``.
    """

    id: str
    name: str
    prefixes: tuple[str, ...]
    expected: int
    kind: Kind
    access: Access

    @property
    def prefix(self) -> str:
        """The main (first) prefix, used for display and as the default upload target."""
        return self.prefixes[0]

    @property
    def is_public(self) -> bool:
        return self.access is Access.PUBLIC

    @property
    def is_previewable(self) -> bool:
        return self.kind in (Kind.PHOTO, Kind.IMAGE)


def _cat(id_: str, name: str, prefix: str, expected: int, kind: Kind, access: Access) -> Category:
    return Category(id_, name, (prefix,), expected, kind, access)


VID, PHO, IMG, OTH = Kind.VIDEO, Kind.PHOTO, Kind.IMAGE, Kind.OTHER
PRIV, PUB = Access.PRIVATE, Access.PUBLIC

DEFAULT_CATEGORIES: tuple[Category, ...] = (
    _cat("explain", "Exercise technique explained", "videos/exercises/explain/", 147, VID, PRIV),
    _cat("reminders", "Reminders", "videos/reminders/", 441, VID, PRIV),
    _cat("instructions", "Instructions from trainers", "videos/instructions/", 423, VID, PRIV),
    _cat("intros", "Trainer intros", "videos/intros/", 15, VID, PRIV),
    _cat("weekly", "Weekly motivation", "videos/weekly/", 5, VID, PRIV),
    _cat("closing", "Workout closing", "videos/closing/", 10, VID, PRIV),
    _cat("mistake", "Technique mistakes", "videos/exercises/mistake/", 134, VID, PRIV),
    _cat("technique", "Core technique", "videos/exercises/technique/", 158, VID, PRIV),
    _cat("quotes", "Motivational quote cards", "photos/quotes/", 1000, PHO, PUB),
    _cat("workout", "Workout cards", "photos/workout/", 500, PHO, PUB),
    _cat("progress", "Progress cards", "photos/progress/", 500, PHO, PUB),
    _cat("avatars", "Trainer avatars", "images/avatars/", 10, IMG, PUB),
    _cat("service", "Service files", "", 3, OTH, PRIV),
)


class Layout:
    """An ordered set of categories with longest-prefix lookup of keys."""

    def __init__(self, categories: Iterable[Category]) -> None:
        self.categories: tuple[Category, ...] = tuple(categories)
        self._by_prefix: dict[str, Category] = {}
        for category in self.categories:
            for prefix in category.prefixes:
                other = self._by_prefix.get(prefix)
                if other is not None:
                    raise ConfigError(
                        f"categories {other.id!r} and {category.id!r} share the prefix {prefix!r}"
                    )
                self._by_prefix[prefix] = category

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.categories)

    def __len__(self) -> int:
        return len(self.categories)

    def get(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    @property
    def expected_total(self) -> int:
        return sum(c.expected for c in self.categories)

    def category_of(self, key: str) -> Category | None:
        """The category with the longest prefix matching ``key``; None if uncategorised.

        Prefixes end with ``/``, so only the key's own folder boundaries need checking.
        """
        end = key.rfind("/")
        if end < 0:
            return self._by_prefix.get("")  # the root category holds only keys without "/"
        while end >= 0:
            found = self._by_prefix.get(key[: end + 1])
            if found is not None:
                return found
            end = key.rfind("/", 0, end)
        return None

    def category_of_prefix(self, prefix: str) -> Category | None:
        """The category exactly at ``prefix`` (a folder in the bucket tree), if any."""
        return self._by_prefix.get(prefix)


def default_layout() -> Layout:
    return Layout(DEFAULT_CATEGORIES)


def normalise_prefix(prefix: str) -> str:
    """Strip leading slashes and make a non-root prefix end with ``/``."""
    prefix = prefix.strip().lstrip("/")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return prefix


_FIELDS = {"name", "prefix", "prefixes", "expected", "kind", "access", "remove"}


def layout_from_config(table: Mapping[str, Any] | None, source: str) -> Layout:
    """Build the layout from a config file's ``[layout]`` and ``[categories.*]`` tables.

    ``[categories.ID]`` changes the default category ``ID`` or adds a new one;
    ``remove = true`` drops it; ``[layout] defaults = false`` starts from no categories.
    """
    if not table:
        return default_layout()
    layout_opts = table.get("layout", {})
    _expect(isinstance(layout_opts, dict), source, "layout", "must be a table")
    use_defaults = layout_opts.get("defaults", True)
    _expect(isinstance(use_defaults, bool), source, "layout.defaults", "must be true or false")
    categories = {c.id: c for c in DEFAULT_CATEGORIES} if use_defaults else {}
    entries = table.get("categories", {})
    _expect(isinstance(entries, dict), source, "categories", "must be a table of tables")
    for cid, entry in entries.items():
        where = f"categories.{cid}"
        _expect(isinstance(entry, dict), source, where, "must be a table")
        unknown = set(entry) - _FIELDS
        _expect(not unknown, source, f"{where}.{min(unknown or {''})}", "unknown field")
        if entry.get("remove", False) is True:
            _expect(cid in categories, source, where, "cannot remove: no such category")
            del categories[cid]
            continue
        categories[cid] = _category_from_entry(cid, entry, categories.get(cid), source)
    try:
        return Layout(categories.values())
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def _category_from_entry(
    cid: str, entry: Mapping[str, Any], base: Category | None, source: str
) -> Category:
    where = f"categories.{cid}"
    if base is None:
        _expect("expected" in entry, source, f"{where}.expected", "is required for a new category")
        _expect(
            "prefix" in entry or "prefixes" in entry,
            source,
            f"{where}.prefix",
            "is required for a new category",
        )
        base = Category(cid, cid, ("",), 0, Kind.OTHER, Access.PRIVATE)
    changes: dict[str, Any] = {}
    if "name" in entry:
        _expect(isinstance(entry["name"], str) and entry["name"], source, f"{where}.name",
                "must be a non-empty string")
        changes["name"] = entry["name"]
    if "prefix" in entry or "prefixes" in entry:
        raw = entry.get("prefixes", [entry.get("prefix")])
        ok = isinstance(raw, list) and raw and all(isinstance(p, str) for p in raw)
        _expect(bool(ok), source, f"{where}.prefix", "must be a string (or a list of strings)")
        changes["prefixes"] = tuple(dict.fromkeys(normalise_prefix(p) for p in raw))
    if "expected" in entry:
        value = entry["expected"]
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
        _expect(ok, source, f"{where}.expected", f"must be a whole number >= 0, got {value!r}")
        changes["expected"] = value
    for field, enum in (("kind", Kind), ("access", Access)):
        if field in entry:
            allowed = ", ".join(e.value for e in enum)
            _expect(entry[field] in set(enum), source, f"{where}.{field}",
                    f"must be one of {allowed}, got {entry[field]!r}")
            changes[field] = enum(entry[field])
    category = replace(base, **changes)
    if category.kind is Kind.VIDEO and category.access is Access.PUBLIC:
        _expect(False, source, f"{where}.access", "videos are served only through signed URLs")
    return category


def _expect(condition: bool, source: str, field: str, problem: str) -> None:
    if not condition:
        raise ConfigError(f"{source}: {field}: {problem}")
