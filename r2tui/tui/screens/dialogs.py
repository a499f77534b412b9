"""Small modal dialogs: yes/no confirmation, the signed-URL expiry choice, a move's new key."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
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
    ConfirmScreen Label { width: 100%; }
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
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="expiry-cancel"),
        *(Binding(str(n), f"choose({n - 1})", label, show=False, id=f"expiry-{n}")
          for n, (label, _) in enumerate(EXPIRY_CHOICES, start=1)),
    ]

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(expiry_question(self.key))
            yield OptionList(*(Option(f"{n}  {label}", id=str(s))
                               for n, (label, s) in enumerate(EXPIRY_CHOICES, start=1)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_choose(self, index: int) -> None:
        self.dismiss(EXPIRY_CHOICES[index][1])


def expiry_question(key: str) -> Text:
    return Text.assemble("Signed URL for ", literal(key, "bold"), ", valid for (1-4):")


class MoveScreen(ModalScreen[str | None]):
    """The new key of an object to move or rename: edited in place, or its name put under one
    of the category prefixes picked from the list. Dismisses the key, or None."""

    DEFAULT_CSS = """
    MoveScreen { align: center middle; }
    MoveScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 90%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    MoveScreen Input { margin-top: 1; }
    MoveScreen OptionList { height: auto; max-height: 10; margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="move-cancel")]

    def __init__(self, key: str, prefixes: list[str], cost: str) -> None:
        super().__init__()
        self.key = key
        self.prefixes = prefixes
        self.cost = cost

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text.assemble("Move ", literal(self.key, "bold"),
                                      " to (enter moves, esc cancels):"))
            yield Input(self.key, id="move-target")
            yield Label("or put it in a category folder:", classes="dim")
            yield OptionList(*(Option(literal(p), id=p) for p in self.prefixes))
            yield Label(self.cost, markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        name = self.key.rsplit("/", 1)[-1]
        target = self.query_one(Input)
        target.value = f"{event.option.id}{name}"
        target.focus()
