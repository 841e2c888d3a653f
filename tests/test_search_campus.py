"""Search finds trespass warnings (name, description) and calls for service (caller, what,
where) under their read rules, on every backend: a juvenile's warning only for supervisors,
the officer who gave it and the officers of a school it covers; a sealed student's for
nobody; a call for supervisors, the officer who logged it and the officers of its school.
The full-text index follows a row changed (the triggers, SQLite) and a store made before
migration 0019 is indexed by it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from sro_tui.domain.calls import CallCreate, Disposition
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.search import SearchKind
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.trespass import PersonKind, TrespassWarningCreate
from sro_tui.services.registry import Services
from sro_tui.services.sealing import SealingService, SealOrder
from sro_tui.store.models import CallForService, TrespassWarning

from .conftest import make_officer


def school(services: Services, code: str = "VHS") -> int:
    return services.reference.school_by_code(code).id


def warning(services: Services, name: str, **values: object) -> TrespassWarningCreate:
    data: dict[str, object] = {
        "person_name": name,
        "age": 40,
        "description": "grey hoodie, red backpack",
        "school_ids": [school(services)],
    }
    data.update(values)
    return TrespassWarningCreate.model_validate(data)


def call(services: Services, code: str = "VHS", **values: object) -> CallCreate:
    data: dict[str, object] = {
        "caller": "Front office (Ms. Lee)",
        "school_id": school(services, code),
        "location": "north parking lot",
        "what": "Man with a megaphone at the fence",
    }
    data.update(values)
    return CallCreate.model_validate(data)


def found(services: Services, actor: Actor, text: str, *kinds: SearchKind) -> set[str]:
    hits = services.search.search(actor, text, kinds={k.value for k in kinds} or None)
    return {f"{h.kind.value}:{h.lookup or h.record_id}" for h in hits}


def test_warnings_are_found_by_name_or_description_under_their_read_rule(
    services: Services, officer: Actor
) -> None:
    stranger = make_officer(services, "1005", "officer", ("BHS",))
    supervisor = make_officer(services, "2005", "supervisor", ())
    services.trespass.warn(officer, warning(services, "Adult Hoodieman"))
    services.trespass.warn(officer, warning(services, "Young Hoodieman", age=15))
    other = warning(
        services,
        "Other Hoodieman",
        birth_date=date(2010, 1, 1),
        age=None,
        person_kind=PersonKind.STUDENT_OTHER_SCHOOL,
    )
    services.trespass.warn(officer, other)
    everyone = {"warning:Adult Hoodieman", "warning:Young Hoodieman", "warning:Other Hoodieman"}
    assert found(services, officer, "hoodiem", SearchKind.WARNING) == everyone
    assert found(services, supervisor, "hoodieman") == everyone
    assert found(services, stranger, "hoodieman") == {"warning:Adult Hoodieman"}
    # A description word, its last word a prefix; accents folded.
    assert found(services, stranger, "grey backp") == {"warning:Adult Hoodieman"}
    assert found(services, stranger, "RÉD hoodie") == {"warning:Adult Hoodieman"}
    hit = services.search.search(officer, "adult hoodieman")[0]
    assert hit.title.startswith("Trespass warning (PC 626.8): Adult Hoodieman (IN FORCE")
    assert [text for text, matched in hit.snippet if matched] == ["Adult", "Hoodieman"]


def test_a_sealed_students_warning_is_found_by_nobody(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    data = StudentCreate(
        district_id="S78", first_name="Sam", last_name="Sealed", school_id=school(services, "BHS")
    )
    student = services.students.create(SYSTEM_ACTOR, data).id
    services.trespass.warn(officer, warning(services, "Sealed Climber", student_id=student))
    assert found(services, supervisor, "climber") == {"warning:Sealed Climber"}
    SealingService(services.ctx, services.audit).seal(
        supervisor, "S78", SealOrder(order_number="JV-2", reason="court order")
    )
    assert found(services, supervisor, "climber") == set()
    assert found(services, officer, "climber") == set()


def test_calls_are_found_by_caller_what_or_where_under_their_read_rule(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    colleague = make_officer(services, "1006", "officer", ("VHS",))
    stranger = make_officer(services, "1007", "officer", ("BHS",))
    logged = services.calls.add(officer, call(services, disposition=Disposition.SCHOOL))
    bhs = services.calls.add(stranger, call(services, "BHS", what="Megaphone again"))
    for text in ("megaphone", "ms lee", "parking", "north park"):
        assert found(services, supervisor, text, SearchKind.CALL) == {
            f"call:{logged.id}",
            f"call:{bhs.id}",
        }, text
    assert found(services, colleague, "megaphone") == {f"call:{logged.id}"}  # its school
    assert found(services, stranger, "megaphone") == {f"call:{bhs.id}"}  # own call
    assert found(services, officer, "megaphone", SearchKind.INCIDENT) == set()
    hit = services.search.search(officer, "megaphone fence")[0]
    assert hit.title == "Call at VHS from Front office (Ms. Lee) (handled by school)"
    assert hit.incident_id is None


def test_the_index_follows_a_changed_or_removed_row(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    given = services.trespass.warn(officer, warning(services, "Changing Person"))
    logged = services.calls.add(officer, call(services))
    with services.db.write() as session:
        session.execute(
            update(TrespassWarning)
            .where(TrespassWarning.id == given.id)
            .values(description="yellow raincoat")
        )
        session.execute(
            update(CallForService)
            .where(CallForService.id == logged.id)
            .values(what="Loose dog on the field")
        )
    assert found(services, supervisor, "raincoat") == {"warning:Changing Person"}
    assert found(services, supervisor, "hoodie") == set()
    assert found(services, supervisor, "dog") == {f"call:{logged.id}"}
    assert found(services, supervisor, "megaphone") == set()
