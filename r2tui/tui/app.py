"""The Textual app: composition, bindings and routing only; the screens and widgets do the work."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial

from textual import work
from textual.app import App, SystemCommand
from textual.screen import Screen

from r2tui.errors import ConfigError, R2TuiError, StorageError
from r2tui.keys import printable
from r2tui.library import Library
from r2tui.settings import Settings
from r2tui.tui.commands import APP_COMMANDS, SCREEN_COMMANDS
from r2tui.tui.inflight import InFlight
from r2tui.tui.messages import WorkerErrored
from r2tui.tui.screens.dialogs import ConfirmScreen
from r2tui.tui.screens.main import MainScreen

BANNER_GROUPS = ("report", "level:")


class R2TuiApp(App[int]):
    CSS_PATH = "r2tui.tcss"
    TITLE = "r2tui"
    BINDINGS = [command.binding() for command in APP_COMMANDS]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.in_flight = InFlight()
        self.main = MainScreen(library, self.in_flight)

    def get_default_screen(self) -> Screen[None]:
        return self.main

    def on_unmount(self) -> None:
        """Close the store once no worker thread uses it: now, or when the last one returns."""
        self.main.transfers.stop()
        self.in_flight.when_idle(self.library.close)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for command in SCREEN_COMMANDS:
            yield SystemCommand(command.label, command.help,
                                partial(self.main.run_action, command.action))

    def on_worker_errored(self, message: WorkerErrored) -> None:
        """The one place worker failures are turned into what the user sees."""
        worker = message.worker
        if worker.error is None:
            return
        error = worker.error
        message = error.message if isinstance(error, R2TuiError) else (
            f"{type(error).__name__}: {error}"
        )
        if isinstance(error, StorageError | ConfigError) and worker.group.startswith(BANNER_GROUPS):
            self.main.show_error(message)
        self.notify(printable(message), title="Error", severity="error", timeout=8, markup=False)

    async def action_quit(self) -> None:
        panel = self.main.transfers
        if not panel.busy:
            self.exit(0)
            return

        def answer(quit_now: bool | None) -> None:
            if quit_now:
                panel.cancel()
                self.exit_when_stopped()

        queued = f" and {len(panel.queued)} more queued" if panel.queued else ""
        self.push_screen(ConfirmScreen(f"An upload is running{queued}. Cancel and quit?",
                                       yes="Cancel uploads and quit"), answer)

    @work(exclusive=True, group="quit")
    async def exit_when_stopped(self) -> None:
        """Quit once the cancelled batch's requests in flight have ended (the panel says it
        waits for them), so that no worker outlives the store."""
        await asyncio.to_thread(self.in_flight.wait_idle)
        self.exit(0)


def build_app(settings: Settings) -> R2TuiApp:
    """The tests', the snapshots' and the screenshots' factory (``r2tui`` and the demo use
    r2tui.cli.app.make_app, which begins the first report before Textual is imported)."""
    return R2TuiApp(Library(settings))
