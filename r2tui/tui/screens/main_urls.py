"""The main screen's URL keys (c, C, p): a signed or a public URL of the highlighted file, copied
to the clipboard. Signing runs in a worker: it first asks the bucket whether the object exists."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual import work

from r2tui.errors import ConfigError, UsageError
from r2tui.keys import check_key
from r2tui.tui.clipboard import copy
from r2tui.tui.messages import SignedUrlReady
from r2tui.tui.screens.dialogs import ExpiryScreen
from r2tui.tui.screens.main_base import MainScreenBase
from r2tui.tui.widgets.tree_entries import Kind


class UrlActions(MainScreenBase):
    """A mixin of MainScreen (see ``main_base.py``)."""

    def highlighted_key(self) -> str | None:
        """The highlighted file's key, if there is one and the key rule lets it have a URL."""
        entry = self.highlighted_entry()
        if entry is None or entry.kind is not Kind.FILE:
            self.tell("Highlight a file in one of the trees first.", severity="warning")
            return None
        try:
            return check_key(entry.key)
        except UsageError as exc:
            self.tell(f"No URL: {exc.message}", severity="warning")
            return None

    def action_copy_signed(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.sign(key, self.library.settings.expires)

    def action_copy_signed_choose(self) -> None:
        key = self.highlighted_key()
        if key is not None:
            self.app.push_screen(
                ExpiryScreen(key), lambda expires: expires and self.sign(key, expires)
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="url")
    def sign(self, key: str, expires: int) -> None:
        url = self.library.signed_url(key, expires)
        self.post_message(SignedUrlReady(key, url, expires))

    def on_signed_url_ready(self, message: SignedUrlReady) -> None:
        copy(self.app, message.url)
        until = datetime.now() + timedelta(seconds=message.expires)
        # The URL is shown too: where OSC 52 does not reach the clipboard (macOS Terminal,
        # some multiplexers), it can be selected from here.
        self.tell(f"Signed URL for {message.key} copied; valid until "
                  f"{until:%Y-%m-%d %H:%M}:\n{message.url}", title="Copied", timeout=30)

    def action_copy_public(self) -> None:
        key = self.highlighted_key()
        if key is None:
            return
        try:
            url = self.library.public_url(key)
        except (UsageError, ConfigError) as exc:
            self.tell(exc.message, title="No public URL", severity="warning")
            return
        copy(self.app, url)
        self.tell(f"Public URL for {key} copied; it does not expire:\n{url}", title="Copied",
                  timeout=30)
