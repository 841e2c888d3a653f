"""Search across narratives, notes, referrals and students, on every backend."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from sro_tui.domain.enums import ContactKind
from sro_tui.domain.errors import SroError
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.search import SearchKind, fts5_match, parse_query, snippet, tsquery
from sro_tui.domain.students import StudentCreate
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.store.models import (
    AuditEvent,
    Incident,
    IncidentPerson,
    Location,
    Referral,
    ReferralProgram,
    School,
)

from .conftest import Clock, make_officer

_numbers = itertools.count(1)


def school_id(services: Services, code: str = "VHS") -> int:
    return services.reference.school_by_code(code).id


def add_incident(
    services: Services,
    actor: Actor,
    narrative: str,
    *,
    school: str = "VHS",
    status: str = "draft",
    occurred_at: datetime | None = None,
    people: tuple[dict, ...] = (),
) -> int:
    """An incident written straight to the store (the incident service is another area's)."""
    now = services.ctx.now()
    with services.db.write() as session:
        location_id = session.scalar(select(Location.id).order_by(Location.id).limit(1))
        sid = session.scalar(select(School.id).where(School.code == school))
        incident = Incident(
            number=f"SRO-2026-{next(_numbers):06d}",
            status=status,
            school_id=sid,
            school_year="2026-27",
            officer_id=actor.officer_id,
            location_id=location_id,
            occurred_at=occurred_at or now,
            entered_at=now,
            updated_at=now,
            narrative=narrative,
        )
        for person in people:
            incident.people.append(IncidentPerson(**person))
        session.add(incident)
        session.flush()
        return incident.id


def set_narrative(services: Services, incident_id: int, narrative: str) -> None:
    with services.db.write() as session:
        session.get(Incident, incident_id).narrative = narrative


def add_student(services: Services, actor: Actor, district_id: str, first: str, last: str) -> int:
    data = StudentCreate(
        district_id=district_id, first_name=first, last_name=last, school_id=school_id(services)
    )
    return services.students.create(actor, data).id


def add_referral(services: Services, actor: Actor, student_id: int, reason: str) -> int:
    now = services.ctx.now()
    with services.db.write() as session:
        program_id = session.scalar(select(ReferralProgram.id).order_by(ReferralProgram.id))
        referral = Referral(
            student_id=student_id,
            program_id=program_id,
            school_id=school_id(services),
            reason=reason,
            referred_by_id=actor.officer_id,
            referred_on=services.ctx.today(),
            created_at=now,
            updated_at=now,
        )
        session.add(referral)
        session.flush()
        return referral.id


def add_note(
    services: Services, actor: Actor, text: str, *, confidential: bool = False, student_id: int
) -> int:
    data = NoteCreate(
        kind=ContactKind.MENTORING,
        school_id=school_id(services),
        occurred_at=services.ctx.now(),
        minutes=20,
        student_ids=[student_id],
        text=text,
        confidential=confidential,
    )
    return services.notes.create(actor, data).id


def ids(hits, kind: SearchKind | None = None) -> set[int]:
    return {h.record_id for h in hits if kind is None or h.kind == kind}


# -- query and snippet (pure) ------------------------------------------------------------------


def test_query_words_are_quoted_and_the_last_is_a_prefix() -> None:
    query = parse_query('Fight NEAR "gym" OR José*')
    assert query.terms == ("fight", "near", "gym", "or", "jose")
    assert fts5_match(query) == '"fight" "near" "gym" "or" "jose"*'
    assert tsquery(query) == "fight & near & gym & or & jose:*"
    assert not parse_query("fight ").prefix
    assert not parse_query("a").prefix  # one letter is too short to be a prefix
    assert parse_query("  ").empty


def test_snippet_marks_matched_words_in_a_window() -> None:
    text = "Intro words. " * 30 + "Two students began a Fight near the gym; fighting stopped."
    spans = snippet(text, parse_query("fight"))
    assert ("Fight", True) in spans and ("fighting", True) in spans
    assert spans[0] == ("…", False)
    joined = "".join(t for t, _ in spans)
    assert "began a Fight near the gym" in joined
    assert len(joined) <= 145
    # Accents and case fold both ways; "fig" matches as a prefix only when last.
    assert ("José", True) in snippet("Spoke with José today", parse_query("jose"))
    assert not any(m for _, m in snippet("a figment", parse_query("fig ")))


# -- search over the store -------------------------------------------------------------------


def test_finds_a_word_typed_a_moment_before(services: Services, officer: Actor) -> None:
    incident_id = add_incident(services, officer, "Found a vape pen behind the gym.")
    hits = services.search.search(officer, "vape")
    assert [(h.kind, h.record_id) for h in hits] == [(SearchKind.INCIDENT, incident_id)]
    assert ("vape", True) in hits[0].snippet
    assert hits[0].officer == "Officer 1001"
    assert ids(services.search.search(officer, "VAP")) == {incident_id}  # prefix, any case
    assert services.search.search(officer, "vap ") == []  # a finished word is not a prefix
    assert ids(services.search.search(officer, "pen gym")) == {incident_id}  # every word
    assert services.search.search(officer, "pen library") == []

    set_narrative(services, incident_id, "Rewritten: a lighter was found.")
    assert services.search.search(officer, "vape") == []
    assert ids(services.search.search(officer, "lighter")) == {incident_id}


def test_finds_a_narrative_saved_through_the_incident_service(
    services: Services, officer: Actor, clock: Clock
) -> None:
    from sro_tui.domain.incidents import IncidentCreate, IncidentUpdate

    created = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=school_id(services),
            occurred_at=clock.now - timedelta(minutes=10),
            location_code="HALLWAY",
            narrative="Skateboard confiscated in the hallway.",
        ),
    )
    assert ids(services.search.search(officer, "skateb")) == {created.id}
    services.incidents.update(
        officer,
        created.id,
        IncidentUpdate(version=created.version, narrative="Scooter confiscated instead."),
    )
    assert services.search.search(officer, "skateboard") == []
    (hit,) = services.search.search(officer, "scooter")
    assert hit.record_id == created.id and created.number in hit.title


