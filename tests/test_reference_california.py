"""California reference data (issue 11 item 7) on real stores: NIBRS location codes, one
NIBRS code per category, the missing California categories, the outcomes, the reminders
(EC 48902 for drugs and alcohol, WIC 625.6, PC 11166), the bias motivation; and migration
0016, which carries an existing store's reference data forward."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, insert, inspect, select, text
from sqlalchemy.engine import Connection

from sro_tui.domain.enums import BiasMotivation, ComplianceKind, OutcomeKind, PersonRole
from sro_tui.domain.incidents import (
    ComplianceIn,
    IncidentUpdate,
    OffenseIn,
    PersonIn,
    ReviewDecision,
)
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.schools import ReferenceKind
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.store.db import Database
from sro_tui.store.models import (
    Incident,
    IncidentCompliance,
    IncidentOffense,
    IncidentPerson,
    IncidentPersonOutcome,
    OffenseCategory,
)

from .conftest import TEST_PASSWORD, CliResult, RunCli
from .test_export import read_csv
from .test_incidents import new_incident
from .test_migration_0009 import _row, _to

NEW_CATEGORIES = {
    "ROBBERY": ("120", "48900(e)"),
    "EXTORTION": ("210", "48900(e)"),
    "SEX-ASSAULT": ("11A", "48900(n)"),
    "SEX-BATTERY": ("11D", "48900(n)"),
    "SEX-HARASS": ("", "48900.2"),
    "HATE": ("", "48900.3"),
    "IMITATION": ("90Z", "48900(m)"),
    "EXPLOSIVE": ("520", "48900(b)"),
    "BOMB-THREAT": ("90Z", "48900.7"),
    "ARSON": ("200", "48900(f)"),
    "BURGLARY": ("220", "48900(g)"),
    "HAZING": ("90Z", "48900(q)"),
    "OBSCENE": ("", "48900(i)"),
    "STOLEN-PROP": ("280", "48900(l)"),
}


def test_locations_carry_their_nibrs_location_codes(services: Services) -> None:
    codes = {loc.code: loc.nibrs_location for loc in services.reference.locations()}
    assert codes["ONLINE"] == "58"  # Cyberspace, not 53
    assert codes["PARKING"] == "18"
    assert codes["BUS"] == "13"
    assert codes["STREET"] == "13"
    assert codes["RESIDENCE"] == "20"
    for code in ("CLASSROOM", "HALLWAY", "RESTROOM", "CAFETERIA", "GYM", "OFFICE", "PERIMETER"):
        assert codes[code] == "53", code


def test_an_online_incident_reads_as_cyberspace(services: Services, officer: Actor) -> None:
    record = services.incidents.create(officer, new_incident(services, location="ONLINE"))
    assert (record.location_code, record.location_nibrs) == ("ONLINE", "58")


def test_every_category_has_one_nibrs_code_and_the_california_ones_are_there(
    services: Services,
) -> None:
    categories = {c.code: c for c in services.reference.categories()}
    for category in categories.values():
        assert "/" not in category.nibrs, category.code  # GANG and BULLYING were 13C/90Z
    assert categories["GANG"].nibrs == "13C"
    assert categories["BULLYING"].nibrs == "13C"
    assert not categories["GANG-ACT"].criminal and categories["HARASSMENT"].nibrs == "90Z"
    for code, (nibrs, ed_code) in NEW_CATEGORIES.items():
        assert categories[code].nibrs == nibrs, code
        assert ed_code in categories[code].ed_code, code
    threat = categories["THREAT"].ed_code
    for reference in ("48900.4", "48900.7", "EC 49393", "PC 422", "PC 71"):
        assert reference in threat


def test_drugs_and_alcohol_call_for_the_ec_48902_notice(services: Services) -> None:
    for code in ("DRUG-UI", "ALCOHOL", "DRUG-POSS"):
        needed = services.incidents.compliance_needed([OffenseIn(category_code=code)])
        assert ComplianceKind.EC_48902 in needed, code
    assert services.incidents.compliance_needed([OffenseIn(category_code="EXPLOSIVE")]) == [
        ComplianceKind.GUN_FREE_SCHOOLS,
        ComplianceKind.EC_48902,
    ]


def test_california_outcomes_are_kept(services: Services, officer: Actor) -> None:
    student = services.students.create(
        officer, StudentCreate(district_id="CA1", first_name="Ana", last_name="Ruiz")
    )
    outcomes = [
        OutcomeKind.MENTAL_HEALTH_HOLD,
        OutcomeKind.COUNSEL_AND_RELEASE,
        OutcomeKind.RELEASE_TO_PARENT,
    ]
    data = new_incident(
        services,
        categories=("WELFARE",),
        people=[PersonIn(role=PersonRole.VICTIM, student_id=student.id, outcomes=outcomes)],
    )
    record = services.incidents.get(officer, services.incidents.create(officer, data).id)
    assert set(record.people[0].outcomes) == set(outcomes)


def test_a_juvenile_arrested_prompts_wic_625_6_and_abuse_prompts_pc_11166(
    services: Services, officer: Actor
) -> None:
    arrested = PersonIn(
        role=PersonRole.SUSPECT, name="Sam Doe", juvenile=True, outcomes=[OutcomeKind.ARREST]
    )
    record = services.incidents.create(
        officer, new_incident(services, categories=("SEX-BATTERY",), people=[arrested])
    )
    assert ComplianceKind.WIC_625_6 in record.compliance_missing
    assert ComplianceKind.PC_11166 in record.compliance_missing
    # An adult arrested: no WIC 625.6; a juvenile warned only: none either.
    adult = arrested.model_copy(update={"juvenile": False})
    warned = arrested.model_copy(update={"outcomes": [OutcomeKind.WARNING]})
    for person in (adult, warned):
        other = services.incidents.create(officer, new_incident(services, people=[person]))
        assert ComplianceKind.WIC_625_6 not in other.compliance_required
    assert services.incidents.compliance_needed([], [arrested]) == [ComplianceKind.WIC_625_6]
    # Reminders, not gates: the report is submitted with them open, then recorded as done.
    submitted = services.incidents.submit(officer, record.id)
    assert submitted.compliance_missing
    assert submitted.status.value == "submitted"
    done_at = services.ctx.now() - timedelta(minutes=5)
    draft = services.incidents.create(
        officer,
        new_incident(
            services,
            categories=("CHILD-ABUSE",),
            people=[arrested],
            compliance=[
                ComplianceIn(kind=ComplianceKind.WIC_625_6, done_at=done_at),
                ComplianceIn(kind=ComplianceKind.PC_11166, done_at=done_at),
            ],
        ),
    )
    assert draft.compliance_missing == ()
    assert {c.kind for c in draft.compliance} == {
        ComplianceKind.WIC_625_6,
        ComplianceKind.PC_11166,
    }


def test_bias_motivation_is_kept_and_defaults_to_none(services: Services, officer: Actor) -> None:
    plain = services.incidents.create(officer, new_incident(services))
    assert plain.bias_motivation is BiasMotivation.NONE
    assert plain.bias_motivation.nibrs == "88"
    hate = services.incidents.create(
        officer,
        new_incident(
            services,
            categories=("HATE", "FIGHT"),
            bias_motivation=BiasMotivation.ANTI_ASIAN,
        ),
    )
    assert services.incidents.get(officer, hate.id).bias_motivation is BiasMotivation.ANTI_ASIAN
    changed = services.incidents.update(
        officer,
        hate.id,
        IncidentUpdate(version=hate.version, bias_motivation=BiasMotivation.ANTI_JEWISH),
    )
    assert changed.bias_motivation.nibrs == "21"
    # An update that does not name it leaves it.
    again = services.incidents.update(
        officer, hate.id, IncidentUpdate(version=changed.version, narrative="More detail.")
    )
    assert again.bias_motivation is BiasMotivation.ANTI_JEWISH
    assert BiasMotivation.parse("14") is BiasMotivation.ANTI_ASIAN
    with pytest.raises(ValueError):
        BiasMotivation.parse("anti-nothing")


# -- migration 0016 -------------------------------------------------------------------------


@pytest.fixture
def empty(empty_db: Database) -> Database:
    return empty_db


def _add(connection: Connection, name: str, values: dict[str, object]) -> int:
    table = Table(name, MetaData(), autoload_with=connection)
    result = connection.execute(insert(table).values(active=True, **values).returning(table.c.id))
    return int(result.scalar_one())


def _seed_as_before(connection: Connection) -> dict[str, int]:
    """Reference rows as sro init seeded them before 0016 (every location 53), one of them
    edited by the agency (BULLYING's name), and a report using GANG online."""
    ids: dict[str, int] = {}
    old = [
        ("GANG", "Gang activity / intimidation", "13C/90Z", "48900.4", ""),
        ("THREAT", "Threat", "13C", "48900.4, EC 49393", "ec49393"),
        ("DRUG-UI", "Drugs: under the influence", "35A", "48900(c)", ""),
        ("ALCOHOL", "Alcohol", "90G", "48900(c)", ""),
        ("BULLYING", "Bullying at our schools", "13C/90Z", "48900(r)", ""),
        ("ROBBERY", "Robbery (ours)", "120", "", ""),  # the agency added one already
    ]
    for pos, (code, name, nibrs, ed_code, compliance) in enumerate(old):
        values = {"code": code, "name": name, "nibrs": nibrs, "ed_code": ed_code}
        values |= {"compliance": compliance, "severity": 50, "criminal": True}
        ids[code] = _add(connection, "offense_categories", {**values, "position": pos})
    for pos, (code, name) in enumerate([("ONLINE", "Online"), ("PARKING", "Parking lot")]):
        values = {"code": code, "name": name, "nibrs_location": "53", "position": pos}
        ids[code] = _add(connection, "locations", values)
    school = _row(connection, "schools", code="VHS")
    officer = _row(connection, "officers", badge="1001")
    ids["incident"] = _row(
        connection,
        "incidents",
        number="SRO-2026-000001",
        school_id=school,
        officer_id=officer,
        location_id=ids["ONLINE"],
        status="approved",
    )
    ids["offense"] = _row(
        connection, "incident_offenses", incident_id=ids["incident"], category_id=ids["GANG"]
    )
    return ids


def test_0016_carries_an_existing_stores_reference_data_forward(empty: Database) -> None:
    db = empty
    _to(db, "0015")
    with db.engine.begin() as connection:
        ids = _seed_as_before(connection)
    _to(db, "0016")
    with db.engine.begin() as connection:

        def category(code: str) -> tuple[object, ...]:
            return tuple(
                connection.execute(
                    text(
                        "SELECT id, name, nibrs, ed_code, compliance, active "
                        "FROM offense_categories WHERE code = :c"
                    ),
                    {"c": code},
                ).one()
            )

        # The used row is kept (same id, still active, the report still points at it),
        # its code corrected.
        assert category("GANG") == (ids["GANG"], "Gang intimidation", "13C", "48900.4", "", True)
        assert (
            connection.scalar(
                text("SELECT category_id FROM incident_offenses WHERE id = :i"),
                {"i": ids["offense"]},
            )
            == ids["GANG"]
        )
        # The agency's own name stays; the code, still as seeded, is corrected.
        assert category("BULLYING")[1:3] == ("Bullying at our schools", "13C")
        assert "PC 422" in str(category("THREAT")[3])
        assert category("DRUG-UI")[4] == "ec48902" and category("ALCOHOL")[4] == "ec48902"
        # The agency's ROBBERY stays theirs; the missing categories are added after theirs.
        assert category("ROBBERY")[1] == "Robbery (ours)"
        for code in NEW_CATEGORIES:
            assert category(code)[0], code
        positions = list(connection.scalars(text("SELECT position FROM offense_categories")))
        assert len(positions) == len(set(positions))
        rows = connection.execute(text("SELECT code, nibrs_location FROM locations"))
        locations = {code: nibrs for code, nibrs in rows}
        assert locations == {"ONLINE": "58", "PARKING": "18", "STREET": "13", "RESIDENCE": "20"}
        assert (
            connection.scalar(
                text("SELECT bias_motivation FROM incidents WHERE id = :i"), {"i": ids["incident"]}
            )
            == "none"
        )
    _to(db, "0015", down=True)
    assert "bias_motivation" not in {c["name"] for c in inspect(db.engine).get_columns("incidents")}
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM incidents")) == 1


def test_0016_leaves_a_new_store_to_the_seed(empty: Database) -> None:
    _to(empty, "0016")
    with empty.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM offense_categories")) == 0
        assert connection.scalar(text("SELECT count(*) FROM locations")) == 0


def test_export_and_the_command_line_give_the_bias_and_the_nibrs_location(
    services: Services, officer: Actor, db_url: str, run_cli: RunCli, tmp_path: Path
) -> None:
    created = services.incidents.create(
        officer,
        new_incident(
            services,
            location="ONLINE",
            categories=("HATE", "THREAT"),
            bias_motivation=BiasMotivation.ANTI_ASIAN,
        ),
    )
    day = services.ctx.now().astimezone(services.ctx.tz).date() - timedelta(days=1)
    services.export.export(officer, fmt="csv", since=day, out_dir=tmp_path / "out")
    (row,) = read_csv(tmp_path / "out" / "incidents.csv")
    assert (row["bias_motivation"], row["bias_nibrs"]) == ("anti-asian", "14")
    assert (row["location"], row["location_nibrs"]) == ("ONLINE", "58")

    def sro(*argv: str) -> CliResult:
        return run_cli(
            "--db", db_url, "incident", *argv, "--as", "1001", "--password-stdin",
            stdin=TEST_PASSWORD + "\n",
        )  # fmt: skip

    shown = sro("show", created.number)
    assert shown.code == 0, shown.err
    assert "Online (ONLINE, NIBRS 58)" in shown.out and "Anti-Asian (14)" in shown.out
    changed = sro("bias", created.number, "21")
    assert changed.code == 0, changed.err
    assert "Anti-Jewish (21)" in changed.out
    assert services.incidents.get(officer, created.id).bias_motivation is (
        BiasMotivation.ANTI_JEWISH
    )
    refused = sro("bias", created.number, "anti-nothing")
    assert refused.code == 2 and "unknown bias motivation" in refused.err


def test_the_demo_records_the_california_reminders_of_its_submitted_reports(
    services: Services,
) -> None:
    services.demo.seed(SYSTEM_ACTOR, scale=1)
    arrested_juvenile = (
        select(IncidentPerson.incident_id)
        .join(IncidentPersonOutcome, IncidentPersonOutcome.person_id == IncidentPerson.id)
        .where(IncidentPerson.juvenile.is_(True), IncidentPersonOutcome.outcome == "arrest")
    )
    recorded = select(IncidentCompliance.incident_id).where(
        IncidentCompliance.kind == ComplianceKind.WIC_625_6.value
    )
    with services.db.read() as session:
        submitted = select(Incident.id).where(Incident.status != "draft")
        wanting = set(session.scalars(submitted.where(Incident.id.in_(arrested_juvenile))))
        done = set(session.scalars(recorded))
        rare = set(
            session.scalars(
                select(OffenseCategory.code)
                .join(IncidentOffense, IncidentOffense.category_id == OffenseCategory.id)
                .where(OffenseCategory.code.in_(["SEX-ASSAULT", "SEX-SODOMY", "SEX-OBJECT"]))
            )
        )
    assert wanting and wanting <= done  # a submitted report has its reminders recorded
    assert rare == {"SEX-ASSAULT", "SEX-SODOMY", "SEX-OBJECT"}  # every category at least once


def test_the_code_lists_show_their_nibrs_codes(
    services: Services, admin: Actor, db_url: str, run_cli: RunCli
) -> None:
    items = {i.code: i for i in services.reference.reference_items(ReferenceKind.LOCATION)}
    assert items["ONLINE"].nibrs == "58" and items["CLASSROOM"].nibrs == "53"
    categories = services.reference.reference_items(ReferenceKind.CATEGORY)
    assert {i.code: i.nibrs for i in categories}["ROBBERY"] == "120"
    added = run_cli(
        "--db", db_url, "reference", "add", "location", "PARK", "City park", "--nibrs", "50",
        "--as", admin.badge, "--password-stdin", stdin=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    listing = run_cli(
        "--db", db_url, "reference", "list", "location",
        "--as", admin.badge, "--password-stdin", stdin=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert listing.code == 0, listing.err
    rows = {line.split()[0]: line.split() for line in listing.out.splitlines()[1:]}
    assert rows["ONLINE"][3] == "58" and rows["PARK"][3] == "50"


def test_a_correction_changes_the_bias_and_the_earlier_version_keeps_its_own(
    services: Services, officer: Actor, supervisor: Actor, db_url: str, run_cli: RunCli
) -> None:
    record = services.incidents.create(officer, new_incident(services, categories=("HATE",)))
    services.incidents.submit(officer, record.id)
    services.incidents.approve(supervisor, record.id, ReviewDecision())
    corrections = services.corrections
    content = corrections.content(officer, record.id)
    assert content.bias_motivation is BiasMotivation.NONE
    content.bias_motivation = BiasMotivation.ANTI_SIKH
    corrections.propose(officer, record.id, content)
    current = corrections.approve(supervisor, record.id, ReviewDecision())
    assert current.bias_motivation is BiasMotivation.ANTI_SIKH
    first, second = corrections.versions(supervisor, record.id)
    assert first.content.bias_motivation is BiasMotivation.NONE
    assert second.content.bias_motivation is BiasMotivation.ANTI_SIKH
    # The command line proposes one with --bias; `show --version 2` prints it.
    result = run_cli(
        "--db", db_url, "incident", "correct", record.number, "--bias", "99",
        "--as", "1001", "--password-stdin", stdin=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    pending = corrections.versions(supervisor, record.id)[-1]
    assert pending.status == "pending"
    assert pending.content.bias_motivation is BiasMotivation.UNKNOWN
    shown = run_cli(
        "--db", db_url, "incident", "show", record.number, "--version", "2",
        "--as", "1001", "--password-stdin", stdin=TEST_PASSWORD + "\n",
    )  # fmt: skip
    assert "Bias:      Anti-Sikh (85)" in shown.out
