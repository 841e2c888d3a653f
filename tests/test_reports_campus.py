"""Calls for service and trespass warnings in the year-to-date report (by month) and the
monthly report's by-school table, on real stores: each figure equals an independent SQL
count over the period's UTC bounds, with records at 23:59 and 00:30 local on the edges."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, text

from sro_tui.domain.calls import CallCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services.registry import Services
from sro_tui.services.report_render import render
from sro_tui.store.types import UTCDateTime

from .conftest import Clock, make_officer

# (UTC time, school of the call) -- Ventura is UTC-7 in September and October.
CALLS = [
    ("2026-09-01 07:30", "VHS"),  # 1 September 00:30 local: September
    ("2026-09-01 06:59", "VHS"),  # 31 August 23:59 local: August
    ("2026-09-14 15:00", "VHS"),
    ("2026-09-20 18:00", "BHS"),
    ("2026-10-01 06:59", "BHS"),  # 30 September 23:59 local: September
    ("2026-10-01 07:30", "VHS"),  # 1 October 00:30 local: October
]
# (UTC time, schools it covers)
WARNINGS = [
    ("2026-09-01 07:30", ("VHS",)),
    ("2026-09-01 06:59", ("BHS",)),  # August
    ("2026-09-15 16:00", ("VHS", "BHS")),  # counts under both schools
    ("2026-10-01 06:59", ("BHS",)),  # September
    ("2026-10-02 16:00", ("VHS",)),  # October
]


TZ = ZoneInfo("America/Los_Angeles")


def utc(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def seed(services: Services, clock: Clock, officer: Actor, other: Actor) -> None:
    ids = {code: services.reference.school_by_code(code).id for code in ("VHS", "BHS")}
    clock.now = utc("2026-10-03 12:00")
    for moment, code in CALLS:
        who = officer if code == "VHS" else other
        data = CallCreate(caller="Office", school_id=ids[code], what="x", received_at=utc(moment))
        services.calls.add(who, data)
    for moment, codes in WARNINGS:
        clock.now = utc(moment)
        data = TrespassWarningCreate(
            person_name="Pat Doe", age=40, school_ids=[ids[c] for c in codes]
        )
        services.trespass.warn(officer, data)
    clock.now = utc("2026-10-03 12:00")


def independent(services: Services, sql: str, start: datetime, end: datetime) -> dict[str, int]:
    """school code -> count, straight from the tables."""
    statement = text(sql).bindparams(
        bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
    )
    with services.db.read() as session:
        return {c: int(n) for c, n in session.execute(statement, {"start": start, "end": end})}


CALLS_SQL = (
    "SELECT s.code, count(*) FROM calls_for_service c JOIN schools s ON s.id = c.school_id "
    "WHERE c.received_at >= :start AND c.received_at < :end GROUP BY s.code"
)
WARNINGS_SQL = (
    "SELECT s.code, count(*) FROM trespass_warnings w "
    "JOIN trespass_warning_schools ws ON ws.warning_id = w.id "
    "JOIN schools s ON s.id = ws.school_id "
    "WHERE w.warned_at >= :start AND w.warned_at < :end GROUP BY s.code"
)
TOTAL_WARNINGS_SQL = (
    "SELECT 'all', count(*) FROM trespass_warnings WHERE warned_at >= :start AND warned_at < :end"
)
TOTAL_CALLS_SQL = (
    "SELECT 'all', count(*) FROM calls_for_service "
    "WHERE received_at >= :start AND received_at < :end"
)


def test_the_monthly_by_school_table_counts_calls_and_warnings_exactly(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    other = make_officer(services, "1009", "officer", ("BHS",))
    seed(services, clock, officer, other)
    report = services.reports.monthly(supervisor, month="2026-09")
    table = {s.school_code: s.values for s in report.by_school}
    for period, index in ((report.period, 0), (report.previous, 1)):
        calls = independent(services, CALLS_SQL, period.start_utc, period.end_utc)
        warnings = independent(services, WARNINGS_SQL, period.start_utc, period.end_utc)
        for code in ("VHS", "BHS"):
            values = table.get(code, {})
            assert values.get("calls", (0, 0, 0))[index] == calls.get(code, 0), (code, index)
            assert values.get("warnings", (0, 0, 0))[index] == warnings.get(code, 0), (
                code,
                index,
            )
    # September, by hand: calls VHS 2, BHS 2; warnings VHS 2, BHS 2 (one covers both).
    assert (table["VHS"]["calls"][0], table["BHS"]["calls"][0]) == (2, 2)
    assert (table["VHS"]["warnings"][0], table["BHS"]["warnings"][0]) == (2, 2)
    assert (table["VHS"]["calls"][1], table["BHS"]["warnings"][1]) == (1, 1)  # August
    markdown = render(report, "md").decode()
    assert "| Calls | Warnings |" in markdown.replace("|:", "|").replace(" ---", "")


def test_the_year_to_date_report_counts_calls_and_warnings_by_month_exactly(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    other = make_officer(services, "1009", "officer", ("BHS",))
    seed(services, clock, officer, other)
    report = services.reports.year_to_date(supervisor, school_year="2026-27")
    months = {m.month: m for m in report.months}
    for month in ("2026-08", "2026-09", "2026-10"):
        row = months[month]
        year, number = (int(x) for x in month.split("-"))
        start = datetime(year, number, 1, tzinfo=TZ)
        end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=TZ)
        bounds = (start.astimezone(UTC), end.astimezone(UTC))
        calls = independent(services, TOTAL_CALLS_SQL, *bounds).get("all", 0)
        warnings = independent(services, TOTAL_WARNINGS_SQL, *bounds).get("all", 0)
        assert (row.calls, row.warnings) == (calls, warnings), month
    assert [(months[m].calls, months[m].warnings) for m in ("2026-08", "2026-09", "2026-10")] == [
        (1, 1),
        (4, 3),
        (1, 1),
    ]
    assert report.total("calls") == 6 and report.total("warnings") == 5
    vhs = services.reports.year_to_date(supervisor, school_year="2026-27", school_code="VHS")
    assert vhs.total("calls") == 4 and vhs.total("warnings") == 3
    mine = services.reports.year_to_date(supervisor, school_year="2026-27", officer_badge="1009")
    assert mine.total("calls") == 2 and mine.total("warnings") == 0