def test_incident_read_permissions(services: Services, officer: Actor, clock: Clock) -> None:
    other = make_officer(services, "1002", "officer", ("VHS",))
    elsewhere = make_officer(services, "1003", "officer", ("BHS",))
    supervisor = make_officer(services, "2001", "supervisor", ())
    draft = add_incident(services, other, "graffiti on the portable", status="draft")
    submitted = add_incident(services, other, "graffiti in restroom", status="submitted")
    other_school = add_incident(services, elsewhere, "graffiti at Buena", school="BHS")

    assert ids(services.search.search(officer, "graffiti")) == {submitted}
    assert ids(services.search.search(other, "graffiti")) == {draft, submitted}
    assert ids(services.search.search(supervisor, "graffiti")) == {draft, submitted, other_school}


def test_confidential_notes_are_not_matched_for_others(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    student = add_student(services, officer, "S-100", "Lena", "Park")
    private = add_note(
        services, officer, "Talked about bruises at home", confidential=True, student_id=student
    )
    plain = add_note(services, officer, "Bruises from soccer practice", student_id=student)

    assert ids(services.search.search(officer, "bruises"), SearchKind.NOTE) == {private, plain}
    # A colleague at the same school reads the school's notes, never a confidential one's text.
    assert ids(services.search.search(other_officer, "bruises"), SearchKind.NOTE) == {plain}
    assert ids(services.search.search(supervisor, "bruises"), SearchKind.NOTE) == {plain}
    with services.db.write() as session:
        store_settings.set_value(session, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1")
    assert ids(services.search.search(supervisor, "bruises"), SearchKind.NOTE) == {private, plain}


def test_students_referrals_and_numbers(services: Services, officer: Actor) -> None:
    maria = add_student(services, officer, "D-20417", "María", "López")
    add_student(services, officer, "D-30001", "Mark", "Lopezzi")
    referral = add_referral(services, officer, maria, "Repeated truancy and anger at peers")
    incident = add_incident(services, officer, "Nothing here about names")
    with services.db.read() as session:
        number = session.get(Incident, incident).number

    assert ids(services.search.search(officer, "maria lopez "), SearchKind.STUDENT) == {maria}
    assert len(ids(services.search.search(officer, "lopez"), SearchKind.STUDENT)) == 2
    assert ids(services.search.search(officer, "d-2041"), SearchKind.STUDENT) == {maria}
    hits = services.search.search(officer, "truan", kinds={"referral"})
    assert [(h.kind, h.record_id) for h in hits] == [(SearchKind.REFERRAL, referral)]
    assert "López" in hits[0].title
    assert ids(services.search.search(officer, number), SearchKind.INCIDENT) == {incident}


def test_kinds_limit_and_order(services: Services, officer: Actor, clock: Clock) -> None:
    made = []
    for n in range(5):
        made.append(add_incident(services, officer, f"patrol round {n}"))
        clock.advance(minutes=5)
    student = add_student(services, officer, "S-1", "Pat", "Rol")
    note = add_note(services, officer, "patrol talk", student_id=student)
    hits = services.search.search(officer, "patrol", limit=3)
    assert [h.record_id for h in hits] == [note, made[4], made[3]]
    assert [h.at for h in hits] == sorted((h.at for h in hits), reverse=True)
    assert ids(services.search.search(officer, "patrol", kinds={"incident"})) == set(made)
    with pytest.raises(SroError, match="Search kinds"):
        services.search.search(officer, "patrol", kinds={"incidents"})


def test_odd_input_does_not_break_the_query(services: Services, officer: Actor) -> None:
    add_incident(services, officer, 'He said "NEAR" OR AND * ^ - : (')
    for text in ['"', "near(", "OR", "*", "AND -", "a:b", "'; DROP TABLE incidents; --", "^"]:
        services.search.search(officer, text)  # no error
    assert len(services.search.search(officer, "near or")) == 1


def test_search_is_audited_without_its_words(services: Services, officer: Actor) -> None:
    add_incident(services, officer, "Maria Lopez was seen leaving campus")
    services.search.search(officer, "maria lopez")
    with services.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "search.run")).one()
    assert event.badge == "1001"
    assert "1 hits" in event.detail
    assert "maria" not in event.detail.lower() and "lopez" not in event.detail.lower()


