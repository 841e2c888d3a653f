"""One referral: the student, the program, consent, the next follow-up and every status
change with its date and note. The same keys as the list act on it; ``s`` opens the student's
timeline, ``i`` and ``m`` the incident or mentoring note it was made from (the app hears
:class:`~sro_tui.ui.messages.OpenRecord`)."""

from __future__ import annotations

from datetime import tzinfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...domain.errors import SroError
from ...domain.referrals import ReferralRead
from ..messages import OpenRecord, RecordKind
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from .referral_actions import ReferralActions

__all__ = ["ReferralScreen", "describe_referral"]


def describe_referral(referral: ReferralRead, tz: tzinfo) -> str:
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
        lines.append(f"Linked incident: #{referral.incident_id} (i opens it)")
    if referral.note_id:
        lines.append(f"Linked mentoring note: #{referral.note_id} (m opens it)")
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
        Binding("s", "open('student')", "Student", id="referral.student"),
        Binding("i", "open('incident')", "Incident", id="referral.incident"),
        Binding("m", "open('note')", "Note", id="referral.note"),
        Binding("escape", "back", "Back", id="referral.back"),
    ]

    CSS_PATH = "referral_detail.tcss"

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

    def shown_referral(self) -> ReferralRead | None:
        return self.referral  # a change is made against the version shown

    def referral_changed(self, referral: ReferralRead) -> None:
        if not referral.events and self.referral is not None:
            self.load()  # a list row carries no history: read the whole referral again
            return
        self.referral = referral
        self._show_text(describe_referral(referral, self.sro.tz))
        self.refresh_bindings()

    def linked(self, kind: str) -> int | None:
        """The id of the student, incident or note this referral names (None: none, or
        not loaded yet)."""
        referral = self.referral
        if referral is None:
            return None
        return {
            "student": referral.student_id,
            "incident": referral.incident_id,
            "note": referral.note_id,
        }.get(kind)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open":
            # Shown only when the referral names one; hidden otherwise.
            return self.linked(str(parameters[0])) is not None
        if action in ("advance", "move", "consent"):
            return True if self.referral is not None else None
        return True

    def action_open(self, kind: RecordKind) -> None:
        record_id = self.linked(kind)
        if record_id is not None:
            self.post_message(OpenRecord(kind, record_id))

    def action_back(self) -> None:
        self.dismiss(None)
