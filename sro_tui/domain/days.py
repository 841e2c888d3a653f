"""The one grammar for a day an officer types, in every form, filter and report.

    2026-09-14          that day
    t, today            today
    y, yesterday        yesterday
    tomorrow            tomorrow
    +N, -N              N days from today (also +3d, +2w, "+14 days", -1w)

Empty text is "no day" (``None``); whether that is allowed is the caller's rule. Every day
falls in :data:`~sro_tui.domain.limits.DATE_RANGE_TEXT`. A bad day raises :class:`DayError`
whose message says what to type, in the officer's words.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .limits import DATE_RANGE_TEXT, day_in_range

__all__ = ["DAY_HELP", "DayError", "parse_day", "parse_day_required"]

DAY_HELP = "a date like 2026-09-14, t for today, y for yesterday, or +N / -N days"

_WORDS = {"t": 0, "today": 0, "y": -1, "yesterday": -1, "tomorrow": 1}
_RELATIVE = re.compile(r"^([+-])\s*(\d{1,5})\s*(d|day|days|w|wk|week|weeks)?$")
_MAX_OFFSET_DAYS = 366 * 30


class DayError(ValueError):
    """A typed day that is not one; the message is for the officer."""


def parse_day(text: str, today: date) -> date | None:
    """The day ``text`` names, ``None`` for empty text; :class:`DayError` otherwise."""
    value = " ".join(text.strip().lower().split())
    if not value:
        return None
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    if m := _RELATIVE.match(value):
        amount = int(m.group(2)) * (7 if (m.group(3) or "d").startswith("w") else 1)
        if amount > _MAX_OFFSET_DAYS:
            raise DayError(f"{text.strip()!r} is too far from today: type {DAY_HELP}")
        day = today + timedelta(days=amount if m.group(1) == "+" else -amount)
    else:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise DayError(f"{text.strip()[:40]!r} is not a day: type {DAY_HELP}") from None
    if not day_in_range(day):
        raise DayError(f"{day.isoformat()} is outside {DATE_RANGE_TEXT}")
    return day


def parse_day_required(text: str, today: date) -> date:
    """Like :func:`parse_day`, but empty text is refused too."""
    day = parse_day(text, today)
    if day is None:
        raise DayError(f"Type {DAY_HELP}")
    return day
