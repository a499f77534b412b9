"""Names are data, never markup: keys, file and folder names and error texts reach the screen
exactly as they are, in the trees, the details, the plan, the transfers, the dialogs, the
notifications and ``r2tui watch``.

The property tests draw keys with brackets, backslashes, emoji codes, emoji, right-to-left
text, NFD, several segments and 1,024 bytes, and compare what the widgets render with the key.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.content import Content
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.widgets import DataTable, Label
from textual.widgets._data_table import default_cell_formatter
from textual.widgets._toast import Toast

from r2tui.cli.watch_view import upload_lines
from r2tui.demo import seed
from r2tui.inventory import ObjectDetails
from r2tui.keys import MAX_KEY_BYTES, key_problem
from r2tui.sample import content_for
from r2tui.settings import Settings
from r2tui.transfers import Action, JobCancelled, JobFailed, PlanItem
from r2tui.tui.app import R2TuiApp, build_app
from r2tui.tui.screens.dialogs import ExpiryScreen, expiry_question
from r2tui.tui.screens.plan import PlanScreen, plan_row
from r2tui.tui.widgets.details import Details
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.summary import ErrorBanner
from r2tui.tui.widgets.transfers import TransfersPanel
from r2tui.tui.widgets.tree_entries import Entry, Kind
from tests.support.servers import Respond, match_request
from tests.test_tui_helpers import (
    as_text,
    drive,
    expand,
    highlight,
    on_screen,
    settle,
    wait_for,
)

EXAMPLES = 100  # per property: enough variety, and the suite stays fast
TOKENS = [
    "a", "Z", "0", " ", "-", "_", ".", ",", "'", "#", "%", "+", "=", "(", ")", "~", "@",
    "[", "]", "\\", "[b]", "[/bold]", "[/]", "[red]", "[link=x]", "\\[", ":fire:", ":", "$",
    "🎬", "🔥", "👩‍👩‍👧", "مرحبا", "שלום", "\u200f", "e\u0301", "и\u0306", "Анна", "中文",
]


def _segment() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map("".join).filter(
        lambda s: s not in (".", ".."))


def _to_limit(key: str) -> str:
    """The same key grown to exactly 1,024 bytes."""
    return key + "x" * (MAX_KEY_BYTES - len(key.encode("utf-8")))


def keys() -> st.SearchStrategy[str]:
    plain = st.lists(_segment(), min_size=1, max_size=5).map("/".join)
    return st.one_of(plain, plain.map(_to_limit)).filter(lambda k: key_problem(k) is None)


def cell_text(cell: object) -> str:
    """A DataTable cell as the table draws it (a string would be read as markup)."""
    return default_cell_formatter(cell).plain


# --- properties, checked on the widgets of a running app ----------------------------------


def check_details(app: R2TuiApp, key: str) -> None:
    details = app.main.query_one(Details)
    head = ObjectDetails(key, 10, "etag", None, f"image/png; name={key}", f"private {key}")
    details._show_details(key, head, 10, loading=False)
    shown = as_text(details.query_one("#details-text").content)
    assert key in shown and f"image/png; name={key}" in shown and f"private {key}" in shown
    details.show_folder(key + "/")
    assert key + "/" in as_text(details.query_one("#details-text").content)


def check_trees(app: R2TuiApp, key: str) -> None:
    for tree in (app.main.query_one(LocalTree), app.main.query_one("#bucket-tree")):
        entry = Entry(Kind.FILE, key, 10)
        node = tree.root.add_leaf(tree.label_of(entry), entry)
        assert entry.name in node.label.plain and key.endswith(entry.name)
        node.remove()
        tree.needle = "x"  # a search shows whole paths
        folder = Entry(Kind.DIR, key + "/")
        node = tree.root.add(tree.label_of(folder), folder)
        assert node.label.plain.startswith(key + "/")
        node.remove()
        tree.needle = ""


def check_transfers(app: R2TuiApp, key: str) -> None:
    panel = app.main.transfers
    reason = f"cannot read /library/{key}: permission denied"
    panel.on_transfers_panel_engine_event(TransfersPanel.EngineEvent(JobFailed(key, reason)))
    row = panel.query_one("#jobs", DataTable).get_row(key)
    assert cell_text(row[0]) == key and cell_text(row[3]) == f"✗ {reason}"
    panel.on_transfers_panel_engine_event(TransfersPanel.EngineEvent(JobCancelled(key)))
    panel.failures.clear()


def check_plan_and_dialogs(app: R2TuiApp, key: str) -> None:
    cells = plan_row(PlanItem(key, None, 10, Action.COPY, source_key=key))
    assert cell_text(cells[1]) == key and cell_text(cells[3]) == f"copy of {key}"
    label = Label(expiry_question(key))
    assert label.visual.plain == f"Signed URL for {key}, valid for (1-4):"
    banner = app.main.query_one(ErrorBanner)
    banner.show(f"cannot list {key}")
    assert f"cannot list {key}  —" in banner.visual.plain
    banner.clear()


def check_notification(app: R2TuiApp, key: str, sent: list[Notification]) -> None:
    """Notifications are messages to the app: caught as sent, drawn the way a Toast draws."""
    app.main.tell(f"Public URL for {key} copied")
    note = sent.pop()
    drawn = Content.from_markup(note.message) if note.markup else Content(note.message)
    assert drawn.plain == f"Public URL for {key} copied"


def test_every_widget_shows_any_key_exactly(make_settings: Callable[..., Settings]) -> None:
    app = build_app(make_settings())
    tried: list[str] = []
    sent: list[Notification] = []

    async def scenario(pilot: Pilot[int]) -> None:
        def catch(message: str, *, markup: bool = True, **options: Any) -> None:
            sent.append(Notification(message, markup=markup))  # App.notify's default markup

        app.notify = catch  # type: ignore[method-assign]
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(key=keys())
        def shown_exactly(key: str) -> None:
            tried.append(key)
            check_details(app, key)
            check_trees(app, key)
            check_transfers(app, key)
            check_plan_and_dialogs(app, key)
            check_notification(app, key, sent)

        shown_exactly()

    drive(app, scenario)
    print(f"keys tried on the app's widgets: {len(tried)}")
    assert len(tried) >= EXAMPLES
    assert any(len(k.encode("utf-8")) == MAX_KEY_BYTES for k in tried)


@settings(max_examples=EXAMPLES, deadline=None, database=None)
@given(key=keys(), reason=st.lists(st.sampled_from(TOKENS), max_size=6).map("".join))
def test_watch_shows_any_key_exactly(key: str, reason: str) -> None:
    progress = {"files_done": 0, "files_total": 2, "active": {key: [5, 10]},
                "failed": {key: reason}}
    lines = upload_lines(progress)
    assert lines[1] == f"   50 %  {key}" and lines[2] == f"  failed: {key}: {reason}"


def test_watch_escapes_control_characters() -> None:
    lines = upload_lines({"active": {"a\x1b[2Jb.mp4": [1, 2]}, "failed": {}})
    assert lines[1].endswith("a\\x1b[2Jb.mp4")


# --- the real screens, with names people give their media ---------------------------------

QUOTE = "photos/quotes/quote [draft].png"
INTRO = "videos/intros/intro [final].mp4"
AVATAR = "images/avatars/[/bold] [4K] a\\[b] :fire: مرحبا.png"  # "[" is a folder here
ODD = (QUOTE, INTRO, AVATAR)


@pytest.fixture
def odd_library(
    make_settings: Callable[..., Settings], bucket: str, tmp_path: Path
) -> Settings:
    """The demo library in a folder with brackets, plus three odd names not in the bucket."""
    settings = make_settings(bucket=f"{bucket}-odd", local_root=tmp_path / "Media [2025]")
    seed(settings, 0.02)
    assert settings.local_root is not None
    for key in ODD:
        path = settings.local_root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content_for(key))
    return settings


def test_the_plan_dialog_and_the_panes_show_bracketed_names_exactly(
    odd_library: Settings, proxy: Any
) -> None:
    app = build_app(odd_library)
    proxy.add_fault(match_request(method="PUT", path_prefix=f"/{odd_library.bucket}/{QUOTE}"),
                    Respond(403, "AccessDenied", "Access Denied"), times=None)

    async def scenario(pilot: Pilot[int]) -> None:
        local = app.main.query_one(LocalTree)
        await expand(pilot, local, "photos/", "photos/quotes/")
        assert "Media [2025]" in on_screen(local)
        assert "quote [draft].png" in on_screen(local)
        await highlight(pilot, local, QUOTE)
        assert QUOTE in as_text(app.main.query_one("#details-text").content)

        await pilot.press("p")
        await wait_for(pilot, lambda: any(f"Public URL for {QUOTE} copied" in t.render().plain
                                          for t in app.screen.query(Toast)))
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ExpiryScreen)
        question = app.screen.query_one(Label)
        assert question.visual.plain == f"Signed URL for {QUOTE}, valid for (1-4):"
        await pilot.press("escape")

        await highlight(pilot, local, "")
        await pilot.press("m", "u")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        drawn = on_screen(app.screen.query_one("#plan-items", DataTable))
        for key in ODD:
            assert key in drawn, drawn
        assert "quote .png" not in drawn
        await pilot.press("y")
        await settle(pilot, rounds=8)
        jobs = on_screen(app.main.transfers.query_one("#jobs", DataTable))
        assert QUOTE in jobs and "✗ access denied" in jobs

    drive(app, scenario, notifications=True)


def test_nfd_names_on_disk_show_as_their_nfc_keys(
    make_settings: Callable[..., Settings], library_root: Path
) -> None:
    """A macOS (NFD) file name is listed under its NFC key, and shown as that key."""
    nfd = unicodedata.normalize("NFD", "photos/quotes/Café [v2].png")
    (library_root / "photos" / "quotes").mkdir(parents=True)
    (library_root / nfd).write_bytes(content_for("x.png"))
    app = build_app(make_settings())
    nfc = unicodedata.normalize("NFC", nfd)

    async def scenario(pilot: Pilot[int]) -> None:
        local = app.main.query_one(LocalTree)
        await expand(pilot, local, "photos/", "photos/quotes/")
        node = local.node_for(nfc)
        assert node is not None and "Café [v2].png" in node.label.plain
        await highlight(pilot, local, nfc)
        assert nfc in as_text(app.main.query_one("#details-text").content)

    drive(app, scenario)
