"""The keymap, built from the same command table as the bindings and the command palette."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from r2tui.tui.commands import RECIPES, Command


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close", id="help-close")]

    def __init__(self, commands: Iterable[Command]) -> None:
        super().__init__()
        self.commands = list(commands)

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2), show_header=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for command in self.commands:
            table.add_row(command.display, command.help)
        table.add_row("", "")
        table.add_row("recipes", "")
        for task, keys in RECIPES:
            table.add_row("", f"{task}: {keys}")
        with VerticalScroll(id="help-dialog") as scroll:
            scroll.border_title = "r2tui keys"
            scroll.border_subtitle = "esc closes"
            yield Static(table)
