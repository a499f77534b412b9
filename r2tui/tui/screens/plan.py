"""The upload plan, shown before anything is sent: files, bytes, copies instead of uploads."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Label

from r2tui.costs import UploadCost, usd
from r2tui.formatting import size
from r2tui.transfers import Action, PlanItem, UploadPlan
from r2tui.tui.format import literal

SHOWN_ITEMS = 200


class PlanScreen(ModalScreen[bool]):
    """Dismisses True when the user starts the upload."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Start", id="plan-start"),
        Binding("n,escape", "answer(False)", "Cancel", id="plan-cancel"),
    ]

    def __init__(self, plan: UploadPlan, cost: UploadCost) -> None:
        super().__init__()
        self.plan = plan
        self.cost = cost

    def compose(self) -> ComposeResult:
        plan = self.plan
        with Vertical(id="plan-dialog"):
            yield Label("Upload plan", id="plan-title")
            yield Label(self._summary(), id="plan-summary", markup=False)
            table: DataTable[str] = DataTable(id="plan-items", cursor_type="row")
            table.add_columns("Action", "Key", "Size", "Note")
            for item in plan.items[:SHOWN_ITEMS]:
                table.add_row(*plan_row(item))
            for key, reason in sorted(plan.refused.items())[:SHOWN_ITEMS]:
                table.add_row(Text("refused", style="bold red"), literal(key), Text(""),
                              literal(reason))
            yield table
            with Horizontal(id="plan-buttons"):
                yield Button("Start upload (y)", variant="success", id="start",
                             disabled=not (plan.uploads or plan.copies))
                yield Button("Cancel (n)", id="cancel")

    def _summary(self) -> str:
        p = self.plan
        lines = [
            f"{p.uploads} file(s) to upload, {size(p.bytes_to_send)} to send",
            f"{p.copies} server-side copies instead of uploads (same content already there)"
            + (f", {p.renames} of them renames (the old key goes to the trash)"
               if p.renames else ""),
            f"{p.skips} skipped" + (f", {len(p.refused)} refused (broken media: "
                                   "'r2tui upload --force' sends them)" if p.refused else ""),
            self._cost(),
        ]
        if len(p.items) > SHOWN_ITEMS:
            lines.append(f"(first {SHOWN_ITEMS} of {len(p.items)} items listed)")
        if not (p.uploads or p.copies):
            lines.append("Nothing to send.")
        return "\n".join(lines)

    def _cost(self) -> str:
        c = self.cost
        return (f"Cost: about {c.class_a_ops:,} Class A operations ({usd(c.operations_usd)} once)"
                f" · {size(c.added_bytes)} more stored: +{usd(c.storage_month_usd)}/month"
                " after the free tier")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "start")

    def action_answer(self, answer: bool) -> None:
        sends = any(i.action is not Action.SKIP for i in self.plan.items)
        self.dismiss(answer and sends)


def plan_row(item: PlanItem) -> tuple[Text, ...]:
    """Action, key, size and note of one item; the key and the note exactly as they are."""
    if item.action is Action.RENAME:
        note = f"from {item.source_key} (then to the trash)"
    else:
        note = f"copy of {item.source_key}" if item.source_key else item.reason
    return Text(item.action.value), literal(item.key), Text(size(item.size)), literal(note)
