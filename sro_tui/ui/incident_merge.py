"""The incident report's side of the merge (``forms.merging``): its fields as the merge sees
them (categories, people and notifications compared by what they mean, not by how a name
was shown), the report as the form's content, and each value as one line of text."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..domain.incidents import IncidentRead
from ..domain.merge import MergeField
from .forms.merging import MergeChanges
from .incident_draft import draft_of_record

if TYPE_CHECKING:
    from ..domain.officers import Actor
    from ..services.registry import Services

__all__ = ["INCIDENT_MERGE_FIELDS", "IncidentMerge"]


def _rows(value: Any) -> list[dict[str, Any]]:
    return [row for row in value or [] if isinstance(row, dict)]


def _offenses(value: Any) -> list[tuple[Any, ...]]:
    return [
        (
            row.get("code") or str(row.get("text") or "").strip(),
            bool(row.get("most_severe")),
            bool(row.get("attempted")),
            row.get("weapon"),
            row.get("suspected_use"),
            row.get("gang"),
        )
        for row in _rows(value)
        if row.get("code") or str(row.get("text") or "").strip()
    ]


def _people(value: Any) -> list[tuple[Any, ...]]:
    return [
        (
            row.get("student_id") or str(row.get("text") or row.get("label") or "").strip(),
            row.get("role"),
            sorted(row.get("outcomes") or []),
            bool(row.get("juvenile", True)),
            bool(row.get("custodial")),
            str(row.get("parent_notified") or "").strip(),
        )
        for row in _rows(value)
    ]


def _compliance(value: Any) -> dict[str, str]:
    items = value.items() if isinstance(value, dict) else []
    return {
        str(kind): str(row.get("at") or "").strip()
        for kind, row in items
        if isinstance(row, dict) and row.get("done")
    }


def _location(value: Any) -> Any:
    return value or None


INCIDENT_MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("when", "When"),
    MergeField("school_id", "School"),
    MergeField("location", "Where", along=("location_text",), compare=_location),
    MergeField("offenses", "Categories", compare=_offenses),
    MergeField("people", "People", compare=_people),
    MergeField("compliance", "Notifications", compare=_compliance),
    MergeField("narrative", "Narrative"),
    MergeField("bias_motivation", "Bias motivation"),
    MergeField("initiated_by", "Who called you to it"),
)


class IncidentMerge(MergeChanges):
    """The incident form's merge hooks (the form keeps ``record``, ``version``,
    ``incident_id``)."""

    record: IncidentRead | None
    version: int | None
    incident_id: int | None

    def merge_fields(self) -> Sequence[MergeField]:
        return INCIDENT_MERGE_FIELDS

    def merge_record_key(self) -> str | None:
        return str(self.incident_id) if self.incident_id is not None else None

    def merge_loaded(self) -> IncidentRead | None:
        record = self.record
        editable = bool(getattr(self, "editable", True))
        return record if editable else None

    def merge_form_version(self) -> int | None:
        return self.version

    def merge_read(self, services: Services, actor: Actor) -> IncidentRead:
        assert self.incident_id is not None
        return services.incidents.get(actor, self.incident_id)

    def merge_version(self, record: Any) -> int:
        assert isinstance(record, IncidentRead)
        return record.version

    def merge_payload(self, services: Services, actor: Actor, record: Any) -> dict[str, Any]:
        assert isinstance(record, IncidentRead)
        return draft_of_record(record, services.ctx.tz).payload()

    def merge_show(self, services: Services, key: str, value: Any) -> str:
        if key == "school_id":
            if not isinstance(value, int):
                return ""
            schools = services.reference.schools(include_inactive=True)
            return next((s.name for s in schools if s.id == value), f"school {value}")
        if key == "location":
            names = {loc.code: loc.name for loc in services.reference.locations()}
            return names.get(str(value), str(value or ""))
        if key == "offenses":
            return "; ".join(_offense_text(row) for row in _rows(value) if _offenses([row]))
        if key == "people":
            return "; ".join(_person_text(row) for row in _rows(value))
        if key == "compliance":
            return "; ".join(f"{kind} {at}".strip() for kind, at in _compliance(value).items())
        return super().merge_show(services, key, value)

    def merge_take(self, record: Any, version: int) -> None:
        assert isinstance(record, IncidentRead)
        self.record = record
        self.version = version


def _offense_text(row: dict[str, Any]) -> str:
    text = str(row.get("text") or row.get("code") or "")
    extra = [
        word
        for word, on in (
            ("most severe", row.get("most_severe")),
            ("attempted", row.get("attempted")),
            (f"weapon: {row.get('weapon')}", row.get("weapon") not in (None, "none")),
            (f"use: {row.get('suspected_use')}", row.get("suspected_use") not in (None, "none")),
            (f"gang: {row.get('gang')}", row.get("gang") not in (None, "none")),
        )
        if on
    ]
    return text + (f" ({', '.join(extra)})" if extra else "")


def _person_text(row: dict[str, Any]) -> str:
    name = str(row.get("label") or row.get("text") or "")
    outcomes = ", ".join(str(o) for o in row.get("outcomes") or [])
    role = str(row.get("role") or "")
    return f"{name} ({role}{': ' + outcomes if outcomes else ''})"
