"""The demo department's campus security (services/demo.py calls :func:`seed_campus` last,
so the records seeded before keep their random draws): trespass warnings, some in force,
some expired, one person warned again after returning (the watch check flags REPEATED), an
adult warned off for a year under PC 627.7 and two juveniles; and calls for service on the
officers' work days, every disposition at least once, two logged today by badge 1001, a
"report taken" call linked to one of the officer's reports."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..domain.calls import CallerKind, Disposition
from ..domain.trespass import (
    PersonKind,
    Statute,
    expires_at,
    is_juvenile,
    last_day_in_force,
    person_key,
    search_text,
    statute_text,
)
from ..store.models import CallForService, TrespassWarning, TrespassWarningSchool

if TYPE_CHECKING:
    from .demo import _Builder

# (days ago, name, age, kind, description, statute, days in force, school codes, officer badge)
WARNINGS: tuple[tuple[int, str, int, PersonKind, str, Statute, int, tuple[str, ...], str], ...] = (
    (
        40,
        "Ray Kessler",
        34,
        PersonKind.ADULT,
        "tall, grey hoodie, red backpack, skateboard",
        Statute.PC_626_8,
        7,
        ("VHS",),
        "1001",
    ),
    (
        3,
        "Ray Kessler",
        34,
        PersonKind.ADULT,
        "grey hoodie, skateboard; came back through the east gate",
        Statute.PC_626_8,
        30,
        ("VHS", "BHS"),
        "1001",
    ),
    (
        60,
        "Dana Whitlock",
        41,
        PersonKind.ADULT,
        "blue sedan, shouted at front office staff",
        Statute.PC_627_7,
        365,
        ("VHS",),
        "1001",
    ),
    (
        10,
        "Glen Harper",
        52,
        PersonKind.ADULT,
        "white van, sold vape pens by the north gate",
        Statute.PC_626_8,
        30,
        ("VHS", "PHS"),
        "1001",
    ),
    (
        2,
        "Tyler Brandt",
        17,
        PersonKind.JUVENILE,
        "former student, black jacket, BMX bike",
        Statute.PC_626_8,
        7,
        ("VHS",),
        "1001",
    ),
    (
        20,
        "Marcus Lee",
        16,
        PersonKind.STUDENT_OTHER_SCHOOL,
        "student of another school, green cap",
        Statute.PC_626_8,
        7,
        ("BHS",),
        "1002",
    ),
    (
        90,
        "Sofia Reyes",
        19,
        PersonKind.ADULT,
        "loitered by the gym after hours",
        Statute.PC_626_8,
        7,
        ("PHS",),
        "1003",
    ),
)

CALLERS: tuple[tuple[str, CallerKind], ...] = (
    ("Front office (Ms. Alvarez)", CallerKind.STAFF),
    ("Assistant principal Kim", CallerKind.STAFF),
    ("Campus supervisor Ortiz", CallerKind.STAFF),
    ("Dispatch", CallerKind.DISPATCH),
    ("Parent (Mr. Grant)", CallerKind.PARENT),
    ("A student", CallerKind.STUDENT),
    ("Neighbour on Main St", CallerKind.OTHER),
)
CALL_TEXT = (
    ("Two students arguing, may fight", "quad"),
    ("Unknown adult at the fence asking for a student", "north gate"),
    ("Smell of vape in the restroom", "B-wing restroom"),
    ("Student left campus without permission", "parking lot"),
    ("Car parked in the fire lane", "front drive"),
    ("Parent upset at pick-up", "front office"),
    ("Possible stolen phone", "library"),
    ("Loose dog on the field", "athletic field"),
)
DISPOSITIONS = (
    (Disposition.RESOLVED, 0.42),
    (Disposition.SCHOOL, 0.25),
    (Disposition.REFERRED, 0.08),
    (Disposition.UNFOUNDED, 0.1),
    (Disposition.GONE, 0.08),
    (Disposition.REPORT, 0.07),
)
CALL_RATE = 0.3  # calls per officer work day


def seed_campus(b: _Builder) -> None:
    _warnings(b)
    _calls(b)


def _officer(b: _Builder, badge: str) -> Any:
    return next((o for o in b.field_officers if o.badge == badge), b.field_officers[0])


def _warnings(b: _Builder) -> None:
    by_code = {code: sid for sid, (code, _n, _l) in b.schools.items()}
    rows: list[dict[str, Any]] = []
    covers: list[list[int]] = []
    for days_ago, name, age, kind, description, statute, days, codes, badge in WARNINGS:
        day = b.today - timedelta(days=days_ago)
        warned_at = b.past(b.at(day, 600 + 7 * len(rows)))
        rows.append(
            {
                "person_name": name,
                "person_key": person_key(name, None),
                "search_text": search_text(name, description),
                "birth_date": None,
                "age": age,
                "description": description,
                "photo_ref": "",
                "person_kind": kind.value,
                "juvenile": is_juvenile(kind, None, age, day),
                "student_id": None,
                "statute": statute.value,
                "statute_text": statute_text(statute, days),
                "days": days,
                "warned_at": warned_at,
                "last_day": last_day_in_force(day, days),
                "expires_at": expires_at(warned_at, days, b.tz),
                "officer_id": _officer(b, badge).id,
                "incident_id": None,
                "created_at": warned_at,
            }
        )
        covers.append([by_code[c] for c in codes if c in by_code])
    ids = b._insert_returning(TrespassWarning, rows)
    b._insert(
        TrespassWarningSchool,
        [
            {"warning_id": wid, "school_id": sid}
            for wid, schools in zip(ids, covers, strict=True)
            for sid in schools
        ],
    )


def _calls(b: _Builder) -> None:
    rng = b.rng
    kinds = [d for d, _w in DISPOSITIONS]
    weights = [w for _d, w in DISPOSITIONS]
    plans: list[tuple[Any, date, int, Disposition]] = []
    for officer in b.field_officers:
        for _i, day, school_id in b._work_days(officer):
            if day < b.today and rng.random() < CALL_RATE:
                plans.append((officer, day, school_id, rng.choices(kinds, weights)[0]))
    # Every disposition at least once.
    for disposition in Disposition:
        if not any(p[3] is disposition for p in plans) and b.days:
            officer = rng.choice(b.field_officers)
            plans.append((officer, rng.choice(b.days), officer.school_ids[0], disposition))
    rows: list[dict[str, Any]] = []
    for officer, day, school_id, disposition in plans:
        incident_id = None
        if disposition is Disposition.REPORT:
            # The report made of it: one of the officer's, the call on that report's day.
            reports = [(i, d) for i, d, _s in b.incident_suspects.get(officer.id, [])]
            if reports:
                incident_id, day = rng.choice(reports)
        rows.append(
            _call(
                b,
                officer.id,
                school_id,
                b.past(b.at(day, rng.randint(455, 930))),
                disposition,
                incident_id,
            )
        )
    vhs = _officer(b, "1001")
    for _ in range(2):  # Today's "calls I logged today"
        rows.append(
            _call(b, vhs.id, vhs.school_ids[0], b.earlier_today(), Disposition.RESOLVED, None)
        )
    b._insert(CallForService, rows)


def _call(
    b: _Builder,
    officer_id: int,
    school_id: int,
    received: Any,
    disposition: Disposition,
    incident_id: int | None,
) -> dict[str, Any]:
    caller, caller_kind = b.rng.choice(CALLERS)
    what, where = b.rng.choice(CALL_TEXT)
    return {
        "received_at": received,
        "officer_id": officer_id,
        "school_id": school_id,
        "caller": caller,
        "caller_kind": caller_kind.value,
        "location": where,
        "what": what,
        "disposition": disposition.value,
        "incident_id": incident_id,
        "created_at": received,
    }
