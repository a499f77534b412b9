"""The web app's deployment settings (.env, Render, Django) with the secret always masked."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static, Tab, Tabs

from r2tui.deploy import FORMATS, render
from r2tui.settings import Settings
from r2tui.tui.clipboard import copy

LEXERS = {"dotenv": "bash", "render": "yaml", "django": "python"}
TITLES = {"dotenv": ".env", "render": "render.yaml", "django": "settings.py"}


class EnvScreen(ModalScreen[None]):
    """Shows ``r2tui.deploy.render`` in one of its formats; copying copies what is shown."""

    BINDINGS = [
        Binding("escape,q,e", "dismiss", "Close", id="env-close"),
        Binding("c", "copy", "Copy", id="env-copy"),
        Binding("left", "switch(-1)", "Previous format", show=False, id="env-previous"),
        Binding("right,tab", "switch(1)", "Next format", show=False, id="env-next"),
    ]

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.fmt = FORMATS[0]

    def compose(self) -> ComposeResult:
        with Vertical(id="env-dialog") as dialog:
            dialog.border_title = "Deployment settings for the web app"
            dialog.border_subtitle = "←/→ format · c copy · esc close"
            yield Tabs(*(Tab(TITLES[f], id=f) for f in FORMATS), id="env-formats")
            yield Label("The secret is masked here and in what is copied; set it in the "
                        "deployment yourself.", id="env-note")
            with VerticalScroll(id="env-scroll"):
                yield Static(id="env-text")

    @property
    def text(self) -> str:
        """What is shown and copied: never with the secret (show_secrets stays False)."""
        return render(self.settings, self.fmt)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        self.fmt = event.tab.id or FORMATS[0]
        syntax = Syntax(self.text, LEXERS[self.fmt], theme="ansi_dark", word_wrap=True)
        self.query_one("#env-text", Static).update(syntax)

    def action_switch(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        tabs.action_next_tab() if step > 0 else tabs.action_previous_tab()

    def action_copy(self) -> None:
        copy(self.app, self.text)
        self.notify(f"{TITLES[self.fmt]} copied (the secret masked).", title="Copied")