def test_preparing_a_search_audits_and_returns_nothing(services: Services, officer: Actor) -> None:
    """``search.prepare`` (run as the search screen opens) runs a two-letter search's reads
    and drops them: no event in the trail; the officer's searches are audited as before."""
    add_incident(services, officer, "Everyone left the east gate early")
    with services.db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEvent))
    assert services.search.prepare(officer) is None
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert len(services.search.search(officer, "ev")) == 1
    with services.db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1


@pytest.mark.slow
def test_many_rows_return_the_newest_few(services: Services, officer: Actor) -> None:
    """20k narratives inserted in bulk: a common word returns only the newest ``limit``."""
    now = services.ctx.now()
    vhs = school_id(services)
    with services.db.write() as session:
        location_id = session.scalar(select(Location.id).limit(1))
        start = session.scalar(select(func.coalesce(func.max(Incident.id), 0)))
        rows = [
            dict(
                number=f"BULK-{n:06d}",
                status="submitted",
                school_id=vhs,
                school_year="2026-27",
                officer_id=officer.officer_id,
                location_id=location_id,
                occurred_at=now - timedelta(minutes=20_000 - n),
                entered_at=now,
                updated_at=now,
                narrative=f"Routine campus check number {n}. "
                + ("A rare zeppelin sighting. " if n % 5000 == 7 else "All quiet."),
            )
            for n in range(20_000)
        ]
        for chunk in range(0, len(rows), 5000):
            session.execute(insert(Incident), rows[chunk : chunk + 5000])
    hits = services.search.search(officer, "routine campus", limit=25)
    assert len(hits) == 25
    newest = {start + 20_000 - k for k in range(25)}
    assert ids(hits) == newest
    rare = services.search.search(officer, "zeppelin")
    assert len(rare) == 4
    assert all(("zeppelin", True) in h.snippet for h in rare)


def test_hit_dates_are_aware_utc(services: Services, officer: Actor) -> None:
    when = datetime(2026, 9, 1, 18, 0, tzinfo=UTC)
    add_incident(services, officer, "bike theft", occurred_at=when)
    (hit,) = services.search.search(officer, "bike")
    assert hit.at == when and hit.at.tzinfo is not None
    assert date(2026, 9, 1) == hit.at.date()


