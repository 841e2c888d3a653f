"""Who may read which record, as ONE SQL predicate per record kind (issue 12).

Every read path of a kind (show, list, search, timeline, export) filters with the same
predicate, so that no path shows what another hides: an officer sees their own records and
the open records of the schools they are assigned to; supervisors see all. Each predicate is
the SQL form of the Python rule in :mod:`sro_tui.domain.permissions` (tests check the two
agree with Hypothesis):

- :func:`incident_readable` — :func:`~sro_tui.domain.permissions.may_read_incident`
  (another officer's draft stays private);
- :func:`note_readable` — :func:`~sro_tui.domain.permissions.may_read_note` (a confidential
  note of another is shown as existing, its text withheld by ``may_read_note_text``);
- :func:`referral_readable` — :func:`~sro_tui.domain.permissions.may_read_referral`.

The actor's role and schools are those of the call (the session's rights are re-read per
call by :class:`~sro_tui.services.security.RightsChecked`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, true

from ..domain.enums import IncidentStatus
from ..domain.officers import Actor
from ..store.models import Incident, Note, NoteStudent, Referral, Student


def _own_or_school(
    actor: Actor, owner: Any, school: Any, *extra: ColumnElement[bool]
) -> ColumnElement[bool]:
    if actor.is_supervisor:
        return true()
    own = owner == actor.officer_id if actor.officer_id is not None else false()
    if not actor.school_ids:
        return own
    at_school = and_(school.in_(actor.school_ids), *extra)
    return or_(own, at_school)


def incident_readable(actor: Actor) -> ColumnElement[bool]:
    return _own_or_school(
        actor,
        Incident.officer_id,
        Incident.school_id,
        Incident.status != IncidentStatus.DRAFT.value,
    )


def note_readable(actor: Actor) -> ColumnElement[bool]:
    """A note filed under no school belongs to the schools of the students it names."""
    if actor.is_supervisor or not actor.school_ids:
        return _own_or_school(actor, Note.officer_id, Note.school_id)
    of_students = and_(
        Note.school_id.is_(None),
        exists().where(
            NoteStudent.note_id == Note.id,
            NoteStudent.student_id == Student.id,
            Student.school_id.in_(actor.school_ids),
        ),
    )
    return or_(_own_or_school(actor, Note.officer_id, Note.school_id), of_students)


def referral_readable(actor: Actor) -> ColumnElement[bool]:
    return _own_or_school(
        actor,
        Referral.referred_by_id,
        Referral.school_id,
    )
