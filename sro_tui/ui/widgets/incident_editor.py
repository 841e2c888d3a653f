"""The editable body of the incident report: when, school, where, categories, people,
notifications, narrative, and the Save / Submit buttons.

It knows its fields and rows, shows an :class:`~sro_tui.ui.incident_draft.IncidentDraft`
(``show``, ``apply``) and gives one back (``draft``), turns itself into the values of a domain
schema (``values``) and keeps the notifications in step with the categories. It reads no
store: the incident screen loads the choices and hands them over (``offer``). Adding or
removing a row posts :class:`IncidentEditor.RowsChanged` (the screen autosaves).

It opens in two steps so that the first frame, which takes keys, comes fast: ``compose`` draws
only the top of the form (when, where, the first category row, where the cursor starts) and
no Select (the heaviest widget to mount); the rest (the school, the first category's
details, people, notifications, narrative, buttons) is mounted right after that first frame
(:meth:`IncidentEditor.ensure_rest`). Keys typed meanwhile stay where they were
typed; the screen fills the form from the store only once the rest is there (``when_ready``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection
from datetime import datetime
from functools import partial
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Label, Select, SelectionList, Static

from ...domain.enums import BiasMotivation, ComplianceKind, ContactInitiator
from ...domain.incidents import OffenseIn, required_compliance
from ...domain.schools import CategoryRead, SchoolRead
from ...domain.timeparse import TimeParseError, format_local
from ..forms.base import FieldProblems
from ..forms.core import FormCore
from ..incident_draft import IncidentDraft
from ..text import RecordTextArea, literal
from .fields import LabelledField, TimeField
from .incident_rows import (
    INITIATORS,
    ComplianceRow,
    OffenseRow,
    PersonRow,
    sync_compliance,
    sync_rows,
)
from .typeahead import Choice, TypeAhead

__all__ = ["IncidentEditor"]


class IncidentEditor(VerticalScroll):
    """The incident form's fields (it scrolls: usable at 80x24). ``when`` and ``note`` are a
    new report's time and narrative; a report being loaded starts empty."""

    class RowsChanged(Message):
        """A row was added or removed."""

    def __init__(
        self,
        search: Callable[[str], list[Choice]],
        *,
        when: str = "",
        note: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.search = search
        self.categories: dict[str, CategoryRead] = {}
        self.category_choices: list[Choice] = []
        self.location_choices: list[Choice] = []
        self.when = TimeField(text=when)
        self.school: Select[int] = Select([], prompt="Pick the school", id="school-select")
        # The school's Select comes with the rest (a Select is the heaviest field to mount, and
        # the school is filled in from the store): its place is kept in the first frame.
        self._school_slot = Vertical(id="school-slot")
        self.location = TypeAhead(choices=[], placeholder="type: park, hall, cafe…")
        self.narrative = RecordTextArea(note, soft_wrap=True, id="narrative-input")
        # The offender's bias motivation (NIBRS codes); mounted with the rest of the form.
        self._bias = BiasMotivation.NONE
        self.bias: Select[str] = Select(
            [(b.label, b.value) for b in BiasMotivation],
            value=self._bias.value,
            allow_blank=False,
            id="bias-select",
        )
        # Who brought the matter to the officer (blank: not said); mounted with the rest.
        self._initiated: ContactInitiator | None = None
        self.initiated: Select[str] = Select(
            INITIATORS, prompt="Not recorded", id="initiated-select"
        )
        # The row boxes, made here so that the rows can be read before the rest is mounted
        # (an unmounted box has no rows yet, as the form has none before it is filled).
        self._boxes: dict[str, Vertical] = {
            "offenses": Vertical(
                LabelledField("", Static("", classes="anchor"), field="offenses"),
                OffenseRow([], details_later=True),
                id="offenses",
            ),
            "people": Vertical(
                LabelledField("", Static("", classes="anchor"), field="people"), id="people"
            ),
            "compliance": Vertical(
                Static("", id="compliance-none", classes="field-label"), id="compliance"
            ),
        }
        self.rest_mounted = False
        self._rest_started = False
        self._rest_done = asyncio.Event()
        self._when_ready: list[Callable[[], object]] = []

    def compose(self) -> ComposeResult:
        # The first frame: the fields the cursor starts in and what is around them.
        with Horizontal(classes="row"):
            yield LabelledField("Occurred", self.when, field="occurred_at", required=True)
            yield LabelledField("School", self._school_slot, field="school_id", required=True)
        yield LabelledField("Location", self.location, field="location_code", required=True)

        yield Label("Categories  (ctrl+o adds one; mark the most severe)", classes="section")
        yield self._boxes["offenses"]

    def _rest(self) -> list[Widget]:
        """The part of the form below the first category, mounted after the first frame."""
        status = self.screen.status_text if isinstance(self.screen, FormCore) else ""
        return [
            Button("+ Category", id="add-offense", classes="add-row", compact=True),
            Label("People involved  (ctrl+t adds one)", classes="section"),
            self._boxes["people"],
            Button("+ Person", id="add-person", classes="add-row", compact=True),
            Label("Notifications the law asks for", classes="section"),
            self._boxes["compliance"],
            LabelledField("Who called you to it (CRDC)", self.initiated, field="initiated_by"),
            LabelledField("Bias motivation (NIBRS)", self.bias, field="bias_motivation"),
            Label("Narrative", classes="section"),
            LabelledField("", self.narrative, field="narrative"),
            Horizontal(
                Button("Save (ctrl+s)", id="save", variant="primary", compact=True),
                Button("Submit for review (F9)", id="submit", compact=True),
                Static(status, classes="draft-status"),
                id="form-buttons",
            ),
        ]

    def on_mount(self) -> None:
        self.call_after_refresh(self.ensure_rest)

    async def ensure_rest(self) -> None:
        """Mount the rest of the form (once; a second caller waits for the first)."""
        if self._rest_started:
            await self._rest_done.wait()
            return
        self._rest_started = True
        if self._pruning or self._closing or not self.is_attached:
            return  # the form closed before its first frame: nothing to finish
        await self._school_slot.mount(self.school)
        for row in self.offense_rows():
            await row.mount_details()
        await self.mount_all(self._rest())
        self.rest_mounted = True
        self._rest_done.set()
        waiting, self._when_ready = self._when_ready, []
        for callback in waiting:
            callback()

    def when_ready(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the whole form is mounted (at once if it is)."""
        if self.rest_mounted:
            callback()
        else:
            self._when_ready.append(callback)

    # -- rows --------------------------------------------------------------------------------------

    def _box(self, name: str) -> Vertical:
        """The container of one kind of row (kept: querying the whole form on every key
        would be slow)."""
        return self._boxes[name]

    def offense_rows(self) -> list[OffenseRow]:
        return [c for c in self._box("offenses").children if isinstance(c, OffenseRow)]

    def person_rows(self) -> list[PersonRow]:
        return [c for c in self._box("people").children if isinstance(c, PersonRow)]

    def compliance_rows(self) -> list[ComplianceRow]:
        return [c for c in self._box("compliance").children if isinstance(c, ComplianceRow)]

    async def add_offense(self) -> None:
        row = OffenseRow(self.category_choices)
        await self._box("offenses").mount(row)
        # At once, not with focus() (a callback after keys already typed): the next key
        # typed goes into the new row.
        self.screen.set_focus(row.category.input)
        self.post_message(self.RowsChanged())

    async def add_person(self) -> None:
        await self.ensure_rest()  # ctrl+t before the people's box was mounted
        row = PersonRow(self.search)
        await self._box("people").mount(row)
        self.screen.set_focus(row.who.input)
        self.post_message(self.RowsChanged())

    @on(Button.Pressed, "#add-offense, #add-person, .remove-row")
    async def _row_button(self, event: Button.Pressed) -> None:
        """Add and remove rows (Save and Submit go on to the screen)."""
        event.stop()
        button = event.button
        if button.id == "add-offense":
            await self.add_offense()
            return
        if button.id == "add-person":
            await self.add_person()
            return
        for row in button.ancestors:
            if isinstance(row, OffenseRow | PersonRow):
                await row.remove()
                break
        self.refresh_compliance()
        self.post_message(self.RowsChanged())

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        # One most severe category: marking one clears the others.
        if event.checkbox.has_class("most-severe") and event.value:
            for row in self.offense_rows():
                if row.most_severe is not event.checkbox and row.most_severe.value:
                    row.most_severe.value = False
        if any(isinstance(a, PersonRow) for a in event.checkbox.ancestors):
            self.refresh_compliance()  # a juvenile arrested: WIC 625.6

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        if any(isinstance(a, PersonRow) for a in event.selection_list.ancestors):
            self.refresh_compliance()

    def on_type_ahead_picked(self, event: TypeAhead.Picked) -> None:
        if any(isinstance(a, OffenseRow) for a in event.typeahead.ancestors):
            self.refresh_compliance()

    def on_select_changed(self, event: Select.Changed) -> None:
        if any(isinstance(a, OffenseRow) for a in event.select.ancestors):
            self.refresh_compliance()

    # -- notifications ---------------------------------------------------------------------------

    def needed_compliance(self) -> set[ComplianceKind]:
        """The notifications the categories, weapons and people on the form call for."""
        offenses = []
        for row in self.offense_rows():
            data = row.collect()
            category = self.categories.get(str(data.code))
            offenses.append((category.compliance if category else (), data.weapon))
        people = [(p.juvenile, p.outcomes) for p in (r.collect() for r in self.person_rows())]
        return required_compliance(offenses, people)

    def refresh_compliance(self) -> None:
        """Rows for the notifications now called for (nothing is known before loading)."""
        if not self.categories:
            return
        box = self._box("compliance")
        needed = self.needed_compliance()
        have = {row.kind: row for row in self.compliance_rows()}
        for kind, row in have.items():
            # One no longer called for goes, unless it was marked done (that stays true).
            if kind not in needed and not row.done.value:
                row.remove()
        for kind in sorted(needed - set(have), key=lambda k: k.value):
            box.mount(ComplianceRow(kind))
        none = self.query_one("#compliance-none", Static)
        none.update("" if needed or have else "None for these categories.")

    # -- the draft -------------------------------------------------------------------------------

    def draft(self, *, incident_id: int | None, version: int | None) -> IncidentDraft:
        """Everything typed."""
        school = self.school.value
        return IncidentDraft(
            incident_id=incident_id,
            version=version,
            when=self.when.text,
            school_id=school if isinstance(school, int) else None,
            location=self.location.value,
            location_text=self.location.text,
            offenses=[row.collect() for row in self.offense_rows()],
            people=[row.collect() for row in self.person_rows()],
            compliance={row.kind: row.collect() for row in self.compliance_rows()},
            narrative=self.narrative.text,
            bias_motivation=self.bias_motivation(),
            initiated_by=self.initiated_by(),
        )

    def initiated_by(self) -> ContactInitiator | None:
        """Who brought the matter to the officer (what was shown last until mounted)."""
        if not self.rest_mounted:
            return self._initiated
        value = self.initiated.value
        return ContactInitiator(value) if isinstance(value, str) else None

    def _show_initiated(self, initiated: ContactInitiator | None) -> None:
        self._initiated = initiated
        wanted = initiated.value if initiated else Select.NULL
        if self.initiated.value != wanted:
            self.initiated.value = wanted

    def bias_motivation(self) -> BiasMotivation:
        """The bias picked (what was shown last until the Select is mounted)."""
        value = self.bias.value
        return BiasMotivation(value) if isinstance(value, str) else self._bias

    def _show_bias(self, bias: BiasMotivation) -> None:
        self._bias = bias
        if self.bias.value != bias.value:
            self.bias.value = bias.value

    def show(
        self,
        draft: IncidentDraft,
        schools: list[SchoolRead],
        *,
        keep: Collection[str] = (),
    ) -> None:
        """Show a loaded draft, leaving the fields named in ``keep`` (draft keys typed into
        while loading) as they are. Choices must be in (``categories`` and the lists)."""
        self.school.set_options((literal(s.name), s.id) for s in schools)
        if "school_id" not in keep and draft.school_id in {s.id for s in schools}:
            self.school.value = draft.school_id
        if not {"location", "location_text"} & set(keep):
            self.location.set_choices(self.location_choices)
            found = self.location.find_choice(draft.location)
            self.location.set_choice(found, text=draft.location_text)
        if "when" not in keep:
            self.when.text = draft.when
            if self.when.input.has_focus:
                # As if focused after loading: typing replaces the time.
                self.when.input.select_all()
        if "offenses" not in keep:
            for row in self.offense_rows():
                row.category.set_choices(self.category_choices)
        self._sync_rows(draft, keep)
        if "narrative" not in keep and self.narrative.text != draft.narrative:
            self.narrative.text = draft.narrative
        if "bias_motivation" not in keep:
            self._show_bias(draft.bias_motivation)
        if "initiated_by" not in keep:
            self._show_initiated(draft.initiated_by)
        self.refresh_compliance()

    def apply(self, draft: IncidentDraft) -> None:
        """Show ``draft``, changing only what differs, so the field being typed in keeps
        its cursor."""
        if self.when.text != draft.when:
            self.when.text = draft.when
        if draft.school_id is not None and self.school.value != draft.school_id:
            self.school.value = draft.school_id
        if (self.location.value, self.location.text) != (draft.location, draft.location_text):
            found = next((c for c in self.location_choices if c.value == draft.location), None)
            self.location.set_choice(found, text=draft.location_text)
        for row in self.offense_rows():
            if row.is_blank():  # nothing typed ahead waits on it: it can take its choices now
                row.category.set_choices(self.category_choices)
        self._sync_rows(draft)
        if self.narrative.text != draft.narrative:
            self.narrative.text = draft.narrative
            self.narrative.move_cursor(self.narrative.document.end)
        self._show_bias(draft.bias_motivation)
        self._show_initiated(draft.initiated_by)
        self.refresh_compliance()

    def offer(self) -> None:
        """Hand the loaded choices to every type-ahead (one typed ahead then takes its first
        match, or shows its suggestions)."""
        self.location.set_choices(self.location_choices)
        for row in self.offense_rows():
            row.category.set_choices(self.category_choices)

    def _sync_rows(self, draft: IncidentDraft, keep: Collection[str] = ()) -> None:
        if "offenses" not in keep:
            make_offense = partial(OffenseRow, self.category_choices)
            sync_rows(self._box("offenses"), self.offense_rows(), draft.offenses, make_offense)
        if "people" not in keep:
            make_person = partial(PersonRow, self.search)
            sync_rows(self._box("people"), self.person_rows(), draft.people, make_person)
        if "compliance" not in keep:
            sync_compliance(self._box("compliance"), self.compliance_rows(), draft.compliance)

    def summary(self) -> str:
        """How the draft is listed: the most severe category and when, e.g. "Fight, 10:40"."""
        rows = self.offense_rows()
        what = next(
            (r.category.choice.label for r in rows if r.category.choice and r.most_severe.value),
            None,
        ) or next((r.category.choice.label for r in rows if r.category.choice), "no category yet")
        what = what.split(" / ")[0].split(" (")[0]
        try:
            moment = self.when.parse()
        except TimeParseError:
            moment = None
        when = format_local(moment, self.when.tz) if moment else self.when.text
        return f"{what}, {when}".rstrip(", ")

    # -- save ------------------------------------------------------------------------------------

    def values(self, problems: FieldProblems) -> dict[str, Any]:
        """The fields as a schema's values (``IncidentCreate``); a message per bad field in
        ``problems``."""
        occurred: datetime | None = None
        try:
            occurred = self.when.parse()
        except TimeParseError as exc:
            problems.add("occurred_at", f"Occurred: {exc}")
        school = self.school.value
        if school is Select.NULL:
            problems.add("school_id", "School is required: pick one")
        if self.location.value is None:
            typed = self.location.text.strip()
            problems.add(
                "location_code",
                f"No location matches {typed!r}: pick one from the list"
                if typed
                else "Location is required: type part of it and pick it",
            )
        rows = self.offense_rows()
        if not rows:
            problems.add("offenses", "Add at least one category (ctrl+o)")
        seen: set[str] = set()
        offenses: list[OffenseIn] = [o for r in rows if (o := r.build(problems, seen))]
        people = [p for r in self.person_rows() if not r.is_blank() if (p := r.build(problems))]
        compliance = [c for r in self.compliance_rows() if (c := r.build(problems))]
        return {
            "school_id": school,
            "occurred_at": occurred,
            "location_code": self.location.value,
            "offenses": offenses,
            "people": people,
            "compliance": compliance,
            "narrative": self.narrative.text,
            "bias_motivation": self.bias_motivation(),
            "initiated_by": self.initiated_by(),
        }
