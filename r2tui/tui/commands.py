"""Every user action in one table: bindings, the help screen and the command palette use it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Command:
    key: str
    action: str
    label: str
    help: str
    id: str
    show: bool = True  # in the footer, which lists the shown ones in the table's order
    display: str = ""

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.label, show=self.show, id=self.id,
                       key_display=self.display or None)


SCREEN_COMMANDS: tuple[Command, ...] = (  # the footer's order: what must never drop off first
    Command("question_mark", "help", "Help", "Show this keymap and the everyday recipes", "help",
            display="?"),
    Command("u", "upload", "Upload",
            "Show the upload plan, then upload (queued while a batch runs)", "upload",
            display="u"),
    Command("c", "copy_signed", "Signed URL",
            "Copy a signed URL for the highlighted object (default expiry)", "copy-signed",
            display="c"),
    Command("m", "select_missing", "Missing",
            "Select every missing or changed file in the highlighted category "
            "(everywhere at the root)", "select-missing", display="m"),
    Command("slash", "filter", "Filter",
            "Filter the trees by key; enter goes to the first match, n/N to the next/previous, "
            "esc ends the filter", "filter", display="/"),
    Command("t", "switch_tree", "Tree",
            "Go to the other tree (bucket or local); on a narrow screen, show it instead",
            "switch-tree", display="t"),
    Command("space", "toggle_select", "Select", "Select or unselect the highlighted file",
            "select", show=False, display="space"),
    Command("d", "download", "Download",
            "Download the selected objects (or the highlighted one) into the local library, "
            "after confirming count and bytes", "download", show=False, display="d"),
    Command("delete", "trash", "Trash",
            "Move the selected objects (or the highlighted one) to the trash, after confirming "
            "count and size ('r2tui trash restore' puts them back)", "trash", show=False,
            display="del"),
    Command("M", "move", "Move…", "Move or rename the highlighted object, server-side",
            "move", show=False, display="M"),
    Command("C", "copy_signed_choose", "Signed URL…",
            "Copy a signed URL valid for 15 min, 1 h, 1 day or 7 days (keys 1-4)",
            "copy-signed-expiry", show=False, display="C"),
    Command("p", "copy_public", "Public URL",
            "Copy the public URL (cards and avatars only; videos are signed-only)",
            "copy-public", show=False, display="p"),
    Command("i", "toggle_details", "Details",
            "Show or hide the details pane (on a narrow screen it is hidden until asked for)",
            "details", show=False, display="i"),
    Command("r", "refresh", "Refresh", "List the bucket and scan the local library again",
            "refresh", show=False, display="r"),
    Command("o", "toggle_problems", "Problems only",
            "Show only missing, changed and extra files, and media with problems", "problems",
            show=False, display="o"),
    Command("v", "toggle_media", "Media view",
            "Categories by media: facts known, total duration, usual size, media problems "
            "(reads the local files' facts not known yet, once)", "media-view", show=False,
            display="v"),
    Command("T", "toggle_transfers", "Transfers", "Show or hide the transfers panel",
            "transfers", show=False, display="T"),
    Command("R", "retry_failed", "Retry failed", "Upload the failed files of the last batch again",
            "retry", show=False, display="R"),
    Command("x", "cancel_batch", "Cancel batch",
            "Cancel the running batch (upload or download) and drop the queued ones", "cancel",
            show=False, display="x"),
    Command("e", "deploy_settings", "Deploy env",
            "Show the web app's settings (.env, Render, Django) to copy; the secret stays masked",
            "deploy-env", show=False, display="e"),
)

APP_COMMANDS: tuple[Command, ...] = (
    Command("q", "quit", "Quit", "Quit (asks first while uploads run or wait)", "quit",
            display="q"),
)

OTHER_KEYS: tuple[Command, ...] = (
    Command("", "", "", "Expand or collapse a folder; '… load more' lists the next page",
            "open", display="enter"),
    Command("", "", "", "Move between the trees, the dashboard and the panels", "focus",
            display="tab"),
    Command("", "", "", "Command palette: every action by name", "palette", display="ctrl+p"),
)

RECIPES: tuple[tuple[str, str], ...] = (
    ("A 1-day signed link", "/  type the name  enter  C  3   (c: the default expiry)"),
    ("Where is videos/ incomplete?",
     "read the counts on videos/ and its folders, or o: problems only"),
    ("Upload what is missing", "m (in a category, or at the root: everywhere)  u  y"),
    ("Which videos will not play?", "v: media problems by category, then o: only those files"),
)
