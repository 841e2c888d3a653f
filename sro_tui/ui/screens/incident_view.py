"""The read-only part of the incident screen: a report as stored, its supplements, and what
may still be done with it: a supplement (approved reports), approve or return (a supervisor,
on another officer's submitted report).

The incident screen (``incident_form``) shows this in place of the editor when the loaded
report may not be edited by the officer; its keys (a, p, r) call the methods here. Every store
call runs in a thread worker; the outcome comes back to the screen as a message.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from ...domain.enums import GangInvolvement, IncidentStatus, SuspectedUse, WeaponType
from ...domain.errors import SroError
from ...domain.incidents import IncidentRead, ReviewDecision, SupplementCreate
from ...domain.officers import Actor
from ...domain.permissions import may_review
from ...domain.timeparse import format_local
from ..access import SessionAccess
from ..text import literal
from ..unexpected import unexpected
from ..widgets.confirm import ConfirmScreen
from ..widgets.write_dialog import SupplementScreen, WriteScreen

__all__ = ["IncidentView", "may_review_record"]


def may_review_record(actor: Actor, record: IncidentRead | None) -> bool:
    """A supervisor may approve or return another officer's submitted report."""
    return (
        record is not None
        and record.status is IncidentStatus.SUBMITTED
        and may_review(actor)
        and record.officer_id != actor.officer_id
    )


