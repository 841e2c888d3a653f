"""Everything the incident screen reads from the store before it can show a report: the
choices (categories, locations, schools), the report itself (an audited read), its kept
draft. Runs in the screen's load worker, off the UI thread; touches no widget."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.errors import SroError, StoreUnreachable
from ..domain.incidents import IncidentRead
from ..domain.officers import Actor
from ..domain.permissions import may_edit_incident
from ..domain.schools import CategoryRead, SchoolRead
from .forms.base import category_choices, location_choices
from .incident_draft import IncidentDraft, draft_of_record, read_draft
from .widgets.typeahead import Choice

if TYPE_CHECKING:
    from ..services.registry import Services

__all__ = ["DRAFT_FORM", "IncidentLoad", "IncidentRequest", "read_incident"]

DRAFT_FORM = "incident"
"""The drafts of the incident form (``DraftRead.form``)."""


@dataclass(frozen=True)
class IncidentRequest:
    """What the screen was opened on (read on the UI thread, before the worker starts)."""

    incident_id: int | None = None
    draft_id: int | None = None
    draft_key: str | None = None
    prefill: dict[str, Any] = field(default_factory=dict)
    """location_code, occurred_at, school_id, note: a new report from the checklist."""
    school_id: int | None = None
    """The school the officer is at today (the app's), for a new report."""
    when: str = ""
    """A new report's time as the skeleton shows it."""


@dataclass
class IncidentLoad:
    """What was read, for the screen's ``fill`` to show."""

    categories: dict[str, CategoryRead]
    category_choices: list[Choice]
    location_choices: list[Choice]
    schools: list[SchoolRead]
    draft: IncidentDraft = field(default_factory=IncidentDraft)
    """The values the fields start from: a kept draft, the report as saved, or a new one's."""
    record: IncidentRead | None = None
    editable: bool = True
    from_draft: bool = False
    draft_id: int | None = None
    draft_key: str | None = None
    note: str = ""
    problem: str | None = None
    """Why the report cannot be opened (not found, not the officer's to read)."""


def read_incident(services: Services, actor: Actor, request: IncidentRequest) -> IncidentLoad:
    """Read what the screen needs. A store that cannot be read raises ``StoreUnreachable``
    (the form says so and ctrl+r tries again); a report the officer may not open comes back
    as ``problem``."""
    loaded = IncidentLoad(
        categories={c.code: c for c in services.reference.categories()},
        category_choices=category_choices(services),
        location_choices=location_choices(services),
        schools=list(services.reference.schools()),
        draft_id=request.draft_id,
        draft_key=request.draft_key,
    )
    incident_id = request.incident_id
    stored: dict[str, Any] | None = None
    try:
        if request.draft_id is not None:
            kept = services.drafts.get(actor, request.draft_id)
            loaded.draft_key, stored = kept.key, dict(kept.payload)
            if incident_id is None and stored.get("incident_id"):
                incident_id = int(stored["incident_id"])
        if incident_id is not None:
            record = services.incidents.get(actor, incident_id)
            loaded.record = record
            loaded.editable = may_edit_incident(
                actor, officer_id=record.officer_id, status=record.status
            )
            loaded.draft_key = str(incident_id)
            if stored is None and loaded.editable:
                kept_for = services.drafts.find(actor, DRAFT_FORM, loaded.draft_key)
                if kept_for is not None:
                    loaded.draft_id, stored = kept_for.id, dict(kept_for.payload)
    except StoreUnreachable:
        raise
    except SroError as exc:
        loaded.problem = exc.message
        return loaded
    draft = read_draft(stored) if stored is not None and loaded.editable else None
    if stored is not None and loaded.editable and draft is None:
        loaded.note = "The kept draft could not be read: the report is shown as saved."
    if draft is not None:
        loaded.from_draft = True
        if loaded.record is not None:
            # Saving must name the version the draft was started from.
            draft.version = draft.version or loaded.record.version
            draft.incident_id = loaded.record.id
        loaded.draft = draft
    elif loaded.record is not None:
        loaded.draft = draft_of_record(loaded.record, services.ctx.tz)
    else:
        loaded.draft = _new_draft(services, actor, request, loaded.location_choices)
    return loaded


def _new_draft(
    services: Services, actor: Actor, request: IncidentRequest, locations: list[Choice]
) -> IncidentDraft:
    """A new report: today's school, the checklist item's place or the officer's last one."""
    prefill = request.prefill
    school_id = prefill.get("school_id") or request.school_id
    if school_id is None and actor.school_ids:
        school_id = actor.school_ids[0]
    location = prefill.get("location_code")
    if not location:
        try:
            location = services.incidents.last_location_code(actor)
        except SroError:
            location = None
    name = next((c.label for c in locations if c.value == location), "")
    return IncidentDraft(
        when=request.when,
        school_id=school_id,
        location=location,
        location_text=name,
        narrative=str(prefill.get("note") or ""),
    )
