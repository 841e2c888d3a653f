"""Roster import: which of a district's CSV columns feed which student field, and the report.

Pure rules (no files, no SQL): recognising column headers, reading a grade as a district
writes it, and the shape of the report an import gives back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pydantic import Field

from .base import ReadSchema
from .errors import SroError
from .students import MAX_GRADE, MIN_GRADE

# Our fields, in the order a report names them, with the officer-facing label.
ROSTER_FIELDS: dict[str, str] = {
    "district_id": "District ID",
    "first_name": "First name",
    "last_name": "Last name",
    "school": "School",
    "grade": "Grade",
}
REQUIRED_FIELDS = ("district_id", "first_name", "last_name")

# Headers seen in district exports (Aeries, PowerSchool, Infinite Campus and plain sheets),
# compared after lower-casing and dropping everything but letters and digits.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "district_id": (
        "districtid",
        "studentid",
        "studentnumber",
        "studentno",
        "stuid",
        "permid",
        "permanentid",
        "localid",
        "localstudentid",
        "id",
    ),
    "first_name": (
        "firstname",
        "first",
        "givenname",
        "studentfirstname",
        "legalfirstname",
        "fname",
    ),
    "last_name": (
        "lastname",
        "last",
        "surname",
        "familyname",
        "studentlastname",
        "legallastname",
        "lname",
    ),
    "school": ("school", "schoolcode", "site", "sitecode", "schoolname", "schl"),
    "grade": ("grade", "gradelevel", "gr", "grd", "currentgrade"),
}

_GRADE_WORDS = {"tk": -1, "k": 0, "kn": 0, "kg": 0, "kinder": 0, "kindergarten": 0}


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.strip().lower())


def match_columns(
    header: Sequence[str], mapping: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Column index for each of our fields found in ``header``.

    ``mapping`` ({our_field: their_header}) wins over the recognised names. A file that
    lacks a required column, or a mapping naming an unknown field or a missing header,
    raises SroError with one line saying what is missing.
    """
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for ours, theirs in (mapping or {}).items():
        if ours not in ROSTER_FIELDS:
            known = ", ".join(ROSTER_FIELDS)
            raise SroError(f"--map names an unknown field {ours!r} (fields: {known})")
        wanted = header_key(theirs)
        if wanted not in keys:
            raise SroError(f"The file has no column {theirs!r} (mapped to {ROSTER_FIELDS[ours]})")
        found[ours] = keys.index(wanted)
    taken = set(found.values())
    for ours, aliases in HEADER_ALIASES.items():
        if ours in found:
            continue
        for alias in aliases:
            if alias in keys and keys.index(alias) not in taken:
                found[ours] = keys.index(alias)
                taken.add(found[ours])
                break
    missing = [ROSTER_FIELDS[f] for f in REQUIRED_FIELDS if f not in found]
    if missing:
        raise SroError(
            "The file has no usable header: no column for "
            + ", ".join(missing)
            + " (name the column with --map, e.g. district_id='Student ID')"
        )
    return found


def parse_grade(value: str) -> int | None:
    """A grade as districts write it: '9', '09', 'K', 'TK', '-1'; blank is None."""
    text = value.strip().lower()
    if not text:
        return None
    if text in _GRADE_WORDS:
        return _GRADE_WORDS[text]
    text = re.sub(r"(st|nd|rd|th)$", "", text)
    try:
        grade = int(text)
    except ValueError as exc:
        raise ValueError("must be a number from 1 to 12, K or TK") from exc
    if not MIN_GRADE <= grade <= MAX_GRADE:
        raise ValueError("must be a number from 1 to 12, K or TK")
    return grade


class RejectedRow(ReadSchema):
    """A row left out, with the field at fault. ``row`` is the line number in the file
    (the header is line 1)."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


class ImportReport(ReadSchema):
    total: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[RejectedRow, ...] = Field(default=())

    @property
    def accepted(self) -> int:
        return self.added + self.updated + self.unchanged