class IncidentView(SessionAccess, VerticalScroll):
    """A report shown as stored (record text always literal)."""

    class Reviewed(Message):
        """The report was approved or returned: the screen closes."""

        def __init__(self, record: IncidentRead) -> None:
            super().__init__()
            self.record = record

    class Supplemented(Message):
        """A supplement was added: ``record`` is the report with it."""

        def __init__(self, record: IncidentRead) -> None:
            super().__init__()
            self.record = record

    class Refused(Message):
        """The store refused (or failed): the screen shows why."""

        def __init__(self, error: SroError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, record: IncidentRead, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="incident-view")
        self.record = record

    # -- showing ---------------------------------------------------------------------------------

    def _summary(self) -> str:
        record = self.record
        tz = self.services.ctx.tz
        lines = [
            f"Occurred:  {format_local(record.occurred_at, tz)}",
            f"School:    {record.school_name}",
            f"Location:  {record.location_name}",
            f"Entered:   {format_local(record.entered_at, tz)}",
        ]
        if record.submitted_at:
            lines.append(f"Submitted: {format_local(record.submitted_at, tz)}")
        if record.approved_at:
            lines.append(f"Approved:  {format_local(record.approved_at, tz)}")
        lines.append("")
        lines.append("Categories:")
        for o in record.offenses:
            mark = "★ " if o.most_severe else "  "
            extra = []
            if o.attempted:
                extra.append("attempted")
            if o.weapon is not WeaponType.NONE:
                extra.append(f"weapon: {o.weapon.value}")
            if o.suspected_use is not SuspectedUse.NONE:
                extra.append(f"suspected use: {o.suspected_use.value}")
            if o.gang is not GangInvolvement.NONE:
                extra.append(f"gang: {o.gang.value}")
            detail = f" ({', '.join(extra)})" if extra else ""
            lines.append(f"  {mark}{o.category_name} [{o.category_code}, NIBRS {o.nibrs}]{detail}")
        if record.people:
            lines.append("")
            lines.append("People:")
            for p in record.people:
                outcomes = ", ".join(o.value for o in p.outcomes)
                if p.custodial:
                    outcomes += " (custodial)"
                notified = (
                    f"; parent notified {format_local(p.parent_notified_at, tz)}"
                    if p.parent_notified_at
                    else ""
                )
                lines.append(f"  {p.name} — {p.role.value}; {outcomes or 'no outcome'}{notified}")
        if record.compliance:
            lines.append("")
            lines.append("Notifications:")
            for c in record.compliance:
                lines.append(f"  {c.kind.label}: done {format_local(c.done_at, tz)}")
        return "\n".join(lines)

    def compose(self) -> ComposeResult:
        record = self.record
        tz = self.services.ctx.tz
        yield Static(literal(self._summary(), multiline=True), classes="read-only")
        yield Label("Narrative", classes="section")
        yield Static(literal(record.narrative or "(none)", multiline=True), classes="read-only")
        yield Label(f"Supplements ({len(record.supplements)})", classes="section")
        for s in record.supplements:
            text = f"{format_local(s.created_at, tz)} · {s.author_name}\n{s.text}"
            yield Static(literal(text, multiline=True), classes="read-only supplement")
        if record.status is IncidentStatus.APPROVED:
            yield Label("Press a to add a supplement.", classes="field-label")
        elif record.status is IncidentStatus.SUBMITTED and self.may_review():
            yield Label("Press p to approve, r to return it with a comment.", classes="field-label")
        elif record.status is IncidentStatus.SUBMITTED:
            yield Label("Submitted: waiting for a supervisor's review.", classes="field-label")

    def may_review(self) -> bool:
        return may_review_record(self.actor, self.record)

    def may_supplement(self) -> bool:
        return self.record.status is IncidentStatus.APPROVED

    # -- supplement ------------------------------------------------------------------------------

    def add_supplement(self) -> None:
        """Ask for the supplement's text, then add it (approved reports only)."""
        if not self.may_supplement():
            return

        def written(text: str | None) -> None:
            if text is not None:
                self._add_supplement(self.record.id, text)

        self.app.push_screen(SupplementScreen(), written)

    @work(thread=True, group="supplement", exit_on_error=False)
    def _add_supplement(self, incident_id: int, text: str) -> None:
        try:
            updated = self.services.incidents.add_supplement(
                self.actor, incident_id, SupplementCreate(text=text)
            )
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            problem = unexpected(exc, "Supplement not added", "Try again.")
            self.app.call_from_thread(self._refused, problem)
            return
        self.app.call_from_thread(self._supplemented, updated)

    def _supplemented(self, record: IncidentRead) -> None:
        self.record = record
        self.post_message(self.Supplemented(record))
        self.refresh(recompose=True)

    # -- review ----------------------------------------------------------------------------------

    def approve(self) -> None:
        """Confirm, then approve (the report is locked from then on)."""
        if not self.may_review():
            return
        record = self.record

        def answered(yes: bool | None) -> None:
            if yes:
                self._review(record.id, approve=True, comment="")

        self.app.push_screen(
            ConfirmScreen(f"Approve {record.number}? It is locked from then on.", yes="Approve"),
            answered,
        )

    def return_report(self) -> None:
        """Ask what needs to change, then return the report to its officer."""
        if not self.may_review():
            return
        record = self.record

        def written(comment: str | None) -> None:
            if comment is not None:
                self._review(record.id, approve=False, comment=comment)

        self.app.push_screen(
            WriteScreen(
                f"Return {record.number}: what needs to change?",
                verb="return",
                required="Say what needs to change before returning the report",
            ),
            written,
        )

    @work(thread=True, group="review", exit_on_error=False)
    def _review(self, incident_id: int, *, approve: bool, comment: str) -> None:
        incidents = self.services.incidents
        try:
            decision = ReviewDecision(comment=comment)
            if approve:
                result = incidents.approve(self.actor, incident_id, decision)
            else:
                result = incidents.return_for_changes(self.actor, incident_id, decision)
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            problem = unexpected(exc, "Review not recorded", "Try again.")
            self.app.call_from_thread(self._refused, problem)
            return
        self.app.call_from_thread(self._reviewed, result)

    def _reviewed(self, record: IncidentRead) -> None:
        self.post_message(self.Reviewed(record))

    def _refused(self, error: SroError) -> None:
        self.post_message(self.Refused(error))
