"""Which report the Reports screen shows: the kind, the period and whom it covers, stepped
to the previous or next period or moved to one the officer types."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from ...domain.days import DAY_HELP, parse_day_required
from ...domain.reports import (
    add_months,
    month_key,
    parse_month,
    parse_school_year,
    school_year_label,
)

__all__ = ["KINDS", "ReportChoice"]

KINDS = {
    "daily": "Daily shift report",
    "monthly": "Monthly activity",
    "ytd": "Year to date",
    "federal": "Federal counts",
}


@dataclass(frozen=True)
class ReportChoice:
    """Which report, for which period and whom. ``officer_badge`` None is the department
    (supervisors) and ``school_code`` None all schools."""

    kind: str
    day: date
    month: str
    school_year: str
    officer_badge: str | None = None
    school_code: str | None = None

    @property
    def period_text(self) -> str:
        if self.kind == "daily":
            return self.day.isoformat()
        if self.kind == "monthly":
            return self.month
        return self.school_year

    @property
    def period_hint(self) -> str:
        """What to type to go to another period of this kind."""
        if self.kind == "daily":
            return f"Day: {DAY_HELP}"
        if self.kind == "monthly":
            return "Month (YYYY-MM)"
        return "School year (e.g. 2026-27)"

    @property
    def scope_text(self) -> str:
        parts = []
        if self.officer_badge:
            parts.append(f"officer {self.officer_badge}")
        if self.school_code:
            parts.append(self.school_code)
        return ", ".join(parts) or "department"

    def stepped(self, delta: int) -> ReportChoice:
        """The previous (-1) or next (+1) day, month or school year."""
        if self.kind == "daily":
            return replace(self, day=self.day + timedelta(days=delta))
        if self.kind == "monthly":
            return replace(self, month=month_key(*add_months(*parse_month(self.month), delta)))
        start = parse_school_year(self.school_year) + delta
        return replace(self, school_year=school_year_label(start))

    def moved_to(self, text: str, today: date) -> ReportChoice:
        """The same report for the period ``text`` names (a day in the one day grammar, a
        month, a school year); ValueError (a DayError for a day) with a message to show."""
        if self.kind == "daily":
            return replace(self, day=parse_day_required(text, today))
        if self.kind == "monthly":
            return replace(self, month=month_key(*parse_month(text)))
        return replace(self, school_year=school_year_label(parse_school_year(text)))
