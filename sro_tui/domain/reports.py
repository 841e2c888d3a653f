"""Reports: the daily shift report, the monthly activity report, the school year to date and
the federal counts (domain.md, 'What gets reported').

Pure schemas and calendar arithmetic. The services fill them with SQL aggregates; the
renderers turn them into Markdown, CSV, JSON or PDF. Statistics carry no names: the only
person a report names is the officer it is about.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Literal
from zoneinfo import ZoneInfo

from .base import ReadSchema
from .enums import ChecklistKind, WeaponType
from .limits import MAX_YEAR, MIN_YEAR, year_in_range

MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
SCHOOL_YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
SCHOOL_YEAR_FIRST_MONTH = 7  # school years run July to June (domain/incidents.school_year_of)
# CRDC counts the regular school year: August to June (July is the summer session).
REGULAR_YEAR_FIRST_MONTH = 8


class ReportFormat(StrEnum):
    MARKDOWN = "md"
    CSV = "csv"
    JSON = "json"
    PDF = "pdf"


# --- sections and measures (the names every renderer shows) -----------------------------------


class Section(StrEnum):
    LAW_ENFORCEMENT = "Law enforcement"
    COUNSELOR = "Counselor / mentor"
    REFERRALS_BY_PROGRAM = "Referrals made, by program"
    REFERRALS_BY_STATUS = "Referral status changes, by new status"
    EDUCATOR = "Educator"
    FEDERAL = "Federal counts (CRDC, Gun-Free Schools Act)"


NOT_RECORDED = "not recorded"


# --- calendar arithmetic ------------------------------------------------------------------------


def parse_month(text: str) -> tuple[int, int]:
    """'2026-09' -> (2026, 9). Raises ValueError with a message for an officer."""
    match = MONTH_PATTERN.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError("Month must be written YYYY-MM, e.g. 2026-09")
    if not year_in_range(int(match.group(1))):
        raise ValueError(f"Month must be from {MIN_YEAR}-01 to {MAX_YEAR}-12")
    return int(match.group(1)), int(match.group(2))


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_label(year: int, month: int) -> str:
    return date(year, month, 1).strftime("%B %Y")


def parse_school_year(text: str) -> int:
    """'2026-27' -> 2026 (the year it starts in July)."""
    match = SCHOOL_YEAR_PATTERN.match(text.strip())
    if not match:
        raise ValueError("School year must be written like 2026-27")
    start = int(match.group(1))
    if (start + 1) % 100 != int(match.group(2)):
        raise ValueError("School year must be two consecutive years, like 2026-27")
    if not (year_in_range(start) and year_in_range(start + 1)):
        raise ValueError(
            f"School year must be from {school_year_label(MIN_YEAR)} "
            f"to {school_year_label(MAX_YEAR - 1)}"
        )
    return start


def school_year_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def school_year_for_day(day: date) -> str:
    start = day.year if day.month >= SCHOOL_YEAR_FIRST_MONTH else day.year - 1
    return school_year_label(start)


def school_year_months(start_year: int) -> list[tuple[int, int]]:
    """The twelve (year, month) pairs of a school year, July to June."""
    return [add_months(start_year, SCHOOL_YEAR_FIRST_MONTH, i) for i in range(12)]


def regular_school_year_months(start_year: int) -> list[tuple[int, int]]:
    """The (year, month) pairs of a school year's regular session, August to June."""
    return [
        pair
        for pair in school_year_months(start_year)
        if pair >= (start_year, REGULAR_YEAR_FIRST_MONTH)
    ]


# --- what a checklist item counts as ------------------------------------------------------------

# Words that make a checklist item a security check (domain.md: perimeter, parking, visitor
# and restroom checks, supervision posts), and words that make it something else, counted
# once in its own section (instruction and training: educator; mentoring and liaison:
# counselor; arrival and check-out: neither).
SECURITY_WORDS = (
    "perimeter",
    "gate",
    "parking",
    "visitor",
    "unauthorized",
    "restroom",
    "supervision",
    "patrol",
    "bus stop",
    "lockdown",
    "security",
    "sweep",
)
NOT_SECURITY_WORDS = (
    "instruction",
    "class",
    "lecture",
    "training",
    "mentoring",
    "liaison",
    "check-in",
    "check-out",
    "meet",
)


