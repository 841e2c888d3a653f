"""The repeated rows of the incident form: a category, a person, a notification.

Each row is built from its part of the draft (``ui.incident_draft``), gives it back with
``collect``, and turns itself into the domain schema with ``build``, adding a message per
problem under its own field. Their styles are in the incident form's ``incident_form.tcss``
(the only screen that shows them).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Label, Select, SelectionList

from ...domain.enums import (
    ComplianceKind,
    ContactInitiator,
    GangInvolvement,
    OutcomeKind,
    PersonRole,
    SuspectedUse,
    WeaponType,
)
from ...domain.incidents import ComplianceIn, OffenseIn, PersonIn
from ...domain.text import check_line
from ...domain.timeparse import TimeParseError
from ..forms.base import FieldProblems
from ..incident_draft import ComplianceDraft, OffenseDraft, PersonDraft
from .fields import LabelledField, TimeField
from .typeahead import Choice, TypeAhead

__all__ = [
    "INITIATORS",
    "ComplianceRow",
    "OffenseRow",
    "PersonRow",
    "sync_compliance",
    "sync_rows",
]

_ids = itertools.count(1)

PEOPLE_ROLES = [(r.value.capitalize(), r.value) for r in PersonRole]
WEAPONS = [(f"Weapon: {w.value}", w.value) for w in WeaponType]
USES = [(f"Suspected use: {u.value}", u.value) for u in SuspectedUse]
GANGS = [(f"Gang: {g.value}", g.value) for g in GangInvolvement]
# Who brought the matter to the officer (CRDC counts a referral to law enforcement only when a
# school official or designee made it).
INITIATORS = [
    ("A school official or designee", ContactInitiator.SCHOOL.value),
    ("The officer (officer-initiated)", ContactInitiator.OFFICER.value),
    ("Someone else (parent, student, dispatch)", ContactInitiator.OTHER.value),
]


M = TypeVar("M", bound=BaseModel)


def _validated(
    model: type[M],
    problems: FieldProblems,
    field: str,
    values: dict[str, object],
    *,
    tidy: Callable[[str], str] = str,
) -> M | None:
    """``model`` built from ``values``; each of its errors goes under ``field``."""
    try:
        return model(**values)
    except ValidationError as exc:
        found = FieldProblems()
        found.add_validation(exc, model)
        for message in found.values():
            problems.add(field, tidy(message))
        return None


def _person_message(message: str) -> str:
    return message.removeprefix("Form ").capitalize()


def _check(box: Checkbox, value: bool) -> None:
    # Set only what differs: setting fires a Changed message.
    if box.value != value:
        box.value = value


def _value(select: Select[str], default: str) -> str:
    """The value picked; ``default`` (what the row was made with) until the Select is
    mounted (its value reads as blank before)."""
    value = select.value
    return value if isinstance(value, str) else default


def _pick(select: Select[str], value: str) -> None:
    if select.value != value:
        select.value = value


class RowSelect(Select[str]):
    """A row's compact Select that survives being removed before it has mounted.

    Rows are mounted without waiting (``sync_rows`` when a report loads, a new row), so the
    form can close (Escape, sign-out, the app's ``pop_screen``) while a row's Selects are still
    mounting. Textual then mounts no children into a widget being removed, and Select's own
    mount handler fails on a missing part (``NoMatches`` on its ``SelectOverlay``, or on its
    ``SelectCurrent``'s label), which kills the app. Such a Select is on its way out: there is
    nothing to set up. (``_pruning`` is Textual's own flag for it, which ``Widget.mount`` reads.)
    """

    def _on_mount(self, event: events.Mount) -> None:
        if self._pruning or self._closing or self._closed:
            event.prevent_default()  # skip Select's setup


D = TypeVar("D", bound=BaseModel)


class _Row(Vertical, Generic[D]):
    """A row shows one part of the draft (``apply``) and gives it back (``collect``)."""

    def collect(self) -> D:
        raise NotImplementedError

    def apply(self, data: D) -> None:
        raise NotImplementedError


class OffenseRow(_Row[OffenseDraft]):
    """One category of the incident with its per-offense details."""

    def __init__(
        self,
        choices: list[Choice],
        data: OffenseDraft | None = None,
        *,
        details_later: bool = False,
    ) -> None:
        """``details_later``: the weapon, use and gang Selects are mounted by
        :meth:`mount_details` (the form's first row: its first frame has no Select)."""
        super().__init__()
        self.uid = next(_ids)
        data = data or OffenseDraft()
        self._data = data
        picked = next((c for c in choices if c.value == data.code), None)
        self.category = TypeAhead(
            choices=choices,
            value=picked,
            text=data.text,
            placeholder="type: fight, weapon, 13B…",
        )
        self.most_severe = Checkbox(
            "Most severe", data.most_severe, compact=True, classes="most-severe"
        )
        self.attempted = Checkbox("Attempted", data.attempted, compact=True)
        self.weapon: Select[str] = RowSelect(
            WEAPONS, value=data.weapon.value, allow_blank=False, compact=True
        )
        self.suspected_use: Select[str] = RowSelect(
            USES, value=data.suspected_use.value, allow_blank=False, compact=True
        )
        self.gang: Select[str] = RowSelect(
            GANGS, value=data.gang.value, allow_blank=False, compact=True
        )
        self._details_later = details_later
        selects = () if details_later else (self.weapon, self.suspected_use, self.gang)
        self._details = Horizontal(*selects, classes="offense-flags")

    @property
    def field_name(self) -> str:
        return f"offense-{self.uid}"

    def compose(self) -> ComposeResult:
        yield LabelledField("Category", self.category, field=self.field_name, required=True)
        with Horizontal(classes="offense-flags"):
            yield self.most_severe
            yield self.attempted
            yield Button("Remove", compact=True, classes="remove-row")
        yield self._details

    async def mount_details(self) -> None:
        """Mount the weapon, use and gang Selects if they were left for later."""
        if self._details_later and self.is_attached and not self._pruning:
            self._details_later = False
            await self._details.mount_all([self.weapon, self.suspected_use, self.gang])

    def collect(self) -> OffenseDraft:
        return OffenseDraft(
            code=self.category.value,
            text=self.category.text,
            most_severe=self.most_severe.value,
            attempted=self.attempted.value,
            weapon=WeaponType(_value(self.weapon, self._data.weapon)),
            suspected_use=SuspectedUse(_value(self.suspected_use, self._data.suspected_use)),
            gang=GangInvolvement(_value(self.gang, self._data.gang)),
        )

    def is_blank(self) -> bool:
        return not self.category.text.strip()

    def apply(self, data: OffenseDraft) -> None:
        """Show ``data``, changing only what differs (the cursor stays where it is)."""
        category = self.category
        if (category.value, category.text) != (data.code, data.text):
            category.set_choice(category.find_choice(data.code), text=data.text)
        _check(self.most_severe, data.most_severe)
        _check(self.attempted, data.attempted)
        _pick(self.weapon, data.weapon.value)
        _pick(self.suspected_use, data.suspected_use.value)
        _pick(self.gang, data.gang.value)

    def build(self, problems: FieldProblems, seen: set[str]) -> OffenseIn | None:
        """The offense, or None with the reason under this row (``seen``: codes so far)."""
        code = self.category.value
        if code is None:
            typed = self.category.text.strip()
            problems.add(
                self.field_name,
                f"No category matches {typed!r}: pick one from the list"
                if typed
                else "Category is required: type part of it and pick it (or Remove the row)",
            )
            return None
        if code in seen:
            problems.add(self.field_name, "This category is listed twice: remove one")
            return None
        seen.add(code)
        values: dict[str, object] = {
            "category_code": code,
            "most_severe": self.most_severe.value,
            "attempted": self.attempted.value,
            "weapon": _value(self.weapon, self._data.weapon),
            "suspected_use": _value(self.suspected_use, self._data.suspected_use),
            "gang": _value(self.gang, self._data.gang),
        }
        return _validated(OffenseIn, problems, self.field_name, values)


class PersonRow(_Row[PersonDraft]):
    """Someone involved: a student (type-ahead) or a named non-student, their role and,
    for students, what came of it."""

    def __init__(
        self, search: Callable[[str], list[Choice]], data: PersonDraft | None = None
    ) -> None:
        super().__init__()
        self.uid = next(_ids)
        data = data or PersonDraft()
        self._data = data
        picked = Choice(data.student_id, data.label, data.detail) if data.student_id else None
        self.who = TypeAhead(
            search=search,
            value=picked,
            text=data.text,
            allow_free_text=True,
            placeholder="student name or ID, or a non-student's name",
        )
        self.role: Select[str] = RowSelect(
            PEOPLE_ROLES, value=data.role.value, allow_blank=False, compact=True
        )
        chosen = set(data.outcomes)
        self.outcomes: SelectionList[str] = SelectionList(
            *[(o.value, o.value, o in chosen) for o in OutcomeKind], compact=True
        )
        self.juvenile = Checkbox("Juvenile", data.juvenile, compact=True)
        self.custodial = Checkbox("Custodial arrest", data.custodial, compact=True)
        self.parent_notified = TimeField(text=data.parent_notified, required=False)

    @property
    def field_name(self) -> str:
        return f"person-{self.uid}"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="person-top"):
            yield LabelledField("Person", self.who, field=self.field_name, required=True)
            with Vertical():
                yield Label("Role", classes="field-label")
                yield self.role
        yield Label("Outcomes (space to mark)", classes="field-label")
        yield self.outcomes
        with Horizontal(classes="person-flags"):
            yield self.juvenile
            yield self.custodial
            yield Button("Remove", compact=True, classes="remove-row")
        yield LabelledField(
            "Parent notified",
            self.parent_notified,
            field=f"{self.field_name}-parent",
            hint="blank if not yet",
        )

    def on_mount(self) -> None:
        if self._kept_free():
            # A name kept as typed comes back as that choice, not as text still to pick.
            self.who.set_choice(None, text=self._data.text, free=True)

    def _kept_free(self) -> bool:
        """Made from a name kept as typed that the type-ahead does not show as chosen yet."""
        data, who = self._data, self.who
        return data.free and who.choice is None and not who.free_chosen and who.text == data.text

    def collect(self) -> PersonDraft:
        choice = self.who.choice
        return PersonDraft(
            student_id=choice.value if choice else None,
            label=choice.label if choice else "",
            detail=choice.detail if choice else "",
            text=self.who.text,
            free=self.who.free_chosen or (not self.is_mounted and self._kept_free()),
            role=PersonRole(_value(self.role, self._data.role)),
            outcomes=[OutcomeKind(o) for o in self.outcomes.selected],
            juvenile=self.juvenile.value,
            custodial=self.custodial.value,
            parent_notified=self.parent_notified.text,
        )

    def is_blank(self) -> bool:
        return not self.who.text.strip() and not self.outcomes.selected

    def apply(self, data: PersonDraft) -> None:
        """Show ``data``, changing only what differs (the cursor stays where it is)."""
        who = self.who
        if (who.value, who.text, who.free_chosen) != (data.student_id, data.text, data.free):
            picked = Choice(data.student_id, data.label, data.detail) if data.student_id else None
            who.set_choice(picked, text=data.text, free=data.free)
        _pick(self.role, data.role.value)
        wanted = [o.value for o in data.outcomes]
        if set(self.outcomes.selected) != set(wanted):
            self.outcomes.deselect_all()
            for outcome in wanted:
                self.outcomes.select(outcome)
        _check(self.juvenile, data.juvenile)
        _check(self.custodial, data.custodial)
        if self.parent_notified.text != data.parent_notified:
            self.parent_notified.text = data.parent_notified

    def build(self, problems: FieldProblems) -> PersonIn | None:
        """The person, or None with the reason under this row."""
        notified = None
        try:
            notified = self.parent_notified.parse()
        except TimeParseError as exc:
            problems.add(f"{self.field_name}-parent", f"Parent notified: {exc}")
        if self.who.unresolved_text:
            problems.add(
                self.field_name,
                "Pick the student from the list, or '+ add … as a person not on the roster'",
            )
        name = "" if self.who.value is not None else self.who.text.strip()
        try:
            name = check_line(name)
        except ValueError as exc:
            problems.add(self.field_name, f"Name {exc}")
        values: dict[str, object] = {
            "role": self.role.value,
            "student_id": self.who.value,
            "name": name,
            "juvenile": self.juvenile.value,
            "outcomes": list(self.outcomes.selected),
            "custodial": self.custodial.value,
            "parent_notified_at": notified,
        }
        return _validated(PersonIn, problems, self.field_name, values, tidy=_person_message)


class ComplianceRow(Vertical):
    """A notification the law asks for: marked done (space), with when (t for now)."""

    def __init__(self, kind: ComplianceKind, data: ComplianceDraft | None = None) -> None:
        super().__init__()
        self.kind = kind
        data = data or ComplianceDraft()
        self.done = Checkbox(kind.label, data.done, compact=True)
        self.at = TimeField(text=data.at, required=False)

    @property
    def field_name(self) -> str:
        return f"compliance-{self.kind.value}"

    def compose(self) -> ComposeResult:
        yield self.done
        yield LabelledField("Done at", self.at, field=self.field_name)

    def collect(self) -> ComplianceDraft:
        return ComplianceDraft(done=self.done.value, at=self.at.text)

    def apply(self, data: ComplianceDraft) -> None:
        _check(self.done, data.done)
        if self.at.text != data.at:
            self.at.text = data.at

    def build(self, problems: FieldProblems) -> ComplianceIn | None:
        """The notification if marked done (None when not, or with the reason when the time
        is missing or wrong)."""
        if not self.done.value:
            return None
        try:
            moment = self.at.parse()
        except TimeParseError as exc:
            problems.add(self.field_name, f"Done at: {exc}")
            return None
        if moment is None:
            problems.add(self.field_name, "Done at is required: t for now")
            return None
        return ComplianceIn(kind=self.kind, done_at=moment)


def sync_rows(
    box: Widget, rows: Sequence[_Row[D]], target: list[D], make: Callable[[D], _Row[D]]
) -> None:
    """Make ``rows`` (the children of ``box``) show ``target``, keeping the rows that already
    do: in place when the counts match, else new rows before the old ones when those are
    the end of ``target`` (rows typed while the form loaded), else all anew."""
    current = [row.collect() for row in rows]
    if current == target:
        return
    if len(rows) == len(target):
        for row, data in zip(rows, target, strict=True):
            row.apply(data)
        return
    kept = len(rows)
    if kept and target[-kept:] == current:
        box.mount_all([make(data) for data in target[:-kept]], before=rows[0])
        return
    for row in rows:
        row.remove()
    box.mount_all([make(data) for data in target])


def sync_compliance(
    box: Widget, rows: list[ComplianceRow], target: dict[ComplianceKind, ComplianceDraft]
) -> None:
    """Make the notification rows show ``target`` (by kind)."""
    have = {row.kind: row for row in rows}
    for kind, row in have.items():
        if kind not in target:
            row.remove()
    for kind, data in target.items():
        if kind in have:
            have[kind].apply(data)
        else:
            box.mount(ComplianceRow(kind, data))
