"""The incident report screen: when, where, what (categories), who, outcomes, notifications,
narrative; saved as a draft report, submitted for review (F9), and, when the officer may not
edit it (submitted, approved, another officer's), shown read-only (``incident_view``) with
supplements and the supervisor's approve / return.

The screen draws its form at once and reads the store in a thread (``load``): choices, the
report, its draft. Keys typed meanwhile stay in their fields (``fill``). The form scrolls
(usable at 80x24). Every edit is autosaved as a draft (``forms.base``); an existing report's
draft is keyed by its id, so reopening the report brings the changes back.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Static

from ...domain.enums import IncidentStatus
from ...domain.errors import SroError
from ...domain.incidents import IncidentCreate, IncidentRead, IncidentUpdate
from ...domain.timeparse import format_local
from ..forms.base import FieldProblems, FormScreen, student_search
from ..forms.threat_form import ThreatOpenForm, may_open_case_from
from ..incident_draft import merge_typed, read_draft
from ..incident_load import DRAFT_FORM, IncidentLoad, IncidentRequest, read_incident
from ..incident_merge import IncidentMerge
from ..messages import OpenRecord
from ..text import literal, visible
from ..unexpected import unexpected
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.incident_editor import IncidentEditor
from ..widgets.incident_rows import ComplianceRow, OffenseRow, PersonRow
from ..widgets.write_dialog import SupplementScreen, WriteScreen
from .incident_view import (
    IncidentView,
    may_correct_record,
    may_review_record,
    may_void_record,
)

__all__ = [
    "ComplianceRow",
    "IncidentFormScreen",
    "OffenseRow",
    "PersonRow",
    "SupplementScreen",
    "WriteScreen",
]


class IncidentFormScreen(IncidentMerge, FormScreen):
    """The incident screen. ``incident_id`` opens a report (read-only when it may not be
    edited), ``draft_id`` a kept draft, ``prefill`` (location_code, occurred_at, school_id,
    note) a new one from the checklist."""

    FORM = DRAFT_FORM
    WHAT = "this incident report"
    AUTO_FOCUS = ""
    CSS_PATH = "incident_form.tcss"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="incident.save", priority=True),
        Binding("f9", "submit", "Submit for review", id="incident.submit"),
        # Priority: the new row takes the focus as the app reads the key, so keys typed
        # right after it land in the row (not in the field it was pressed in).
        Binding("ctrl+o", "add_offense", "Add category", id="incident.add_offense", priority=True),
        Binding("ctrl+t", "add_person", "Add person", id="incident.add_person", priority=True),
        Binding("a", "add_supplement", "Add supplement", id="incident.supplement"),
        Binding("p", "approve", "Approve", id="incident.approve"),
        Binding("r", "return_report", "Return", id="incident.return"),
        Binding("v", "void", "Void", id="incident.void"),
        Binding("h", "versions", "Earlier version", id="incident.versions"),
        Binding("c", "correct", "Correct", id="incident.correct"),
        Binding("t", "threat_case", "Threat case", id="incident.threat_case"),
        # One key, two uses: retry after a failed load, else refer (check_action picks).
        Binding("ctrl+r", "retry_load", "Retry", id="form.retry"),
        Binding("ctrl+r", "refer", "Refer student", id="incident.refer"),
        Binding("escape", "leave", "Back", id="incident.leave"),
    ]

    def __init__(
        self,
        incident_id: int | None = None,
        draft_id: int | None = None,
        prefill: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id, draft_key=str(incident_id) if incident_id else None)
        self.record: IncidentRead | None = None
        self.version: int | None = None
        self.editable = True
        self.load_problem: str | None = None
        self._submit_after_save = False
        self._typed_ahead: dict[str, Any] = {}
        self._new_when = ""
        self._app_school_id: int | None = None

    @property
    def is_new(self) -> bool:
        """A report not saved yet and not from a draft (its form is known before loading)."""
        return self.incident_id is None and self.draft_id is None

    # -- layout (no store: the skeleton shows at once) ---------------------------------------------

    def compose(self) -> ComposeResult:
        ctx = self.services.ctx
        school = self.sro.school
        self._app_school_id = school.id if school is not None else None
        occurred = self.prefill.get("occurred_at") or ctx.now()
        self._new_when = format_local(occurred, ctx.tz)
        yield SroHeader("Incident report")
        yield Static(literal(self._title_text()), id="incident-title")
        yield Static("", id="review-comment", classes="review-comment")
        yield from self.compose_message()
        note = str(self.prefill.get("note") or "") if self.is_new else ""
        self.editor = IncidentEditor(
            student_search(self.services, self.actor),  # runs in the type-ahead's thread
            when=self._new_when if self.is_new else "",
            note=note,
            id="incident-body",
        )
        # The fields, for the form machinery and tests.
        self.when, self.location, self.narrative = (
            self.editor.when,
            self.editor.location,
            self.editor.narrative,
        )
        yield self.editor
        yield SroFooter()

    def _title_text(self) -> str:
        if self.record is None:
            if self.load_problem is not None:
                return f"Cannot open this report: {self.load_problem}"
            return "New incident report" if self.is_new else "Incident report"
        record = self.record
        lock = "  (read-only)" if not self.editable else ""
        return f"Incident {record.number} · {record.status.value} · {record.officer_name}{lock}"

    def on_mount(self) -> None:
        # Where the officer starts typing: a new report's category, else when it happened.
        # (FormScreen's own on_mount runs after this one and starts the load.)
        # At once, not after the first refresh: a key typed before the first frame lands there.
        field = self.offense_rows()[0].category if self.is_new else self.when
        self.set_focus(field.input, scroll_visible=False)

    # -- loading (a thread) ----------------------------------------------------------------------

    def load(self) -> IncidentLoad:
        """Every store read of the screen (choices, the draft, the report: an audited read)."""
        request = IncidentRequest(
            incident_id=self.incident_id,
            draft_id=self.draft_id,
            draft_key=self.draft_key,
            prefill=self.prefill,
            school_id=self._app_school_id,
            when=self._new_when,
        )
        return read_incident(self.services, self.actor, request)

    # -- filling (the UI thread) -----------------------------------------------------------------

    def _loaded(self, loaded: object) -> None:
        # The lower part of the form is mounted right after its first frame: fill the form
        # once all of it is there (the rows it loads go into boxes down there).
        fill = super()._loaded
        self.editor.when_ready(lambda: fill(loaded))

    def typed_while_loading(self) -> dict[str, Any]:
        typed = super().typed_while_loading()
        self._typed_ahead = typed  # fill leaves these fields alone and merges lists into it
        return typed

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, IncidentLoad)
        self.record = loaded.record
        self.editable = loaded.editable
        self.draft_id, self.draft_key = loaded.draft_id, loaded.draft_key or self.draft_key
        self.from_draft = loaded.from_draft
        draft = loaded.draft
        if loaded.record is not None:
            self.incident_id = loaded.record.id
            self.version = draft.version or loaded.record.version
        self.load_problem = loaded.problem
        self._show_title()
        if loaded.problem is not None:
            self._cannot_open(loaded.problem)
            return
        if not self.editable:
            self._show_read_only()
            return
        editor = self.editor
        editor.categories = loaded.categories
        editor.category_choices = loaded.category_choices
        editor.location_choices = loaded.location_choices
        typed = self._typed_ahead
        # Lists and a narrative typed into meanwhile are merged here and put back by restore.
        merge_typed(typed, draft, skeleton_narrative=self._skeleton_narrative())
        editor.show(draft, loaded.schools, keep=typed.keys())
        if loaded.note:
            self.set_message(loaded.note, error=False)
        elif self.from_draft:
            self.set_message("Your unsaved changes were restored from a draft.", error=False)
        # Choices for the type-aheads typed into meanwhile, once their text is back in them:
        # an Enter typed ahead then takes its first match.
        self.call_later(self._offer_choices)

    def _skeleton_narrative(self) -> str:
        return str(self.prefill.get("note") or "") if self.is_new else ""

    def _offer_choices(self) -> None:
        if self.editable and self.load_problem is None:
            self.editor.offer()

    def restore(self, payload: dict[str, Any]) -> None:
        """Put a payload into the fields (after loading: what was typed meanwhile, with the
        lists merged by ``fill``)."""
        typed, self._typed_ahead = self._typed_ahead, {}
        draft = read_draft({**payload, **typed})
        if self.editable and self.load_problem is None and draft is not None:
            self.editor.apply(draft)

    def _show_title(self) -> None:
        self.query_one("#incident-title", Static).update(literal(self._title_text()))
        record = self.record
        banner = self.query_one("#review-comment", Static)
        shown = (
            record is not None
            and bool(record.review_comment)
            and record.status is IncidentStatus.RETURNED
        )
        if record is not None and shown:
            by = next((r.by_name for r in reversed(record.reviews) if r.action == "returned"), "")
            who = f" by {by}" if by else ""
            banner.update(literal(f"Returned{who}: {record.review_comment}", multiline=True))
        banner.set_class(shown, "-shown")

    def _cannot_open(self, problem: str) -> None:
        self.query_one("#incident-body").remove()
        self.notify(visible(problem), markup=False, severity="error")
        self.refresh_bindings()

    def _show_read_only(self) -> None:
        assert self.record is not None
        self.query_one("#incident-body").remove()
        view = IncidentView(self.record, id="incident-view")
        self.mount(view, before=self.query_one(SroFooter))
        self.call_after_refresh(view.focus)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry_load":
            return super().check_action(action, parameters)
        if action == "add_supplement":
            return self.record is not None and self.record.status is IncidentStatus.APPROVED
        if action in ("approve", "return_report"):
            return self.may_review_this()
        if action == "void":
            return may_void_record(self.actor, self.record)
        if action == "versions":
            return self.record is not None and self.record.revisions > 1
        if action == "correct":
            return may_correct_record(self.actor, self.record)
        if action == "threat_case":
            return may_open_case_from(self.record) and not self.editable
        if action == "refer":
            return self.record is not None and any(p.student_id for p in self.record.people)
        if action in ("submit", "add_offense", "add_person", "save"):
            return self.editable and self.load_problem is None
        return True

    # -- rows ------------------------------------------------------------------------------------

    def offense_rows(self) -> list[OffenseRow]:
        return self.editor.offense_rows()

    def person_rows(self) -> list[PersonRow]:
        return self.editor.person_rows()

    def compliance_rows(self) -> list[ComplianceRow]:
        return self.editor.compliance_rows()

    async def action_add_offense(self) -> None:
        await self.editor.add_offense()

    async def action_add_person(self) -> None:
        await self.editor.add_person()

    def on_incident_editor_rows_changed(self, _message: IncidentEditor.RowsChanged) -> None:
        self.form_changed()

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    # -- drafts ------------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        if not self.editable or self.load_problem is not None:
            return {}
        return self.editor.draft(incident_id=self.incident_id, version=self.version).payload()

    def draft_title(self) -> str:
        number = f" {self.record.number}" if self.record else ""
        if not self.editable or self.load_problem is not None:
            return f"Incident{number}"
        return f"Incident{number} — {self.editor.summary()}"

    # -- save --------------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> IncidentCreate | IncidentUpdate | None:
        if not self.editable:
            raise SroError("This report cannot be changed here")
        values = self.editor.values(problems)
        if problems:
            # The narrative's own rules (length, characters) are checked with the rest.
            self.validate_model(
                IncidentCreate,
                problems,
                school_id=0,
                occurred_at=self.when.now(),
                location_code="X",
                narrative=self.narrative.text,
            )
            return None
        if self.incident_id is None:
            return self.validate_model(IncidentCreate, problems, **values)
        return self.validate_model(IncidentUpdate, problems, version=self.version, **values)

    def persist(self, data: IncidentCreate | IncidentUpdate) -> IncidentRead:
        incidents = self.services.incidents
        if isinstance(data, IncidentCreate):
            return incidents.create(self.actor, data)
        assert self.incident_id is not None
        return incidents.update(self.actor, self.incident_id, data)

    def saved(self, result: IncidentRead) -> None:
        self.record = result
        self.incident_id = result.id
        self.version = result.version
        self.draft_key = str(result.id)
        self._show_title()
        self.set_message("")
        self._baseline = self.collect()
        if self._submit_after_save:
            self._submit_after_save = False
            self._submit(result.id)
            return
        self.notify(f"Incident {result.number} saved", markup=False)

    # -- submit ------------------------------------------------------------------------------------

    def action_submit(self) -> None:
        """F9: save what is on screen, then hand the report to a supervisor."""
        if not self.editable or self._saving:
            return
        if self.record_loading or self.incident_id is None or self.is_changed():
            self._submit_after_save = True
            self.action_save()
            if not self._saving and not self.record_loading:  # problems: nothing was sent
                self._submit_after_save = False
            return
        self._submit(self.incident_id)

    def _submit(self, incident_id: int) -> None:
        self._saving = True
        self._run_submit(incident_id)

    @work(thread=True, group="form-save", exit_on_error=False)
    def _run_submit(self, incident_id: int) -> None:
        app = self.app
        try:
            result = self.services.incidents.submit(self.actor, incident_id)
        except SroError as exc:
            app.call_from_thread(self._submit_failed, exc)
            return
        except Exception as exc:  # never leave the form stuck in "saving"
            app.call_from_thread(self._submit_failed, unexpected(exc, "Not submitted"))
            return
        app.call_from_thread(self._submitted, result)

    def _submit_failed(self, error: SroError) -> None:
        self._saving = False
        self.handle_error(error)

    def _save_failed(self, error: SroError) -> None:
        # F9's save failed or was refused: a later save (a merge's) only saves; F9 again submits.
        self._submit_after_save = False
        super()._save_failed(error)

    def _submitted(self, result: IncidentRead) -> None:
        self._saving = False
        self._finished = True
        self.notify(f"Incident {result.number} submitted for review", markup=False)
        self.close_form(result)

    # -- refer, supplement, review ---------------------------------------------------------------

    def action_refer(self) -> None:
        """Refer a student of this (saved) report: the referral form opens prefilled with the
        student and the link to the report; with several students, pick one first."""
        record = self.record
        if record is None:
            return
        students = [p for p in record.people if p.student_id]
        if not students:
            self.notify("No student is named in this report", markup=False, severity="warning")
            return

        def refer(student_id: int | str | None) -> None:
            if student_id is None:
                return
            self.sro.open_new_referral(
                {
                    "student_id": int(student_id),
                    "incident_id": record.id,
                    "incident_number": record.number,
                }
            )

        if len(students) == 1:
            refer(students[0].student_id)
            return
        from .choice_prompt import ChoiceScreen

        options = [(f"{p.name} ({p.role.value})", str(p.student_id)) for p in students]
        self.app.push_screen(ChoiceScreen("Refer which student?", options), refer)

    def action_threat_case(self) -> None:
        """Open a threat assessment case from this report of a threat (its student)."""
        if self.record is not None and may_open_case_from(self.record):
            self.app.push_screen(ThreatOpenForm(self.record), self._case_opened)

    def _case_opened(self, case_id: int | None) -> None:
        if case_id is not None:
            self.post_message(OpenRecord("threat", case_id))

    def _view(self) -> IncidentView | None:
        views = self.query(IncidentView)
        return views.first() if views else None

    def may_review_this(self) -> bool:
        return may_review_record(self.actor, self.record)

    def action_add_supplement(self) -> None:
        if (view := self._view()) is not None:
            view.add_supplement()

    def action_approve(self) -> None:
        if (view := self._view()) is not None:
            view.approve()

    def action_return_report(self) -> None:
        if (view := self._view()) is not None:
            view.return_report()

    def action_void(self) -> None:
        if (view := self._view()) is not None:
            view.void()

    def action_versions(self) -> None:
        if (view := self._view()) is not None:
            view.step_back()

    def action_correct(self) -> None:
        from .incident_correction import IncidentCorrectionScreen

        if self.record is not None:
            self.app.push_screen(IncidentCorrectionScreen(self.record.id))

    def on_incident_view_voided(self, message: IncidentView.Voided) -> None:
        self.record = message.record
        self.notify(f"Incident {message.record.number} voided", markup=False)
        self.refresh_bindings()

    def on_incident_view_reviewed(self, message: IncidentView.Reviewed) -> None:
        record = message.record
        self.notify(f"Incident {record.number} {record.status.value}", markup=False)
        self._finished = True
        self.close_form(record)

    def on_incident_view_supplemented(self, message: IncidentView.Supplemented) -> None:
        self.record = message.record
        self.notify("Supplement added", markup=False)

    def on_incident_view_refused(self, message: IncidentView.Refused) -> None:
        self.handle_error(message.error)

    def close_form(self, result: Any = None) -> None:
        if self.app.screen is self:
            self.dismiss(result)
        else:
            self.app.pop_screen()