def is_security_check(label: str) -> bool:
    """Whether a label's words make an item a campus security check: only a guess, for a
    new item whose kind nobody chose (the report counts by ChecklistKind)."""
    text = " ".join(label.casefold().split())
    return any(w in text for w in SECURITY_WORDS) and not any(w in text for w in NOT_SECURITY_WORDS)


_OTHER_KIND_WORDS = (
    (ChecklistKind.INSTRUCTION, ("instruction", "class", "lecture")),
    (ChecklistKind.TRAINING, ("training",)),
    (ChecklistKind.MENTORING, ("mentoring", "liaison")),
)


def kind_from_label(label: str) -> ChecklistKind:
    """The kind a label's words suggest (what migration 0020 gave existing items once; the
    command line's default when ``--kind`` is not given)."""
    if is_security_check(label):
        return ChecklistKind.SECURITY
    text = " ".join(label.casefold().split())
    for kind, words in _OTHER_KIND_WORDS:
        if any(w in text for w in words):
            return kind
    return ChecklistKind.OTHER


def local_day_start(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which ``day`` begins in the agency's zone (DST-correct)."""
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


class Period(ReadSchema):
    """A run of local calendar days [start, end) and the UTC instants that bound it."""

    label: str
    start: date
    end: date
    start_utc: datetime
    end_utc: datetime

    @classmethod
    def month(cls, year: int, month: int, tz: ZoneInfo) -> Period:
        first = date(year, month, 1)
        ny, nm = add_months(year, month, 1)
        end = date(ny, nm, 1)
        return cls(
            label=month_label(year, month),
            start=first,
            end=end,
            start_utc=local_day_start(first, tz),
            end_utc=local_day_start(end, tz),
        )

    @classmethod
    def days(cls, start: date, end: date, tz: ZoneInfo, label: str) -> Period:
        return cls(
            label=label,
            start=start,
            end=end,
            start_utc=local_day_start(start, tz),
            end_utc=local_day_start(end, tz),
        )


# --- the report schemas -------------------------------------------------------------------------


class ReportHeader(ReadSchema):
    """What every report carries at its head: who issued it, about what, when."""

    agency: str
    title: str
    period_label: str
    scope_label: str
    generated_at: datetime
    timezone: str
    officer_badge: str | None = None
    officer_name: str | None = None
    school_code: str | None = None
    school_name: str | None = None


class DailyEntry(ReadSchema):
    """One line of an officer's day. ``at`` is None for a checklist item still pending."""

    at: datetime | None
    kind: Literal["checklist", "incident", "note", "referral"]
    school_code: str = ""
    title: str
    status: str = ""
    detail: str = ""
    confidential: bool = False


class DailyReport(ReadSchema):
    report: Literal["daily"] = "daily"
    header: ReportHeader
    day: date
    entries: tuple[DailyEntry, ...] = ()
    checklist_done: int = 0
    checklist_skipped: int = 0
    checklist_pending: int = 0


class Figure(ReadSchema):
    """One count with the month before and the same month a year earlier beside it."""

    section: str
    measure: str
    current: int
    previous: int
    last_year: int
    note: str = ""


BY_SCHOOL_MEASURES: tuple[tuple[str, str], ...] = (
    ("incidents", "Reports"),
    ("arrests", "Arrests"),
    ("citations", "Citations"),
    ("contacts", "Notes and contacts"),
    ("classes", "Classes"),
    ("referrals", "Referrals"),
    ("campus_checks", "Campus checks"),
    ("calls", "Calls"),
    ("warnings", "Warnings"),
)


class SchoolFigures(ReadSchema):
    """A school's share of the department's month: each measure of BY_SCHOOL_MEASURES as
    (this month, previous month, same month last year)."""

    school_code: str
    school_name: str
    values: dict[str, tuple[int, int, int]]

    def current(self, measure: str) -> int:
        return self.values.get(measure, (0, 0, 0))[0]


class MonthlyReport(ReadSchema):
    report: Literal["monthly"] = "monthly"
    header: ReportHeader
    month: str
    period: Period
    previous: Period
    last_year: Period
    figures: tuple[Figure, ...]
    # Department-wide reports only: one entry per school with any figure in the three months.
    by_school: tuple[SchoolFigures, ...] = ()
    notes: tuple[str, ...] = ()

    def figure(self, section: str, measure: str) -> Figure:
        for item in self.figures:
            if item.section == section and item.measure == measure:
                return item
        raise KeyError(f"{section} / {measure}")

    def section(self, section: str) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.section == section)


class WeaponCount(ReadSchema):
    weapon: WeaponType
    incidents: int


class GfsaCount(ReadSchema):
    weapon: WeaponType
    students: int


CRDC_REFERRED = "Students referred to law enforcement (CRDC)"
CRDC_ARRESTED = "Students arrested, school-related (CRDC)"
CRDC_UNKNOWN = "Students in reports with no initiator recorded (not counted above)"
GFSA_STUDENTS = "Students with a firearm or explosive device (Gun-Free Schools Act)"


class FederalCounts(ReadSchema):
    """Counts asked for by federal collections, for one school year's regular session
    (August to June) and school (the student's), if given.

    CRDC: students referred to law enforcement by a school official or designee, and
    school-related arrests of students. Gun-Free Schools Act: students (not incidents, not
    adults) with a firearm or an explosive device, by type. Incidents by weapon type beside.
    """

    school_year: str
    school_code: str | None = None
    referrals_to_law_enforcement: int
    school_related_arrests: int
    # Students named as suspect in filed reports whose initiator was not recorded.
    initiator_not_recorded: int = 0
    gfsa_students: int
    gfsa_by_weapon: tuple[GfsaCount, ...] = ()
    incidents_by_weapon: tuple[WeaponCount, ...] = ()
    notes: tuple[str, ...] = ()
    header: ReportHeader | None = None  # the agency, scope and time, for a printed copy

    def rows(self) -> list[tuple[str, int]]:
        """Every measure as (label, count), as each renderer shows them."""
        rows = [
            (CRDC_REFERRED, self.referrals_to_law_enforcement),
            (CRDC_ARRESTED, self.school_related_arrests),
            (CRDC_UNKNOWN, self.initiator_not_recorded),
            (GFSA_STUDENTS, self.gfsa_students),
        ]
        rows += [(f"GFSA students: {g.weapon.value}", g.students) for g in self.gfsa_by_weapon]
        rows += [
            (f"Incidents with a weapon: {w.weapon.value}", w.incidents)
            for w in self.incidents_by_weapon
        ]
        return rows


class YtdMonth(ReadSchema):
    month: str
    label: str
    incidents: int = 0
    arrests: int = 0
    citations: int = 0
    contacts: int = 0
    referrals: int = 0
    campus_checks: int = 0
    calls: int = 0  # calls for service logged
    warnings: int = 0  # trespass warnings given


YTD_MEASURES: tuple[tuple[str, str], ...] = (
    ("incidents", "Incidents (reports)"),
    ("arrests", "Arrests (once per person per incident)"),
    ("citations", "Citations"),
    ("contacts", "Mentoring notes and contacts"),
    ("referrals", "Referrals made"),
    ("campus_checks", "Campus checks (security checks done)"),
    ("calls", "Calls for service logged"),
    ("warnings", "Trespass warnings given"),
)


class CategoryCount(ReadSchema):
    code: str
    name: str
    incidents: int


class YtdReport(ReadSchema):
    report: Literal["ytd"] = "ytd"
    header: ReportHeader
    school_year: str
    period: Period
    months: tuple[YtdMonth, ...]
    categories: tuple[CategoryCount, ...]
    federal: FederalCounts
    notes: tuple[str, ...] = ()

    def series(self, measure: str) -> list[int]:
        """One measure month by month, July to June (for a chart)."""
        return [int(getattr(m, measure)) for m in self.months]

    def total(self, measure: str) -> int:
        return sum(self.series(measure))

    def labels(self) -> list[str]:
        """Short month names, July to June (a chart's x axis)."""
        return [date.fromisoformat(f"{m.month}-01").strftime("%b") for m in self.months]


AnyReport = DailyReport | MonthlyReport | YtdReport
