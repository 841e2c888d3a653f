"""Roster import: which of a district's CSV columns feed which student field, and the report.

Pure rules (no files, no SQL): recognising column headers, reading a grade as a district
writes it, and the shape of the report an import gives back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from pydantic import Field

from .base import ReadSchema
from .errors import SroError
from .names import name_key
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
# A student's ID: only a district-wide one is taken on its own (DISTRICT_ID_HEADERS). Aeries'
# "Student Number" is unique only within a school: read as the district ID, two schools'
# files overwrite each other's students (issue 11 item 1), so it is used only when --map
# names it.
DISTRICT_ID_HEADERS = (
    "permid",
    "permanentid",
    "districtid",
    "districtstudentid",
    "ssid",
    "statestudentid",
    "studentid",
    "stuid",
    "localid",
    "localstudentid",
    "id",
)
SCHOOL_ID_HEADERS = ("studentnumber", "studentno", "studentnum", "stuno", "stunum", "stunumber")
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
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
    if "district_id" not in found:
        index = _district_id_column(header, keys, taken)
        if index is not None:
            found["district_id"] = index
            taken.add(index)
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


def _district_id_column(header: Sequence[str], keys: list[str], taken: set[int]) -> int | None:
    """The one district-wide ID column of a file; SroError if there are several (which is the
    district's?) or only a school-scoped "Student Number"; None if there is none at all."""
    wide = [i for i, key in enumerate(keys) if key in DISTRICT_ID_HEADERS and i not in taken]
    if len(wide) > 1:
        names = ", ".join(repr(header[i].strip()) for i in wide)
        raise SroError(
            f"The file has more than one student ID column ({names}); say which one is the "
            f"district-wide ID with --map, e.g. --map district_id={header[wide[0]].strip()!r}"
        )
    if wide:
        return wide[0]
    scoped = [i for i, key in enumerate(keys) if key in SCHOOL_ID_HEADERS and i not in taken]
    if scoped:
        name = header[scoped[0]].strip()
        raise SroError(
            f"{name!r} is unique only within a school (Aeries): two schools' files would "
            "overwrite each other's students. The file needs a district-wide ID column "
            "(Perm ID, District ID, SSID, Student ID); only if it is unique across your "
            f"district, use it with --map district_id={name!r}"
        )
    return None


def parse_pairs(items: Iterable[str], option: str, example: str) -> dict[str, str]:
    """``["a=b", "c='d e'"]`` as {a: b, c: "d e"}; SroError naming ``option`` otherwise."""
    pairs: dict[str, str] = {}
    for item in items:
        left, sep, right = item.partition("=")
        left, right = left.strip().strip("'\""), right.strip().strip("'\"")
        if not sep or not left or not right:
            raise SroError(f"{option} {item!r} should look like {example}")
        pairs[left] = right
    return pairs


def split_pairs(text: str) -> list[str]:
    """A form field's pairs, separated by ';' or ',' (``1=VHS, 2=BHS``)."""
    return [part for part in re.split(r"[;,]", text) if part.strip()]


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Edits between two strings: insertions, deletions, substitutions and swaps of two
    neighbouring letters ("Jonh" -> "John" is one). With ``limit``, any distance above it
    is given as ``limit + 1`` (found sooner: the work stops once every path is longer)."""
    while a and b and a[0] == b[0]:  # a common start and end cost nothing
        a, b = a[1:], b[1:]
    while a and b and a[-1] == b[-1]:
        a, b = a[:-1], b[:-1]
    cap = max(len(a), len(b)) if limit is None else limit + 1
    if abs(len(a) - len(b)) >= cap:
        return cap
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        above, row = row, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(above[j] + 1, row[j - 1] + 1, above[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
        if min(row) >= cap:
            return cap
        before = above
    return min(row[-1], cap)


def is_typo_fix(old: str, new: str) -> bool:
    """Whether a name changed only as a typo is corrected: the folded names (accents, case,
    punctuation and spacing aside) at most one edit apart, two for names of 8 letters or more.
    "Garcia" -> "García", "Nunez" -> "Núñez", "Jonh" -> "John" are; "Maria" -> "Mateo",
    "Lee" -> "Garza" are not."""
    if old == new:
        return True
    a, b = name_key(old), name_key(new)
    allowed = 2 if max(len(a), len(b)) >= 8 else 1
    return edit_distance(a, b, allowed) <= allowed


class RosterChange(ReadSchema):
    """A known student whose name (beyond a typo) or school a roster would change: applied
    only when confirmed, since it may be another child under a reused ID."""

    row: int
    district_id: str
    old_name: str
    new_name: str
    old_school: str | None = None
    new_school: str | None = None

    def __str__(self) -> str:
        parts = []
        if self.old_name != self.new_name:
            parts.append(f"{self.old_name} -> {self.new_name}")
        else:
            parts.append(self.new_name)
        if self.old_school != self.new_school:
            parts.append(f"school {self.old_school or '-'} -> {self.new_school or '-'}")
        return f"line {self.row}: {self.district_id} " + ", ".join(parts)


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
        return f"line {self.row}: {self.message}"


class ImportReport(ReadSchema):
    total: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: tuple[RejectedRow, ...] = Field(default=())
    # Known students whose name or school the file changes: those not confirmed are held
    # (left as they are, not counted as added, updated or unchanged).
    changes: tuple[RosterChange, ...] = Field(default=())
    changes_applied: bool = False  # all confirmed, or none
    # Known students changed on another terminal while the import was asked to confirm:
    # left as they are (run the import again).
    changed_meanwhile: int = 0

    @property
    def accepted(self) -> int:
        return self.added + self.updated + self.unchanged

    @property
    def held(self) -> tuple[RosterChange, ...]:
        return () if self.changes_applied else self.changes

    def summary(self) -> str:
        """One line: what the import did."""
        line = (
            f"{self.total:,} rows: {self.added:,} added, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {len(self.rejected):,} rejected"
        )
        if self.held:
            line += f", {len(self.held):,} held for confirmation"
        if self.changed_meanwhile:
            line += f", {self.changed_meanwhile:,} changed on another terminal meanwhile"
        return line
