"""The daily duty checklist: a shift (officer + date + school) and its items."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import ReadSchema, Schema
from .enums import ChecklistKind, ChecklistStatus
from .text import Line, RequiredLine, Text


class ChecklistItemRead(ReadSchema):
    id: int
    shift_id: int
    position: int
    label: str
    location_code: str | None
    status: ChecklistStatus
    status_at: datetime | None
    skip_reason: str
    note: str
    one_off: bool
    kind: ChecklistKind = ChecklistKind.OTHER
    version: int = 1  # moved on by every change (domain.versions)


class ShiftRead(ReadSchema):
    id: int
    officer_id: int
    school_id: int
    school_name: str = ""
    shift_date: date
    started_at: datetime
    items: tuple[ChecklistItemRead, ...] = ()

    @property
    def progress(self) -> tuple[int, int]:
        """(items settled, items in all): done and skipped both count as settled."""
        settled = sum(1 for item in self.items if item.status is not ChecklistStatus.PENDING)
        return settled, len(self.items)


class SkipItem(Schema):
    reason: RequiredLine = Field(title="Reason")


class ItemNote(Schema):
    note: Text = Field(default="", title="Note")


class OneOffItem(Schema):
    label: RequiredLine = Field(title="Item")
    location_code: Line | None = Field(default=None, title="Location")
    # None: the kind the label's words suggest (domain.reports.kind_from_label)
    kind: ChecklistKind | None = Field(default=None, title="Kind")


class TemplateItemCreate(Schema):
    label: RequiredLine = Field(title="Item")
    location_code: Line | None = Field(default=None, title="Location")
    position: int = Field(default=0, ge=0, title="Position")


# -- the weekdays a template item is on -------------------------------------------------------

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEKDAY_WORDS = {
    word: n
    for n, full in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), start=1
    )
    for word in (full, full[:3], full[:2])
}


def _weekday(word: str) -> int:
    word = word.strip().lower()
    if word.isdigit() and len(word) == 1 and 1 <= int(word) <= 7:
        return int(word)
    if word in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[word]
    raise ValueError(f"{word!r} is not a weekday (Mon, Tue, ... Sun)")


def parse_weekdays(value: str | None) -> str | None:
    """The days a checklist template item is on, as the store keeps them: ISO weekday digits
    in order (1 Monday .. 7 Sunday, "135"); None for every day (blank, "every day", or all
    seven). Takes names or their first two or three letters, ranges and lists:
    "Mon-Fri", "mon,wed,fri", "tue thu", "sat-sun", "135"."""
    if value is None:
        return None
    text = value.strip().lower()
    if not text or text in {"every day", "everyday", "every", "all", "daily", "-"}:
        return None
    if text.isdigit():
        tokens = list(text)
    else:
        tokens = [t for t in text.replace(",", " ").replace("/", " ").split() if t]
    days: set[int] = set()
    for token in tokens:
        if "-" in token:
            first, _, last = token.partition("-")
            start, end = _weekday(first), _weekday(last)
            n = start
            while True:  # a range may run over the weekend: fri-mon
                days.add(n)
                if n == end:
                    break
                n = n % 7 + 1
        else:
            days.add(_weekday(token))
    if not days:
        raise ValueError("Name the weekdays, e.g. Mon-Fri or mon,wed")
    if len(days) == 7:
        return None
    return "".join(str(n) for n in sorted(days))


def weekdays_label(value: str | None) -> str:
    """How a template item's days read: "every day", "Mon-Fri", "Tue,Thu", "Mon,Wed-Fri"."""
    if not value:
        return "every day"
    days = sorted(int(c) for c in value)
    runs: list[tuple[int, int]] = []
    for n in days:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = []
    for start, end in runs:
        if end - start >= 2:
            parts.append(f"{WEEKDAY_NAMES[start - 1]}-{WEEKDAY_NAMES[end - 1]}")
        else:
            parts.extend(WEEKDAY_NAMES[n - 1] for n in range(start, end + 1))
    return ",".join(parts)


def on_weekday(value: str | None, day: date) -> bool:
    """Whether an item with these days (None: every day) is on ``day``'s shifts."""
    return value is None or str(day.isoweekday()) in value


Weekdays = Annotated[str | None, AfterValidator(parse_weekdays)]
