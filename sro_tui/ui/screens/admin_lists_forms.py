"""The Administration area's forms for the agency's own lists: one agency setting, a row of a
code list (offense categories, locations, referral programs), a checklist template item.
Built on :class:`~sro_tui.ui.screens.admin_forms.AdminForm` (schools and officers are there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, Static

from ...domain.agency import IDLE_LOCK_MINUTES, SETTINGS, SettingValue
from ...domain.checklist import parse_weekdays, weekdays_label
from ...domain.enums import CHECKLIST_KIND_TITLES, ChecklistKind
from ...domain.schools import (
    ReferenceItemCreate,
    ReferenceKind,
    TemplateItemCreate,
    TemplateItemRead,
)
from ..forms.base import FieldProblems
from ..text import VISIBLE_HIGHLIGHTER, literal
from ..widgets.fields import LabelledField
from .admin_forms import AdminForm, select_value

__all__ = ["ReferenceAdminForm", "SettingAdminForm", "TemplateAdminForm"]


# -- agency settings -------------------------------------------------------------------------------


class SettingAdminForm(AdminForm):
    """One agency setting; the service checks the value and says why it is refused."""

    FORM = "admin_setting"
    WHAT = "this setting"

    def __init__(self, key: str | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.key = key
        self.init_form(draft_id=draft_id, draft_key=f"setting-{key}" if key else None)
        self.value = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.about = Static("", classes="admin-form-help", markup=False)

    def box_title(self) -> str:
        return "Agency setting"

    def compose_body(self) -> ComposeResult:
        yield LabelledField("Value", self.value, field="value", required=True)
        yield self.about

    def load(self) -> Any:
        if self.draft_id is not None:
            return dict(self.services.drafts.get(self.actor, self.draft_id).payload)
        return next(
            (s for s in self.services.settings.agency_settings() if s.key == self.key), None
        )

    def fill(self, loaded: object) -> None:
        if isinstance(loaded, dict):
            self.from_draft = True
            self.restore(loaded)
        elif isinstance(loaded, SettingValue):
            self._describe(loaded.title, loaded.help)
            self.value.value = loaded.value

    def _describe(self, title: str, about: str) -> None:
        field = self.field("value")
        if field is not None:
            for label in field.query(".field-label").results(Label):
                label.update(literal(f"{title} *"))
        self.about.update(literal(about, "dim"))

    def collect(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value.value}

    def restore(self, payload: dict[str, Any]) -> None:
        self.key = str(payload.get("key") or "") or None
        self.value.value = str(payload.get("value", ""))
        if self.key:
            spec = SETTINGS.get(self.key)
            if spec is not None:
                self._describe(spec.title, spec.help)

    def draft_title(self) -> str:
        return f"Setting — {self.key}"

    def build(self, problems: FieldProblems) -> str | None:
        if not self.value.value.strip():
            problems.add("value", "Value is required")
            return None
        return self.value.value

    def persist(self, data: str) -> SettingValue:
        assert self.key is not None
        return self.services.settings.change(self.actor, self.key, data)

    def saved(self, result: Any) -> None:
        if result.key == IDLE_LOCK_MINUTES:
            self.sro.idle_lock_minutes = int(result.value)  # this terminal at once
        super().saved(result)

    def saved_message(self, result: Any) -> str:
        return f"{result.title}: {result.value}"


# -- code lists ------------------------------------------------------------------------------------


class ReferenceAdminForm(AdminForm):
    """Add a row to a code list, or rename one (its code stays)."""

    FORM = "admin_reference"
    WHAT = "this list entry"

    def __init__(
        self,
        kind: ReferenceKind = ReferenceKind.LOCATION,
        code: str | None = None,
        draft_id: int | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.code = code
        self.init_form(draft_id=draft_id, draft_key=f"{kind}-{code}" if code else None)
        self.code_input = Input(placeholder="e.g. GYM", max_length=20)
        self.name_input = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.original = ""

    def box_title(self) -> str:
        return f"Rename {self.kind} {self.code}" if self.code else f"Add a {self.kind}"

    def compose_body(self) -> ComposeResult:
        yield LabelledField("Code", self.code_input, field="code", required=True)
        yield LabelledField("Name", self.name_input, field="name", required=True)

    def on_mount(self) -> None:
        self.code_input.disabled = self.code is not None

    def load(self) -> Any:
        if self.draft_id is not None:
            return dict(self.services.drafts.get(self.actor, self.draft_id).payload)
        if self.code is None:
            return None
        rows = self.services.reference.reference_items(self.kind)
        return next((r for r in rows if r.code == self.code), None)

    def fill(self, loaded: object) -> None:
        if isinstance(loaded, dict):
            self.from_draft = True
            self.restore(loaded)
        elif loaded is not None:
            self.code_input.value = getattr(loaded, "code", "")
            self.name_input.value = getattr(loaded, "name", "")

    def collect(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "editing": self.code,
            "code": self.code_input.value,
            "name": self.name_input.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        self.kind = ReferenceKind(str(payload.get("kind", self.kind.value)))
        editing = payload.get("editing")
        self.code = str(editing) if editing else None
        self.code_input.disabled = self.code is not None
        self.code_input.value = str(payload.get("code", ""))
        self.name_input.value = str(payload.get("name", ""))

    def draft_title(self) -> str:
        return f"{self.kind.capitalize()} — {self.code_input.value or 'new'}"

    def build(self, problems: FieldProblems) -> ReferenceItemCreate | str | None:
        values = self.collect()
        if self.code is None:
            return self.validate_model(
                ReferenceItemCreate, problems, code=values["code"], name=values["name"]
            )
        name = self.check_text(problems, "name", "Name", values["name"]).strip()
        if not name:
            problems.add("name", "Name is required")
        return None if problems else name

    def persist(self, data: ReferenceItemCreate | str) -> Any:
        reference = self.services.reference
        if isinstance(data, ReferenceItemCreate):
            return reference.add_reference(self.actor, self.kind, data)
        assert self.code is not None
        return reference.rename_reference(self.actor, self.kind, self.code, data)

    def saved_message(self, result: Any) -> str:
        return f"Saved {self.kind} {result.code}: {result.name}"


# -- checklist template ----------------------------------------------------------------------------


@dataclass
class TemplateLoaded:
    schools: list[tuple[Text, int]]
    locations: list[tuple[Text, str]]
    item: TemplateItemRead | None = None
    payload: dict[str, Any] | None = field(default=None)


class TemplateAdminForm(AdminForm):
    """A checklist item for every school or one school's shifts, on every day or some
    weekdays, and its kind (security checks count as campus checks); or a new wording, new
    days or a new kind."""

    FORM = "admin_template"
    WHAT = "this checklist item"

    def __init__(self, item_id: int | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.item_id = item_id
        self.init_form(draft_id=draft_id, draft_key=f"template-{item_id}" if item_id else None)
        self.label = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.school = Select[int]([], prompt="Every school", allow_blank=True)
        self.location = Select[str]([], prompt="No location", allow_blank=True)
        self.days = Input(
            max_length=60,
            placeholder="every day",
            highlighter=VISIBLE_HIGHLIGHTER,
            id="admin-template-days",
        )
        self.kind = Select[str](
            [(title, kind.value) for kind, title in CHECKLIST_KIND_TITLES.items()],
            value=ChecklistKind.OTHER.value,
            allow_blank=False,
            id="admin-template-kind",
        )
        self.days_help = Static(
            "Days: blank for every day, or e.g. Mon-Fri, tue,thu, Wed",
            classes="admin-form-help",
            markup=False,
        )

    def box_title(self) -> str:
        return "Edit checklist item" if self.item_id else "Add a checklist item"

    def compose_body(self) -> ComposeResult:
        yield LabelledField("Item", self.label, field="label", required=True)
        with Horizontal(classes="row"):
            yield LabelledField("School", self.school, field="school_id")
            yield LabelledField("Location", self.location, field="location_code")
        with Horizontal(classes="row"):
            yield LabelledField("Days", self.days, field="weekdays")
            yield LabelledField("Kind", self.kind, field="kind")
        yield self.days_help

    def on_mount(self) -> None:
        self._lock_placement()

    def _lock_placement(self) -> None:
        editing = self.item_id is not None  # where an item applies is set when it is added
        self.school.disabled = editing
        self.location.disabled = editing

    def load(self) -> TemplateLoaded:
        reference = self.services.reference
        loaded = TemplateLoaded(
            schools=[(literal(s.name), s.id) for s in reference.schools()],
            locations=[(literal(loc.name), loc.code) for loc in reference.locations()],
        )
        if self.draft_id is not None:
            loaded.payload = dict(self.services.drafts.get(self.actor, self.draft_id).payload)
        elif self.item_id is not None:
            loaded.item = next(
                (i for i in reference.template_items() if i.id == self.item_id), None
            )
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, TemplateLoaded)
        self.school.set_options(loaded.schools)
        self.location.set_options(loaded.locations)
        if loaded.payload is not None:
            self.from_draft = True
            self.restore(loaded.payload)
        elif loaded.item is not None:
            self.label.value = loaded.item.label
            if loaded.item.school_id is not None:
                self.school.value = loaded.item.school_id
            if loaded.item.location_code:
                self.location.value = loaded.item.location_code
            if loaded.item.weekdays:
                self.days.value = weekdays_label(loaded.item.weekdays)
            self.kind.value = loaded.item.kind.value

    def collect(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "label": self.label.value,
            "school_id": select_value(self.school),
            "location_code": select_value(self.location),
            "weekdays": self.days.value,
            "kind": select_value(self.kind) or ChecklistKind.OTHER.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        item_id = payload.get("item_id")
        self.item_id = int(item_id) if item_id else None
        self._lock_placement()
        self.label.value = str(payload.get("label", ""))
        if payload.get("school_id") is not None:
            self.school.value = int(payload["school_id"])
        if payload.get("location_code"):
            self.location.value = str(payload["location_code"])
        self.days.value = str(payload.get("weekdays") or "")
        kind = str(payload.get("kind") or "")
        self.kind.value = kind if kind in set(ChecklistKind) else ChecklistKind.OTHER.value

    def draft_title(self) -> str:
        return f"Checklist item — {self.label.value or 'new'}"

    def build(
        self, problems: FieldProblems
    ) -> TemplateItemCreate | tuple[str, str, ChecklistKind] | None:
        values = self.collect()
        if self.item_id is None:
            return self.validate_model(
                TemplateItemCreate,
                problems,
                label=values["label"],
                school_id=values["school_id"],
                location_code=values["location_code"],
                weekdays=values["weekdays"],
                kind=values["kind"],
            )
        label = self.check_text(problems, "label", "Item", values["label"]).strip()
        if not label:
            problems.add("label", "Item is required")
        try:
            parse_weekdays(values["weekdays"])
        except ValueError as exc:
            problems.add("weekdays", str(exc))
        return None if problems else (label, values["weekdays"], ChecklistKind(values["kind"]))

    def persist(
        self, data: TemplateItemCreate | tuple[str, str, ChecklistKind]
    ) -> TemplateItemRead:
        reference = self.services.reference
        if isinstance(data, TemplateItemCreate):
            return reference.add_template_item(self.actor, data)
        assert self.item_id is not None
        label, days, kind = data
        return reference.edit_template_item(
            self.actor, self.item_id, label=label, days=days, kind=kind
        )

    def saved_message(self, result: Any) -> str:
        return f"Saved checklist item ({weekdays_label(result.weekdays)}): {result.label}"
