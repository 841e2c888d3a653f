"""The Administration area's forms (dialogs over its list): a school; a new officer, or an
officer's role, schools and state. The agency's own lists (settings, code lists, the
checklist template) have theirs in :mod:`.admin_lists_forms`.

Each is a :class:`~sro_tui.ui.forms.base.FormModal`: reads in ``load`` (a thread), the
service call in ``persist`` (a thread), messages under the field at fault, a draft while
typing. Every change is audited by its service with the old and new values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from ...domain.enums import Role, SchoolLevel
from ...domain.officers import OfficerCreate, OfficerRead, OfficerUpdate
from ...domain.schools import (
    SchoolCreate,
    SchoolRead,
    SchoolUpdate,
)
from ..forms.base import FieldProblems, FormModal
from ..text import VISIBLE_HIGHLIGHTER, literal, visible
from ..widgets.fields import LabelledField
from .one_time_password import OneTimePasswordScreen

__all__ = ["AdminForm", "OfficerAdminForm", "SchoolAdminForm", "select_value"]

LEVEL_OPTIONS = [(level.value.capitalize(), level.value) for level in SchoolLevel]
ROLE_OPTIONS = [(role.value.capitalize(), role.value) for role in Role]
KEYS_LINE = "ctrl+s save · esc back"


class AdminForm(FormModal):
    """What the administration forms share: a titled box, the keys line, a draft payload
    that names the record it edits."""

    CSS_PATH = "admin_forms.tcss"
    AUTO_FOCUS = "Input"  # the first one that takes keys (a code is fixed once made)
    TITLE = "Administration"

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="admin-form") as body:
            body.border_title = self.box_title()
            yield from self.compose_message()
            yield from self.compose_body()
            with Horizontal(classes="admin-form-status"):
                yield Label(KEYS_LINE, classes="admin-form-keys")
                yield Static("", classes="draft-status")

    def box_title(self) -> str:
        return self.TITLE

    def saved(self, result: Any) -> None:
        self._finished = True
        self.app.notify(visible(self.saved_message(result)), markup=False)
        self.close_form(result)

    def saved_message(self, result: Any) -> str:
        return "Saved"


def select_value(select: Select[Any]) -> Any:
    return None if select.value is Select.NULL else select.value


# -- schools ---------------------------------------------------------------------------------------


class SchoolAdminForm(AdminForm):
    """Add a school, or edit one (its code stays: records and rosters name it)."""

    FORM = "admin_school"
    WHAT = "this school"

    def __init__(self, code: str | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.code = code
        self.init_form(draft_id=draft_id, draft_key=f"school-{code}" if code else None)
        self.code_input = Input(placeholder="e.g. CMS", max_length=20)
        self.name_input = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.level = Select[str](LEVEL_OPTIONS, prompt="Level", allow_blank=False)
        self.number = Input(placeholder="optional, e.g. 0412", max_length=20)

    def box_title(self) -> str:
        return f"Edit school {self.code}" if self.code else "Add a school"

    def compose_body(self) -> ComposeResult:
        yield LabelledField("Code", self.code_input, field="code", required=True)
        yield LabelledField("Name", self.name_input, field="name", required=True)
        with Horizontal(classes="row"):
            yield LabelledField("Level", self.level, field="level")
            yield LabelledField(
                "District number", self.number, field="district_number", hint="rosters"
            )

    def on_mount(self) -> None:
        self.code_input.disabled = self.code is not None

    def load(self) -> Any:
        if self.draft_id is not None:
            draft = self.services.drafts.get(self.actor, self.draft_id)
            return dict(draft.payload)
        if self.code is not None:
            return self.services.reference.school_for_key(self.code, include_inactive=True)
        return None

    def fill(self, loaded: object) -> None:
        if isinstance(loaded, dict):
            self.from_draft = True
            self.restore(loaded)
        elif isinstance(loaded, SchoolRead):
            self.code_input.value = loaded.code
            self.name_input.value = loaded.name
            self.level.value = loaded.level.value
            self.number.value = loaded.district_number or ""

    def collect(self) -> dict[str, Any]:
        return {
            "editing": self.code,
            "code": self.code_input.value,
            "name": self.name_input.value,
            "level": select_value(self.level),
            "district_number": self.number.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        editing = payload.get("editing")
        self.code = str(editing) if editing else None
        self.code_input.disabled = self.code is not None
        self.code_input.value = str(payload.get("code", ""))
        self.name_input.value = str(payload.get("name", ""))
        if payload.get("level"):
            self.level.value = str(payload["level"])
        self.number.value = str(payload.get("district_number", ""))

    def draft_title(self) -> str:
        return f"School — {self.name_input.value or self.code_input.value or 'new'}"

    def build(self, problems: FieldProblems) -> SchoolCreate | SchoolUpdate | None:
        values = self.collect()
        if self.code is None:
            return self.validate_model(
                SchoolCreate,
                problems,
                code=values["code"],
                name=values["name"],
                level=values["level"],
                district_number=values["district_number"],
            )
        update = self.validate_model(
            SchoolUpdate,
            problems,
            name=values["name"],
            level=values["level"],
            district_number=values["district_number"],
        )
        if update is not None:
            try:
                update.number()
            except ValueError as exc:
                problems.add("district_number", f"District number {exc}")
                return None
        return update

    def persist(self, data: SchoolCreate | SchoolUpdate) -> SchoolRead:
        reference = self.services.reference
        if isinstance(data, SchoolCreate):
            return reference.add_school(self.actor, data)
        assert self.code is not None
        return reference.edit_school(self.actor, self.code, data)

    def saved_message(self, result: Any) -> str:
        return f"Saved school {result.code}: {result.name}"


# -- officers --------------------------------------------------------------------------------------


@dataclass
class OfficerLoaded:
    schools: list[SchoolRead]
    officer: OfficerRead | None = None
    payload: dict[str, Any] | None = None


class OfficerAdminForm(AdminForm):
    """Add an officer (``badge`` None: badge, name, role, schools; a one-time password is
    made by the service and shown once, :class:`.one_time_password.OneTimePasswordScreen`),
    or edit one: name, role, schools and whether the account is active. A draft never holds
    a password."""

    FORM = "admin_officer"
    WHAT = "this officer"

    def __init__(self, badge: str | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.badge = badge
        self.adding = badge is None and draft_id is None  # a draft says which (restore)
        self.officer_id: int | None = None
        self.init_form(draft_id=draft_id, draft_key=f"officer-{badge}" if badge else None)
        self.badge_input = Input(placeholder="e.g. 1004", max_length=10)
        self.name_input = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.role = Select[str](ROLE_OPTIONS, prompt="Role", allow_blank=False)
        self.schools = SelectionList[int]()
        self.active = Checkbox("Active (may sign in)", value=True)

    def box_title(self) -> str:
        if self.adding:
            return "Add an officer (a one-time password is made and shown once)"
        return f"Officer {self.badge}" if self.badge else "Officer"

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield LabelledField("Badge", self.badge_input, field="badge", required=True)
            yield LabelledField("Name", self.name_input, field="name", required=True)
            yield LabelledField("Role", self.role, field="role")
        yield LabelledField("Schools", self.schools, field="school_ids", hint="space toggles")
        yield LabelledField("", self.active, field="active")

    def on_mount(self) -> None:
        self._show_mode()

    def _show_mode(self) -> None:
        self.badge_input.disabled = not self.adding
        self.active.display = not self.adding  # a new account is active
        for box in self.query(".admin-form"):
            box.border_title = self.box_title()

    def load(self) -> OfficerLoaded:
        services = self.services
        loaded = OfficerLoaded(schools=services.reference.schools(include_inactive=True))
        if self.draft_id is not None:
            loaded.payload = dict(services.drafts.get(self.actor, self.draft_id).payload)
            badge = loaded.payload.get("badge")
            if badge and not loaded.payload.get("adding"):
                loaded.officer = services.officers.by_badge(str(badge))
        elif self.badge is not None:
            loaded.officer = services.officers.by_badge(self.badge)
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, OfficerLoaded)
        self.schools.clear_options()
        self.schools.add_options(
            [(literal(s.name if s.active else f"{s.name} (retired)"), s.id) for s in loaded.schools]
        )
        if loaded.officer is not None:
            officer = loaded.officer
            self.badge, self.officer_id = officer.badge, officer.id
            self.badge_input.value = officer.badge
            self.name_input.value = officer.name
            self.role.value = officer.role.value
            for school_id in officer.school_ids:
                self.schools.select(school_id)
            self.active.value = officer.active
        if loaded.payload is not None:
            self.from_draft = True
            self.restore(loaded.payload)

    def collect(self) -> dict[str, Any]:
        return {
            "adding": self.adding,
            "badge": self.badge_input.value if self.adding else self.badge,
            "name": self.name_input.value,
            "role": select_value(self.role),
            "school_ids": sorted(self.schools.selected),
            "active": self.active.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        self.adding = bool(payload.get("adding", False))
        if self.adding:
            self.badge_input.value = str(payload.get("badge") or "")
        self._show_mode()
        self.name_input.value = str(payload.get("name", ""))
        if payload.get("role"):
            self.role.value = str(payload["role"])
        self.schools.deselect_all()
        for school_id in payload.get("school_ids", []):
            self.schools.select(int(school_id))
        self.active.value = bool(payload.get("active", True))

    def draft_title(self) -> str:
        if self.adding:
            return f"Officer — new {self.badge_input.value or ''}".rstrip()
        return f"Officer — {self.badge or 'new'}"

    def build(self, problems: FieldProblems) -> OfficerCreate | tuple[OfficerUpdate, bool] | None:
        values = self.collect()
        if self.adding:
            return self.validate_model(
                OfficerCreate,
                problems,
                badge=values["badge"],
                name=values["name"],
                role=values["role"],
                school_ids=values["school_ids"],
            )
        update = self.validate_model(
            OfficerUpdate,
            problems,
            name=values["name"],
            role=values["role"],
            school_ids=values["school_ids"],
        )
        return None if update is None else (update, bool(values["active"]))

    def persist(
        self, data: OfficerCreate | tuple[OfficerUpdate, bool]
    ) -> OfficerRead | tuple[OfficerRead, str]:
        officers = self.services.officers
        if isinstance(data, OfficerCreate):
            return officers.create_with_one_time_password(self.actor, data)
        update, active = data
        assert self.officer_id is not None and self.badge is not None
        officer = officers.update(self.actor, self.officer_id, update)
        if officer.active != active:
            officer = officers.set_active(self.actor, self.badge, active)
        return officer

    def saved(self, result: Any) -> None:
        if not isinstance(result, tuple):
            super().saved(result)
            return
        officer, password = result
        self._finished = True
        self.close_form(officer)
        # Shown once, over the list: the officer changes it at the first sign-in.
        self.app.push_screen(OneTimePasswordScreen(officer, password))

    def saved_message(self, result: Any) -> str:
        return f"Saved officer {result.badge}: {result.role.value}"