def test_postgres_index_expression_matches_the_query_expression() -> None:
    """PostgreSQL uses an expression index only for the very same expression."""
    import importlib.util
    from pathlib import Path

    from sro_tui.domain.search import PG_ACCENTED, PG_PLAIN, fold
    from sro_tui.store.migrate import MIGRATIONS

    path = Path(MIGRATIONS) / "versions" / "0003_search_index.py"
    spec = importlib.util.spec_from_file_location("m0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (module.ACCENTED, module.PLAIN) == (PG_ACCENTED, PG_PLAIN)
    assert all(fold(a) == fold(p) for a, p in zip(PG_ACCENTED, PG_PLAIN, strict=True))


@contextlib.contextmanager
def statements_sent(engine: Any) -> Iterator[list[str]]:
    """The SQL of each statement the engine sends while inside."""
    from sqlalchemy import event

    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("words", ["beta", "alpha", "gamma", "nowhere"])
def test_postgres_search_steers_the_planner_in_few_statements(
    services: Services,
    officer: Actor,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    words: str,
) -> None:
    """PostgreSQL: the planner's settings a search's steps need are changed in one statement
    each time they change (at most two per step: off, then on again), and are back on for
    whatever the transaction runs after each kind: the walk (beta), the fallback (alpha),
    the probe (gamma) and a probe that finds nothing."""
    from sqlalchemy import text

    from sro_tui.services import search as search_module

    engine = services.search.ctx.db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("the planner's settings are PostgreSQL's")
    monkeypatch.setattr(search_module, "PG_SMALL", 0)
    monkeypatch.setattr(search_module, "PG_PROBE", 5)
    monkeypatch.setattr(search_module, "PG_CHUNK", 4)
    monkeypatch.setattr(search_module, "PG_WALK_CHUNKS", 2)
    for n in range(30):
        words_of = "beta" + (" alpha" if n < 10 else "") + (" gamma" if n % 10 == 0 else "")
        add_incident(services, officer, words_of, occurred_at=clock.now)
        clock.advance(minutes=1)

    with statements_sent(engine) as sent, services.search.ctx.db.read() as session:
        matcher = search_module._Matcher(session, parse_query(words), 6)
        services.search._incidents(session, officer, matcher, None)
        settings = session.execute(
            text(
                "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'),"
                " current_setting('enable_bitmapscan'), current_setting('enable_sort')"
            )
        ).one()
    assert tuple(settings) == ("on", "on", "on", "on")
    changes = [s for s in sent if "set_config" in s or s.lstrip().upper().startswith("SET")]
    reads = [s for s in sent if s.lstrip().upper().startswith("SELECT") and s not in changes]
    assert changes, "a probe or a walk steers the planner"
    assert len(changes) <= 2 * (len(reads) - 1)  # -1: the settings read above


def test_postgres_searches_a_small_table_in_one_statement(
    services: Services, officer: Actor, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: a table the planner counts under PG_SMALL rows is searched in one plain
    statement (no estimate, no planner settings), newest first; one never analysed is not
    taken for small."""
    from sqlalchemy import text

    from sro_tui.services import search as search_module

    engine = services.search.ctx.db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("table sizes from PostgreSQL's statistics")
    monkeypatch.setattr(search_module, "PG_SIZES_SECONDS", 0.0)  # read the sizes each time
    made = []
    for n in range(5):
        made.append(add_incident(services, officer, f"delta report {n}", occurred_at=clock.now))
        clock.advance(minutes=1)
    sent: list[str] = []

    def searched() -> list[int]:
        with statements_sent(engine) as statements:
            hits = services.search.search(officer, "delta", kinds={"incident"})
        sent[:] = statements
        return [h.record_id for h in hits]

    steps = ("set_config", "EXPLAIN")
    with engine.connect() as connection:  # never analysed: -1 rows, the steps run
        analysed = connection.scalar(
            text("SELECT reltuples FROM pg_class WHERE relname = 'incidents'")
        )
    if analysed is not None and analysed < 0:
        assert searched() == list(reversed(made))
        assert any(step in s for s in sent for step in steps)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE incidents"))
    assert searched() == list(reversed(made))
    assert not any(step in s for s in sent for step in steps)


def test_referrals_follow_their_read_rule(services: Services, officer: Actor) -> None:
    elsewhere = make_officer(services, "1003", "officer", ("BHS",))
    same_school = make_officer(services, "1004", "officer", ("VHS",))
    student = add_student(services, officer, "S-77", "Ivy", "Chen")
    referral = add_referral(services, officer, student, "Counseling after bereavement")
    assert ids(services.search.search(same_school, "bereave"), SearchKind.REFERRAL) == {referral}
    assert services.search.search(elsewhere, "bereave", kinds={"referral"}) == []


@pytest.mark.parametrize("planner_says_common", [False, True])
def test_common_and_sparse_words_take_every_path(
    services: Services,
    officer: Actor,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    planner_says_common: bool,
) -> None:
    """PostgreSQL: small bounds make the probe, the walk and the sparse fallback all run;
    when the planner's statistics call every word common, the walk goes first and the
    hits are the same."""
    from sro_tui.services import search as search_module

    monkeypatch.setattr(search_module, "PG_COMMON", 0 if planner_says_common else 10**9)
    monkeypatch.setattr(search_module, "PG_SMALL", 0)  # no table is small: the steps run
    monkeypatch.setattr(search_module, "PG_PROBE", 5)
    monkeypatch.setattr(search_module, "PG_CHUNK", 4)
    monkeypatch.setattr(search_module, "PG_WALK_CHUNKS", 2)
    made = []
    for n in range(30):
        words = "beta" + (" alpha" if n < 10 else "") + (" gamma" if n % 10 == 0 else "")
        made.append(add_incident(services, officer, words, occurred_at=clock.now))
        clock.advance(minutes=1)
    newest = list(reversed(made))
    # Dense: found by walking the newest rows.
    assert [h.record_id for h in services.search.search(officer, "beta", limit=6)] == newest[:6]
    # Common (10 > probe) but only among the oldest: the walk gives up, the fallback finds them.
    alpha = [h.record_id for h in services.search.search(officer, "alpha", limit=6)]
    assert alpha == list(reversed(made[:10]))[:6]
    # Rare (3 < probe): from the probe alone.
    assert [h.record_id for h in services.search.search(officer, "gamma")] == [
        made[20],
        made[10],
        made[0],
    ]
