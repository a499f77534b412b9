"""Small modal dialogs: yes/no confirmation and the signed-URL expiry choice."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList
from textual.widgets.option_list import Option

from r2tui.tui.format import literal

EXPIRY_CHOICES: tuple[tuple[str, int], ...] = (
    ("15 minutes", 15 * 60),
    ("1 hour", 3600),
    ("1 day", 24 * 3600),
    ("7 days (the most SigV4 allows)", 7 * 24 * 3600),
)


class ConfirmScreen(ModalScreen[bool]):
    """A question with Yes/No; dismisses True on yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 64; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; margin-top: 1; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            with Horizontal():
                yield Button(self.yes, variant="warning", id="yes")
                yield Button("No", id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class ExpiryScreen(ModalScreen[int | None]):
    """How long the signed URL should stay valid."""

    DEFAULT_CSS = """
    ExpiryScreen { align: center middle; }
    ExpiryScreen > Vertical {
        width: 64; height: auto; padding: 1 2; border: thick $accent; background: $surface;
    }
    ExpiryScreen Label { width: 100%; }
    ExpiryScreen OptionList { height: auto; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="expiry-cancel")]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(expiry_question(self.key))
            yield OptionList(*(Option(label, id=str(s)) for label, s in EXPIRY_CHOICES))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)


def expiry_question(key: str) -> Text:
    return Text.assemble("Signed URL for ", literal(key, "bold"), ", valid for:")
