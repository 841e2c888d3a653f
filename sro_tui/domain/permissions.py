"""Who may see and do what (domain.md, 'Who uses it'). Pure rules; the services enforce them."""

from __future__ import annotations

from .enums import IncidentStatus
from .officers import Actor
from .workflow import INCIDENT_EDITABLE


def may_read_incident(
    actor: Actor, *, officer_id: int, school_id: int, status: IncidentStatus
) -> bool:
    """Supervisors see all. An officer sees their own reports, and the open (not draft)
    reports of the schools they are assigned to. Another officer's draft stays private."""
    if actor.is_supervisor or actor.officer_id == officer_id:
        return True
    return status is not IncidentStatus.DRAFT and school_id in actor.school_ids


def may_edit_incident(actor: Actor, *, officer_id: int, status: IncidentStatus) -> bool:
    return actor.officer_id == officer_id and status in INCIDENT_EDITABLE


def may_review(actor: Actor) -> bool:
    return actor.is_supervisor


def may_read_note(
    actor: Actor,
    *,
    author_id: int,
    school_id: int | None,
    student_school_ids: frozenset[int] = frozenset(),
) -> bool:
    """Whether a note is shown at all (its text may still be withheld, see
    :func:`may_read_note_text`): supervisors see all; an officer their own notes and the notes
    of the schools they are assigned to (a confidential one only as existing). A note filed
    under no school belongs to the schools of the students it names."""
    if actor.is_supervisor or actor.officer_id == author_id:
        return True
    if school_id is not None:
        return school_id in actor.school_ids
    return not student_school_ids.isdisjoint(actor.school_ids)


def may_read_note_text(
    actor: Actor, *, author_id: int, confidential: bool, supervisors_read_confidential: bool
) -> bool:
    """A confidential note is read by its author only, and by supervisors where the agency's
    policy says so. Others learn only that it exists."""
    if not confidential or actor.officer_id == author_id:
        return True
    return supervisors_read_confidential and actor.is_supervisor


def may_read_referral(actor: Actor, *, referred_by_id: int, school_id: int | None) -> bool:
    """The referring officer and supervisors; officers assigned to the student's school too
    (they follow up with the same students)."""
    if actor.is_supervisor or actor.officer_id == referred_by_id:
        return True
    return school_id is not None and school_id in actor.school_ids


def may_change_referral(actor: Actor, *, referred_by_id: int) -> bool:
    """Status, consent and follow-up are kept by the referring officer (or a supervisor)."""
    return actor.is_supervisor or actor.officer_id == referred_by_id


def may_import_roster(actor: Actor, school_id: int | None) -> bool:
    """Supervisors and admins load any school's roster; an officer only their own schools'."""
    if actor.is_supervisor:
        return True
    return school_id is not None and school_id in actor.school_ids


def may_manage_officers(actor: Actor) -> bool:
    return actor.is_admin


def may_manage_reference(actor: Actor) -> bool:
    return actor.is_admin


def may_read_audit(actor: Actor) -> bool:
    return actor.is_supervisor


def may_run_department_reports(actor: Actor) -> bool:
    return actor.is_supervisor
