"""The ranges a typed value must fall in before it is used.

Dates: the stores and the reports add a day, a month or a year to what was typed and turn
local days into UTC instants; at Python's edges (year 1 or 9999) that arithmetic overflows.
sro-tui accepts the years 1900 to 2200, far wider than any school's records, and refuses
the rest with a message naming what was typed.

Record ids: PostgreSQL keeps them in a signed 32-bit integer (SQLite in 64 bits); a larger
number is no id in either store.
"""

from __future__ import annotations

from datetime import date

MIN_YEAR = 1900
MAX_YEAR = 2200
EARLIEST_DAY = date(MIN_YEAR, 1, 1)
LATEST_DAY = date(MAX_YEAR, 12, 31)
MAX_RECORD_ID = 2**31 - 1

DATE_RANGE_TEXT = f"{EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def day_in_range(day: date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY
