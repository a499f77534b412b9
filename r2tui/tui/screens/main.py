"""The main screen: the two trees, the details pane, the dashboard and the transfers panel.

This module composes the screen and answers the view's keys (refresh, filter, problems only,
deploy env, help); the other keys are answered by the mixins it is made of, one per group
(``main_selection.py``, ``main_uploads.py``, ``main_objects.py``, ``main_urls.py``, over
``main_base.py``).
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input

from r2tui.tui.commands import APP_COMMANDS, OTHER_KEYS, SCREEN_COMMANDS
from r2tui.tui.screens.env import EnvScreen
from r2tui.tui.screens.help import HelpScreen
from r2tui.tui.screens.main_objects import ObjectActions
from r2tui.tui.screens.main_selection import SelectionActions
from r2tui.tui.screens.main_uploads import UploadActions
from r2tui.tui.screens.main_urls import UrlActions
from r2tui.tui.widgets.bucket_tree import BucketTree
from r2tui.tui.widgets.dashboard import Dashboard
from r2tui.tui.widgets.details import Details
from r2tui.tui.widgets.lazy_tree import LazyTree
from r2tui.tui.widgets.local_tree import LocalTree
from r2tui.tui.widgets.summary import ErrorBanner, Summary


class MainScreen(SelectionActions, UploadActions, ObjectActions, UrlActions):
    """Below 110 columns (``-narrow``) one tree is shown at a time, the details on demand and
    the categories compact; below 30 lines (``-short``) the header goes (see r2tui.tcss)."""

    BINDINGS = [command.binding() for command in SCREEN_COMMANDS]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]

    def compose(self) -> ComposeResult:
        root = self.library.local_root
        yield Header(icon="◆")
        yield ErrorBanner(id="error")
        yield Summary(id="summary")
        yield Input(placeholder="filter keys (enter to keep, esc to clear)", id="filter")
        with Horizontal(id="browser"):
            yield BucketTree(self.library, self.view)
            yield LocalTree(root.resolve() if root else None, self.view)
            yield Details(self.library, self.view)
        yield Dashboard(self.view, self.library.settings.prices)
        yield self.transfers
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "r2tui"
        self.sub_title = f"bucket {self.library.settings.bucket}"
        self.query_one(BucketTree).focus()
        self.load_report()

    def action_refresh(self) -> None:
        self.query_one(ErrorBanner).clear()
        self.query_one(Summary).comparing()
        self.query_one(Dashboard).loading = True
        self.load_report()
        for tree in self.query(LazyTree):
            tree.relist()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(Dashboard).compact = event.size.width < 110

    def action_switch_tree(self) -> None:
        """The other tree gets the focus; on a narrow screen it is also the one shown."""
        local = self.query_one(LocalTree)
        going_local = self.focused is not local
        self.set_class(going_local, "-local")
        (local if going_local else self.query_one(BucketTree)).focus()

    def action_toggle_details(self) -> None:
        self.toggle_class("-details")

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def filter_changed(self, event: Input.Changed) -> None:
        for tree in self.query(LazyTree):
            tree.set_filter(event.value.strip())

    @on(Input.Submitted, "#filter")
    def filter_done(self) -> None:
        """Enter: to the tree, its cursor on the first match (n and N step through them)."""
        field = self.query_one("#filter", Input)
        field.display = bool(field.value)
        tree = self.last_tree or self.query_one(BucketTree)
        tree.focus()
        if field.value.strip():
            tree.land_on_match()

    def on_key(self, event: events.Key) -> None:
        """Escape ends the filter, in the field or in a tree showing matches: the trees are
        drawn again as they were, the cursor where it was."""
        field = self.query_one("#filter", Input)
        if event.key == "escape" and (field.has_focus or field.value):
            field.value = ""
            self.filter_done()

    def action_toggle_problems(self) -> None:
        self.view.problems_only = not self.view.problems_only
        for tree in self.query(LazyTree):
            tree.rerender()
        if self.view.report is not None:
            self._show_counts()
        self.sub_title = f"bucket {self.library.settings.bucket}" + (
            " · problems only" if self.view.problems_only else ""
        )

    def action_toggle_media(self) -> None:
        """The dashboard's media view; the facts not cached yet are read for it, once."""
        dashboard = self.query_one(Dashboard)
        dashboard.media_view = not dashboard.media_view
        overview = self.view.media
        unread = overview is None or overview.unread
        if dashboard.media_view and unread and self.library.local_root:
            self.load_media(read=True)

    def action_deploy_settings(self) -> None:
        self.app.push_screen(EnvScreen(self.library.settings))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([*SCREEN_COMMANDS, *APP_COMMANDS, *OTHER_KEYS]))
