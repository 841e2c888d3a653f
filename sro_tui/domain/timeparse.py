"""Parse the times an officer types: 't' (now), '-15m', '-2h', '10:40', '1040', '2026-09-14 10:40'.

Times are read in the agency's local time zone and returned as aware UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_RELATIVE = re.compile(r"^-\s*(\d{1,4})\s*([mh])$", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d{1,2}):?(\d{2})\s*([ap]m?)?$", re.IGNORECASE)
_FULL = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):?(\d{2})$")

TIME_HELP = "Type t for now, -15m or -2h, 10:40, or 2026-09-14 10:40"


class TimeParseError(ValueError):
    pass


def _clock(hour: int, minute: int, suffix: str | None) -> time:
    if suffix:
        suffix = suffix.lower()
        if not 1 <= hour <= 12:
            raise TimeParseError("Hour must be 1 to 12 with am/pm")
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise TimeParseError("That is not a time of day")
    return time(hour, minute)


def parse_when(text: str, *, now: datetime, tz: ZoneInfo) -> datetime:
    """Return the moment ``text`` names, as aware UTC. ``now`` is aware."""
    value = text.strip()
    local_now = now.astimezone(tz)
    if not value or value.lower() in {"t", "now"}:
        return now.astimezone(ZoneInfo("UTC")).replace(second=0, microsecond=0)
    if m := _RELATIVE.match(value):
        amount = int(m.group(1))
        delta = timedelta(minutes=amount) if m.group(2).lower() == "m" else timedelta(hours=amount)
        return (now - delta).astimezone(ZoneInfo("UTC")).replace(second=0, microsecond=0)
    if m := _CLOCK.match(value):
        clock = _clock(int(m.group(1)), int(m.group(2)), m.group(3))
        moment = datetime.combine(local_now.date(), clock, tzinfo=tz)
        if moment > local_now + timedelta(minutes=5):
            # A clock time later than now means yesterday (typed after midnight).
            moment -= timedelta(days=1)
        return moment.astimezone(ZoneInfo("UTC"))
    if m := _FULL.match(value):
        try:
            day = date.fromisoformat(m.group(1))
        except ValueError as exc:
            raise TimeParseError("That date does not exist") from exc
        clock = _clock(int(m.group(2)), int(m.group(3)), None)
        return datetime.combine(day, clock, tzinfo=tz).astimezone(ZoneInfo("UTC"))
    raise TimeParseError(TIME_HELP)


def format_local(moment: datetime | None, tz: ZoneInfo, *, with_date: bool = True) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M") if with_date else local.strftime("%H:%M")
