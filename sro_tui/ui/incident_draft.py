"""What the incident form holds, as a typed model: the payload of its draft.

The form collects its fields into an :class:`IncidentDraft` and keeps it as the draft's JSON
(``services.drafts``); reopening validates the JSON back into the model, so a draft written by
an older version, or a damaged one, gives defaults for what is missing instead of a crash.
Values are the text as typed (times as the officer wrote them): a draft keeps unfinished work,
the domain schemas (``IncidentCreate``) are built from it only when saving.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..domain.enums import (
    BiasMotivation,
    ComplianceKind,
    ContactInitiator,
    GangInvolvement,
    OutcomeKind,
    PersonRole,
    SuspectedUse,
    WeaponType,
)
from ..domain.incidents import IncidentRead
from ..domain.timeparse import format_local

__all__ = [
    "ComplianceDraft",
    "IncidentDraft",
    "OffenseDraft",
    "PersonDraft",
    "draft_of_record",
    "merge_typed",
    "read_draft",
]


class _Part(BaseModel):
    # Unknown keys (an older or newer form's) are dropped, not refused.
    model_config = ConfigDict(extra="ignore")


class OffenseDraft(_Part):
    """One category row: the category picked (``code``) or only typed (``text``)."""

    code: str | None = None
    text: str = ""
    most_severe: bool = False
    attempted: bool = False
    weapon: WeaponType = WeaponType.NONE
    suspected_use: SuspectedUse = SuspectedUse.NONE
    gang: GangInvolvement = GangInvolvement.NONE


class PersonDraft(_Part):
    """One person row: a student picked (id, name and detail as shown) or a name the officer
    chose to keep as typed (``free``: someone not on the roster)."""

    student_id: int | None = None
    label: str = ""
    detail: str = ""
    text: str = ""
    free: bool = False
    role: PersonRole = PersonRole.SUSPECT
    outcomes: list[OutcomeKind] = Field(default_factory=list)
    juvenile: bool = True
    custodial: bool = False
    parent_notified: str = ""

    @model_validator(mode="before")
    @classmethod
    def _older_drafts(cls, data: Any) -> Any:
        # Drafts from before the explicit choice kept a typed name as the person's name.
        if isinstance(data, dict) and "free" not in data:
            data = {**data, "free": not data.get("student_id") and bool(data.get("text"))}
        return data


class ComplianceDraft(_Part):
    """A notification: marked done, and when (as typed)."""

    done: bool = False
    at: str = ""


class IncidentDraft(_Part):
    """The whole form. ``incident_id`` and ``version`` name the report a draft edits (saving
    must name the version the draft was started from)."""

    incident_id: int | None = None
    version: int | None = None
    when: str = ""
    school_id: int | None = None
    location: str | None = None
    location_text: str = ""
    offenses: list[OffenseDraft] = Field(default_factory=lambda: [OffenseDraft()])
    people: list[PersonDraft] = Field(default_factory=list)
    compliance: dict[ComplianceKind, ComplianceDraft] = Field(default_factory=dict)
    narrative: str = ""
    bias_motivation: BiasMotivation = BiasMotivation.NONE
    # Who brought the matter to the officer (None: not said yet).
    initiated_by: ContactInitiator | None = None

    def payload(self) -> dict[str, Any]:
        """The draft's JSON-ready payload."""
        return self.model_dump(mode="json")


def read_draft(payload: dict[str, Any]) -> IncidentDraft | None:
    """A stored payload as a draft, or None when it cannot be read as one."""
    try:
        return IncidentDraft.model_validate(payload)
    except ValidationError:
        return None


def _local(moment: datetime | None, tz: ZoneInfo) -> str:
    return format_local(moment, tz) if moment else ""


def draft_of_record(record: IncidentRead, tz: ZoneInfo) -> IncidentDraft:
    """The form's values for a saved report, as it is stored."""
    return IncidentDraft(
        incident_id=record.id,
        version=record.version,
        when=format_local(record.occurred_at, tz),
        school_id=record.school_id,
        location=record.location_code,
        location_text=record.location_name,
        offenses=[
            OffenseDraft(
                code=o.category_code,
                text=o.category_name,
                most_severe=o.most_severe,
                attempted=o.attempted,
                weapon=o.weapon,
                suspected_use=o.suspected_use,
                gang=o.gang,
            )
            for o in record.offenses
        ],
        people=[
            PersonDraft(
                student_id=p.student_id,
                label=p.name,
                text=p.name,
                free=p.student_id is None,
                role=p.role,
                outcomes=list(p.outcomes),
                juvenile=p.juvenile,
                custodial=p.custodial,
                parent_notified=_local(p.parent_notified_at, tz),
            )
            for p in record.people
        ],
        compliance={
            c.kind: ComplianceDraft(done=True, at=format_local(c.done_at, tz))
            for c in record.compliance
        },
        narrative=record.narrative,
        bias_motivation=record.bias_motivation,
        initiated_by=record.initiated_by,
    )


def _has_offense(row: dict[str, Any]) -> bool:
    return bool(row.get("code") or str(row.get("text") or "").strip())


def merge_typed(typed: dict[str, Any], loaded: IncidentDraft, *, skeleton_narrative: str) -> None:
    """Fold what was loaded into ``typed``, the payload keys the officer changed while the
    form loaded (they win over the loaded values). Lists are not replaced but added to: rows
    typed ahead come after the loaded ones; a narrative typed into the empty skeleton of a
    saved report comes after its stored narrative (so nothing stored is dropped on save)."""
    stored = loaded.payload()
    if "offenses" in typed:
        rows = [r for r in [*stored["offenses"], *typed["offenses"]] if _has_offense(r)]
        typed["offenses"] = rows or [OffenseDraft().model_dump(mode="json")]
    if "people" in typed:
        typed["people"] = [*stored["people"], *typed["people"]]
    if "compliance" in typed:
        typed["compliance"] = {**stored["compliance"], **typed["compliance"]}
    narrative = str(typed.get("narrative", ""))
    before = str(stored["narrative"])
    if "narrative" in typed and not skeleton_narrative and before.strip():
        typed["narrative"] = f"{before.rstrip()}\n{narrative}"
