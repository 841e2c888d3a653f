"""One referral: the student, the program, consent, the next follow-up and every status
change with its date and note. The same keys as the list act on it."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...domain.errors import SroError
from ...domain.referrals import ReferralRead
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from .referral_actions import ReferralActions

__all__ = ["ReferralScreen", "describe_referral"]


def describe_referral(referral: ReferralRead, tz) -> str:
    """The referral as plain text lines, for the screen."""
    consent = referral.consent.value
    if referral.consent_on:
        consent += f" ({referral.consent_on:%Y-%m-%d})"
    follow = f"{referral.next_follow_up_on:%Y-%m-%d}" if referral.next_follow_up_on else "none"
    lines = [
        f"Student:        {referral.student_name}",
        f"Program:        {referral.program_name}",
        f"Status:         {referral.status.value}",
        f"Referred:       {referral.referred_on:%Y-%m-%d} by {referral.referred_by_name}",
        f"Parent consent: {consent}",
        f"Next follow-up: {follow}",
    ]
    if referral.incident_id:
        lines.append(f"Linked incident: #{referral.incident_id}")
    if referral.note_id:
        lines.append(f"Linked mentoring note: #{referral.note_id}")
    lines += ["", "Reason", *[f"  {line}" for line in referral.reason.splitlines()], "", "History"]
    for event in referral.events:
        step = f"{event.from_status.value} → " if event.from_status else ""
        lines.append(
            f"  {event.on:%Y-%m-%d}  {step}{event.to_status.value}  ({event.by_name}, "
            f"entered {event.at.astimezone(tz):%m-%d %H:%M})"
        )
        if event.note:
            lines.append(f"      {event.note}")
    return "\n".join(lines)


class ReferralScreen(ReferralActions, Screen[None]):
    """A referral and its history."""

    BINDINGS = [
        Binding("a", "advance", "Next status", id="referral.advance"),
        Binding("x", "move", "Other status", id="referral.move"),
        Binding("c", "consent", "Consent", id="referral.consent"),
        Binding("escape", "back", "Back", id="referral.back"),
    ]

    DEFAULT_CSS = """
    ReferralScreen #referral-text {
        padding: 0 1;
    }
    """

    def __init__(self, referral_id: int) -> None:
        super().__init__()
        self.referral_id = referral_id
        self.referral: ReferralRead | None = None

    def compose(self) -> ComposeResult:
        yield SroHeader("Referral")
        with VerticalScroll():
            yield Static("Loading…", id="referral-text", markup=False)
        yield SroFooter()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="referral", exit_on_error=False)
    def load(self) -> None:
        app = self.app
        try:
            referral = self.services.referrals.get(self.actor, self.referral_id)
        except SroError as exc:
            app.call_from_thread(self._show_text, f"Could not open: {exc.message}")
            return
        app.call_from_thread(self.referral_changed, referral)

    def _show_text(self, text: str) -> None:
        self.query_one("#referral-text", Static).update(literal(text, multiline=True))

    def current_referral_id(self) -> int | None:
        return self.referral_id

    def referral_changed(self, referral: ReferralRead) -> None:
        if not referral.events and self.referral is not None:
            self.load()  # a list row carries no history: read the whole referral again
            return
        self.referral = referral
        self._show_text(describe_referral(referral, self.sro.tz))

    def action_back(self) -> None:
        self.dismiss(None)
