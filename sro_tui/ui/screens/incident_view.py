"""The read-only part of the incident screen: a report as stored, its supplements, and what
may still be done with it: a supplement (approved reports), approve or return (a supervisor,
on another officer's submitted report, or on a correction of an approved one waiting for
review), void with a reason (a supervisor), and its earlier versions (h steps back through
them: "version 1 of 2"). A voided report is shown struck through.

The incident screen (``incident_form``) shows this in place of the editor when the loaded
report may not be edited by the officer; its keys (a, p, r) call the methods here. Every store
call runs in a thread worker; the outcome comes back to the screen as a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static

from ...domain.enums import (
    BiasMotivation,
    GangInvolvement,
    IncidentStatus,
    SuspectedUse,
    WeaponType,
)
from ...domain.errors import SroError
from ...domain.incidents import (
    IncidentRead,
    IncidentVersionRead,
    ReviewDecision,
    SupplementCreate,
    VoidRequest,
)
from ...domain.officers import Actor
from ...domain.permissions import may_review
from ...domain.timeparse import format_local
from ..access import SessionAccess
from ..text import literal
from ..unexpected import unexpected
from ..widgets.confirm import ConfirmScreen
from ..widgets.write_dialog import SupplementScreen, WriteScreen

if TYPE_CHECKING:
    from ...services.corrections import IncidentCorrections

__all__ = ["IncidentView", "may_correct_record", "may_review_record", "may_void_record"]


def may_review_record(actor: Actor, record: IncidentRead | None) -> bool:
    """A supervisor may approve or return another officer's submitted report, and a
    correction of an approved report waiting for review (the service refuses the
    correction's own author)."""
    if record is None or not may_review(actor) or record.voided:
        return False
    if record.status is IncidentStatus.APPROVED and record.correction_pending:
        return True
    return record.status is IncidentStatus.SUBMITTED and record.officer_id != actor.officer_id


def may_correct_record(actor: Actor, record: IncidentRead | None) -> bool:
    """An approved report is corrected by its officer or a supervisor, one correction at a
    time (services/corrections.py)."""
    return (
        record is not None
        and record.status is IncidentStatus.APPROVED
        and not record.voided
        and not record.correction_pending
        and (may_review(actor) or record.officer_id == actor.officer_id)
    )


def may_void_record(actor: Actor, record: IncidentRead | None) -> bool:
    """A supervisor voids a report (once)."""
    return record is not None and may_review(actor) and not record.voided


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

    class Voided(Message):
        """The report was voided: ``record`` is the report as voided."""

        def __init__(self, record: IncidentRead) -> None:
            super().__init__()
            self.record = record

    def __init__(self, record: IncidentRead, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="incident-view")
        self.record = record
        # An earlier version being looked at (h), else None: the report as it stands.
        self.shown_version: IncidentVersionRead | None = None
        self.versions: list[IncidentVersionRead] = []

    # -- showing ---------------------------------------------------------------------------------

    def _summary(self) -> str:
        record = self.record
        tz = self.services.ctx.tz
        lines = [
            f"Occurred:  {format_local(record.occurred_at, tz)}",
            f"School:    {record.school_name}",
            f"Location:  {record.location_name}"
            + (f" (NIBRS {record.location_nibrs})" if record.location_nibrs else ""),
            f"Entered:   {format_local(record.entered_at, tz)}",
        ]
        if record.bias_motivation is not BiasMotivation.NONE:
            lines.append(f"Bias:      {record.bias_motivation.label}")
        if record.initiated_by is not None:
            lines.append(f"Initiated: {record.initiated_by.value}")
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
        if record.compliance or record.compliance_missing:
            lines.append("")
            lines.append("Notifications:")
            for c in record.compliance:
                lines.append(f"  {c.kind.label}: done {format_local(c.done_at, tz)}")
            for kind in record.compliance_missing:  # reminders, not yet recorded
                lines.append(f"  {kind.label}: not recorded")
        return "\n".join(lines)

    def _heading(self) -> str:
        record = self.record
        shown = self.shown_version
        if shown is not None:
            return f"Version {shown.number} of {record.revisions} (superseded) · h: an earlier one"
        line = f"Version {record.revision} of {record.revisions}"
        if record.revisions > 1:
            line += " · h: the earlier ones"
        if record.correction_pending:
            line += " · a correction waits for review"
        if record.voided:
            tz = self.services.ctx.tz
            line += (
                f"\nVOIDED {format_local(record.voided_at, tz)} by {record.voided_by_name}: "
                f"{record.void_reason} (counted in no report)"
            )
        return line

    def _version_summary(self, version: IncidentVersionRead) -> str:
        content = version.content
        tz = self.services.ctx.tz
        names = {p.student_id: p.name for p in self.record.people if p.student_id is not None}
        lines = [
            f"Occurred:  {format_local(content.occurred_at, tz)}",
            f"Location:  {content.location_code}",
            f"Approved:  {format_local(version.reviewed_at, tz) if version.reviewed_at else '-'}"
            + (f" by {version.reviewed_by_name}" if version.reviewed_by_name else ""),
            "",
            "Categories: " + ", ".join(o.category_code for o in content.offenses),
        ]
        if content.people:
            lines += ["", "People:"]
            for p in content.people:
                who = p.name or names.get(p.student_id or 0, f"student #{p.student_id}")
                outcomes = ", ".join(o.value for o in p.outcomes) or "no outcome"
                lines.append(f"  {who} — {p.role.value}; {outcomes}")
        return "\n".join(lines)

    def _struck(self, text: str) -> Text:
        shown = literal(text, multiline=True)
        if self.record.voided and self.shown_version is None:
            shown.stylize("strike")
        return shown

    def compose(self) -> ComposeResult:
        record = self.record
        tz = self.services.ctx.tz
        yield Static(literal(self._heading(), multiline=True), classes="read-only version-line")
        if self.shown_version is not None:
            version = self.shown_version
            yield Static(
                literal(self._version_summary(version), multiline=True), classes="read-only"
            )
            yield Label("Narrative", classes="section")
            yield Static(literal(version.content.narrative, multiline=True), classes="read-only")
            return
        yield Static(self._struck(self._summary()), classes="read-only")
        yield Label("Narrative", classes="section")
        yield Static(self._struck(record.narrative or "(none)"), classes="read-only")
        yield Label(f"Supplements ({len(record.supplements)})", classes="section")
        for s in record.supplements:
            text = f"{format_local(s.created_at, tz)} · {s.author_name}\n{s.text}"
            yield Static(literal(text, multiline=True), classes="read-only supplement")
        if record.voided:
            yield Label("Voided: kept as it was, counted in no report.", classes="field-label")
        elif record.correction_pending and self.may_review():
            yield Label(
                "A correction waits: p approves it, r declines it (with a comment).",
                classes="field-label",
            )
        elif record.status is IncidentStatus.APPROVED:
            yield Label(
                "Press a to add a supplement, c to correct it (a supervisor approves).",
                classes="field-label",
            )
        elif record.status is IncidentStatus.SUBMITTED and self.may_review():
            yield Label("Press p to approve, r to return it with a comment.", classes="field-label")
        elif record.status is IncidentStatus.SUBMITTED:
            yield Label("Submitted: waiting for a supervisor's review.", classes="field-label")

    def may_review(self) -> bool:
        return may_review_record(self.actor, self.record)

    def may_supplement(self) -> bool:
        return self.record.status is IncidentStatus.APPROVED and not self.record.voided

    def may_void(self) -> bool:
        return may_void_record(self.actor, self.record)

    def _corrections(self) -> IncidentCorrections:
        return self.services.corrections

    # -- void --------------------------------------------------------------------------------------

    def void(self) -> None:
        """Ask why, then void the report (a supervisor)."""
        if not self.may_void():
            return
        record = self.record

        def written(reason: str | None) -> None:
            if reason is not None:
                self._void(record.id, reason)

        self.app.push_screen(
            WriteScreen(
                f"Void {record.number}: why? (kept, counted in no report)",
                verb="void",
                required="Say why the report is voided",
            ),
            written,
        )

    @work(thread=True, group="void", exit_on_error=False)
    def _void(self, incident_id: int, reason: str) -> None:
        try:
            result = self._corrections().void(
                self.actor, incident_id, VoidRequest(reason=reason.strip()[:200])
            )
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            problem = unexpected(exc, "Report not voided", "Try again.")
            self.app.call_from_thread(self._refused, problem)
            return
        self.app.call_from_thread(self._voided, result)

    def _voided(self, record: IncidentRead) -> None:
        self.record = record
        self.post_message(self.Voided(record))
        self.refresh(recompose=True)

    # -- versions --------------------------------------------------------------------------------

    def has_versions(self) -> bool:
        return self.record.revisions > 1

    def step_back(self) -> None:
        """Show the version before the one shown (back to the current after the first)."""
        if not self.has_versions():
            return
        if self.versions:
            self._step()
        else:
            self._load_versions(self.record.id)

    @work(thread=True, group="versions", exit_on_error=False)
    def _load_versions(self, incident_id: int) -> None:
        try:
            versions = self._corrections().versions(self.actor, incident_id)
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            problem = unexpected(exc, "Versions not loaded", "Try again.")
            self.app.call_from_thread(self._refused, problem)
            return
        self.app.call_from_thread(self._versions_loaded, versions)

    def _versions_loaded(self, versions: list[IncidentVersionRead]) -> None:
        self.versions = [v for v in versions if v.number is not None]
        self._step()

    def _step(self) -> None:
        current = self.record.revision
        shown = self.shown_version.number if self.shown_version else current
        earlier = [v for v in self.versions if v.number is not None and v.number < (shown or 0)]
        self.shown_version = earlier[-1] if earlier else None
        if self.shown_version is not None and self.shown_version.number == current:
            self.shown_version = None
        self.refresh(recompose=True)

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

        question = f"Approve {record.number}? It is locked from then on."
        if record.correction_pending:
            question = (
                f"Approve the correction of {record.number}? "
                f"It becomes version {record.revisions + 1}; the reports count it."
            )
        self.app.push_screen(ConfirmScreen(question, yes="Approve"), answered)

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
            if self.record.correction_pending:  # the correction is what is decided
                corrections = self._corrections()
                decide = corrections.approve if approve else corrections.return_for_changes
                result = decide(self.actor, incident_id, decision)
            elif approve:
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
