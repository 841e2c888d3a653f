"""Juvenile redaction (California Welfare & Institutions Code 827).

A record naming several juveniles is not released to one of them unredacted: in an export or
a printout made *for* one person (a student, or one person row of an incident), every other
juvenile's name is replaced by a label, ``[JUVENILE 2]``, ``[JUVENILE 3]``, ... (the person
the record is for is juvenile 1 and keeps their name). A printout meant for handing over (the
daily report) is for no one: every juvenile is labelled, from ``[JUVENILE 1]``. Adults
(parents, staff, non-students marked as not juvenile) keep their names.

One :class:`RedactionRun` covers one export or report, so a juvenile has the same label in
every record of it. It knows the whole roster through a :class:`RosterIndex` (every student's
name forms, folded, in dictionaries built once), so a juvenile named only in free text is
found too, not only the people listed on the record. Free text is cut into words once and
each position looked up in those dictionaries (longest form first): the cost grows with the
text, not with the roster.

What is replaced in free text (case and accents ignored: "NUNEZ" is "Núñez", "Đặng" is
"Dang"; any spacing; a possessive "'s" stays after the label):
- any roster student's or record person's full name: "First Last", "Last, First", an initial
  and the surname ("T. Reyes", "T Reyes", "Reyes, T."), "First L.", and a middle initial
  between ("Tommy J. Reyes");
- the first or last name alone of a juvenile on the record, or of a student named in full in
  the same record ("Tommy Reyes ... Tommy ran"), in any case;
- the first or last name alone of any other roster student when it is written with a
  capital, has three letters or more and is not right after an adult's title ("Mr. Gray") nor
  right before a number ("May 3"): it is someone's name, so it is hidden;
- an initial right before a replaced lone name goes with it ("A. Reyes" never becomes
  "A. [JUVENILE 2]"), as does "R." right after one.
A lone name that belongs to several juveniles becomes ``[JUVENILE]``, as does a full name two
roster students share. Names match whole words only: "Ana" does not touch "Banana",
"Anaheim", "Ana-Lucia" or "D'Ana". A word that is also the name of someone who keeps their
name (the student the export is for, an adult on the record) is not replaced standing alone;
their full name is never replaced.

What cannot be checked (:meth:`RedactionRun.summary` says so): names not on the roster and not
on the record (a juvenile of another district), nicknames and misspellings ("Tommy" for a
student on the roster as Thomas), a lone name of a student who is not named in the record
when it is written in lower case, and names glued to other text (an e-mail address).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict

from .names import name_key

GENERIC_LABEL = "[JUVENILE]"
MIN_NAME_CHARS = 2  # a lone name of a person on the record
MIN_ROSTER_WORD_CHARS = 3  # a lone name of a roster student who is not
MAX_FORM_WORDS = 8  # the longest name form looked up, in words
# A lone name right after one of these is an adult's ("Mr. Gray", "Officer Ruiz").
_TITLES = """mr mrs ms miss mx dr prof officer ofc deputy dep sgt sergeant det detective lt
lieutenant cpl corporal capt captain chief sheriff principal vp coach teacher counselor nurse
pastor father rev judge attorney"""
ADULT_TITLES = frozenset(_TITLES.split())

_LETTERS = r"(?:[^\W_]|[\u0300-\u036f])+"
_TOKEN = re.compile(rf"{_LETTERS}(?:[-'\u2019\u2018\u02bc`\u00b4]{_LETTERS})*")
_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"

# Kinds of replacement (the summary's names for them).
FULL = "full name (First Last)"
LAST_FIRST = "Last, First"
INITIAL = "initial and surname (F. Last, F Last, Last, F.)"
FIRST_INITIAL = "first name and initial (First L.)"
LONE_RECORD = "a name alone, of a juvenile on the record or named in full in it"
LONE_ROSTER = "a capitalised name alone, of a roster student"
PEOPLE = "people list entries"
AMBIGUOUS = "of these, shared by several juveniles: [JUVENILE]"
LEFT_TITLE = "a roster name alone right after a title (Mr., Ms., Officer...): left as is"
LEFT_NUMBER = "a roster name alone right before a number (a date): left as is"
_LONE_KINDS = frozenset({LONE_RECORD, LONE_ROSTER})
REPLACED_KINDS = (
    PEOPLE,
    FULL,
    LAST_FIRST,
    INITIAL,
    FIRST_INITIAL,
    LONE_RECORD,
    LONE_ROSTER,
    AMBIGUOUS,
)

NOT_CHECKED = (
    "names that are not on the roster nor among the record's people (a juvenile of another "
    "district, a non-student written only in the text)",
    "nicknames and misspellings (a short form of a first name that is not on the roster)",
    "a first or last name alone written in lower case, of a student not named in that record",
    "one- and two-letter names alone, unless that person is on the record",
    "names joined to other text (e-mail addresses, hashtags)",
)

# A person: ("s", student id) or ("n", folded inline name).
Identity = tuple[str, object]


def juvenile_label(n: int) -> str:
    return f"[JUVENILE {n}]"


class RedactionPerson(BaseModel):
    """A person named in a record. ``key`` identifies the row (e.g. incident person id)."""

    model_config = ConfigDict(frozen=True)

    key: int
    student_id: int | None = None
    first_name: str = ""
    last_name: str = ""
    juvenile: bool = True

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def identity(self) -> Identity:
        if self.student_id is not None:
            return ("s", self.student_id)
        return ("n", name_key(self.full_name))

    @classmethod
    def from_name(
        cls, key: int, name: str, *, juvenile: bool, student_id: int | None = None
    ) -> RedactionPerson:
        """A person known only by a name typed inline: first word first, the rest last."""
        words = name.split()
        first = words[0] if words else ""
        last = " ".join(words[1:])
        return cls(
            key=key, student_id=student_id, first_name=first, last_name=last, juvenile=juvenile
        )


# -- words ---------------------------------------------------------------------------------


class _Word:
    """One word of a text: where it is, its folded key, what comes before it."""

    __slots__ = ("dot_after", "end", "gap", "key", "raw", "start", "stem", "stem_end")

    def __init__(self, raw: str, start: int, end: int, gap: str, dot_after: bool) -> None:
        self.raw = raw
        self.start = start
        self.end = end
        self.key = _fold(raw)  # domain.names.name_key
        self.stem = ""  # the key without a possessive "'s"
        self.stem_end = end
        if len(raw) > 2 and raw[-2] in _APOSTROPHES and raw[-1] in "sS":
            self.stem = _fold(raw[:-2])
            self.stem_end = end - 2
        self.gap = gap  # before it: " " (spaces), "," or "." (with spaces), "|" (other)
        self.dot_after = dot_after

    @property
    def upper(self) -> bool:  # written with a capital
        return self.raw[:1].isupper()

    @property
    def initial(self) -> bool:  # one letter
        return len(self.key) == 1

    @property
    def digits(self) -> bool:
        return any(c.isdigit() for c in self.raw)


def text_words(texts: Iterable[str]) -> set[str]:
    """Every folded word of ``texts`` (possessives also without their "'s"): a student none
    of whose name words is among them cannot be named there."""
    found: set[str] = set()
    for text in texts:
        for word in _words(unicodedata.normalize("NFC", text or "")):
            found.update(word.key.split())
            found.update(word.stem.split())
    return found


def _gap(raw: str) -> str:
    if raw == " ":
        return " "
    stripped = raw.strip()
    if not stripped:
        return " " if raw else "|"
    return stripped if stripped in {",", "."} else "|"


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    previous_end: int | None = None
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        gap = "|" if previous_end is None else _gap(text[previous_end:start])
        words.append(_Word(match.group(), start, end, gap, text[end : end + 1] == "."))
        previous_end = end
    return words


# Folding a word (domain.names.name_key) is the costly step; the words a roster and its
# texts repeat most are kept folded. Kept for the whole session, so bounded small: two caches
# of 65,536 (their size before issue 16) held about 20 MiB after one export of a large,
# varied roster; at 4,096 they hold about 1.2 MiB, for ~20% more time to build such a roster's
# index (100,000 students of 31,000 distinct names: 2.5 s instead of 2.1) and ~8% per text.
NAME_KEYS_KEPT = 1 << 12
_fold = lru_cache(maxsize=NAME_KEYS_KEPT)(name_key)


@lru_cache(maxsize=NAME_KEYS_KEPT)
def _part_key(part: str) -> str:
    """A name part ("Mary Ann", "Smith-Jones", "de la Cruz") as its words' keys, space-joined."""
    return " ".join(k for k in (_fold(m.group()) for m in _TOKEN.finditer(part)) if k)


@dataclass(frozen=True, slots=True)
class NameForms:
    """The folded forms of one name."""

    full: tuple[tuple[str, str], ...]  # (key, kind): "tommy reyes", "reyes,tommy", "t.reyes"...
    lone: tuple[str, ...]  # the first and the last name, each alone
    starts: frozenset[str]  # the first word of each form
    words: int  # the most words in a form


def name_forms(first: str, last: str) -> NameForms:
    fn, ln = _part_key(first), _part_key(last)
    full: tuple[tuple[str, str], ...] = ()
    # A text's word may hold several of the name's ("Smith-Jones" is "smith jones").
    starts = {part.split(" ", 1)[0] for part in (fn, ln) if part}
    starts |= {_fold(m.group()) for m in (_TOKEN.search(first), _TOKEN.search(last)) if m}
    if fn and ln:
        full = (
            (f"{fn} {ln}", FULL),
            (f"{ln},{fn}", LAST_FIRST),
            (f"{ln} {fn}", LAST_FIRST),
            (f"{fn[0]} {ln}", INITIAL),
            (f"{fn[0]}.{ln}", INITIAL),
            (f"{ln},{fn[0]}", INITIAL),
            (f"{fn} {ln[0]}", FIRST_INITIAL),
        )
        starts.add(fn[0])
    lone = tuple(part for part in (fn, ln) if len(part) >= MIN_NAME_CHARS)
    words = min(MAX_FORM_WORDS, fn.count(" ") + ln.count(" ") + 2)
    return NameForms(full, lone, frozenset(starts), words)


# -- the roster ----------------------------------------------------------------------------


@dataclass
class RosterIndex:
    """Every student's name forms, folded: built once per export or report."""

    full: dict[str, list[Any]] = field(default_factory=dict)  # key -> [kind, student ids...]
    lone: dict[str, set[int]] = field(default_factory=dict)
    starts: set[str] = field(default_factory=set)
    names: dict[int, tuple[str, str]] = field(default_factory=dict)
    max_words: int = 1

    @property
    def size(self) -> int:
        return len(self.names)

    @classmethod
    def build(cls, students: Iterable[tuple[int, str, str]]) -> RosterIndex:
        """From (student id, first name, last name) rows."""
        index = cls()
        for student_id, first, last in students:
            index.add(student_id, first, last)
        return index

    def add(self, student_id: int, first: str, last: str) -> None:
        self.names[student_id] = (first, last)
        forms = name_forms(first, last)
        full = self.full
        for key, kind in forms.full:
            entry = full.get(key)
            if entry is None:
                full[key] = [kind, student_id]
            elif entry[-1] != student_id:
                entry.append(student_id)
        for key in forms.lone:
            self.lone.setdefault(key, set()).add(student_id)
        self.starts |= forms.starts
        if forms.words > self.max_words:
            self.max_words = forms.words

    def full_ids(self, key: str) -> list[int]:
        entry = self.full.get(key)
        return entry[1:] if entry else []


# -- one export or report ------------------------------------------------------------------


class RedactionRun:
    """The labels and counts of one export or report.

    ``keep_student_id``: the student it is for (keeps their name; the others are
    ``[JUVENILE 2]``...). ``redact_all``: for no one (every juvenile labelled from 1).
    Neither: nothing is redacted (the agency's own copy).
    """

    def __init__(
        self,
        roster: RosterIndex | None = None,
        *,
        keep_student_id: int | None = None,
        redact_all: bool = False,
        first_label: int | None = None,
    ) -> None:
        self.roster = roster or RosterIndex()
        self.keep_student_id = keep_student_id
        self.active = redact_all or keep_student_id is not None
        self._first = first_label or (1 if keep_student_id is None else 2)
        self._labels: dict[Identity, str] = {}
        self.counts: Counter[str] = Counter()
        self.kept_parts: set[str] = set()
        if keep_student_id is not None and keep_student_id in self.roster.names:
            self.keep_name(*self.roster.names[keep_student_id])

    def keep_name(self, first: str, last: str) -> None:
        """The kept student's name parts are never replaced standing alone."""
        self.kept_parts.update(name_forms(first, last).lone)

    def label(self, identity: Identity) -> str:
        if identity not in self._labels:
            self._labels[identity] = juvenile_label(len(self._labels) + self._first)
        return self._labels[identity]

    @property
    def labelled(self) -> int:
        return len(self._labels)

    def record(
        self, people: Sequence[RedactionPerson], *, keep_person_id: int | None = None
    ) -> Redactor:
        """The redactor of one record naming ``people``."""
        if not self.active:
            return Redactor()
        return Redactor(run=self, people=people, keep_person_id=keep_person_id)

    def summary(self) -> dict[str, object]:
        """What was replaced and what could not be checked (for a manifest or a report)."""
        replaced = {kind: self.counts[kind] for kind in REPLACED_KINDS}
        return {
            "roster_students_checked": self.roster.size,
            "juveniles_labelled": self.labelled,
            "replaced": replaced,
            "left": {kind: self.counts[kind] for kind in (LEFT_TITLE, LEFT_NUMBER)},
            "not_checked": list(NOT_CHECKED),
        }


@dataclass
class _Match:
    first: int  # word indexes, end exclusive
    last: int
    start: int  # text span
    end: int
    kind: str
    key: str


class Redactor:
    """Replaces juveniles' names in one record's people list and free text."""

    def __init__(
        self,
        *,
        run: RedactionRun | None = None,
        people: Sequence[RedactionPerson] = (),
        keep_person_id: int | None = None,
    ) -> None:
        self.run = run
        # Person key -> identity of each juvenile redacted; labelled when first shown.
        self._hidden: dict[int, Identity] = {}
        self._full: dict[str, tuple[str, set[Identity]]] = {}
        self._lone: dict[str, set[Identity]] = {}
        self._stays: set[Identity] = set()
        self._redacted: set[Identity] = set()
        self._protected: set[str] = set(run.kept_parts) if run else set()
        self._starts: set[str] = set()
        self._scanned: dict[str, tuple[list[_Word], list[_Match]]] = {}
        self.context: set[Identity] = set()
        self._max_words = run.roster.max_words if run else 1
        if run is None:
            return
        keep_student = run.keep_student_id
        kept_students = {
            p.student_id
            for p in people
            if p.student_id is not None
            and (p.key == keep_person_id or p.student_id == keep_student)
        }
        if keep_student is not None:
            self._stays.add(("s", keep_student))
        for person in people:
            identity = person.identity
            kept = person.key == keep_person_id or person.student_id in kept_students - {None}
            forms = name_forms(person.first_name, person.last_name)
            for key, kind in forms.full:
                self._full.setdefault(key, (kind, set()))[1].add(identity)
            for key in forms.lone:
                self._lone.setdefault(key, set()).add(identity)
            self._starts |= forms.starts
            self._max_words = max(self._max_words, forms.words)
            if kept or not person.juvenile:
                self._stays.add(identity)
                self._protected.update(forms.lone)
                continue
            self._redacted.add(identity)
            self._hidden[person.key] = identity
        self._redacted -= self._stays
        self.context |= self._redacted

    @property
    def active(self) -> bool:
        return self.run is not None

    def is_redacted(self, person: RedactionPerson) -> bool:
        return person.key in self._hidden

    def name(self, person: RedactionPerson, shown: str | None = None) -> str:
        """The name to show for ``person``: their label if redacted, else ``shown`` (or
        their full name)."""
        if person.key in self._hidden and self.run is not None:
            self.run.counts[PEOPLE] += 1
            return self.run.label(self._hidden[person.key])
        return shown if shown is not None else person.full_name

    # -- free text ---------------------------------------------------------------------------

    def prime(self, texts: Iterable[str]) -> None:
        """Read the record's texts first, so a student named in full in any of them has
        their name alone replaced in all of them."""
        if self.run is None:
            return
        for text in texts:
            if text:
                _, matches = self._scan(unicodedata.normalize("NFC", text))
                for match in matches:
                    if match.kind not in _LONE_KINDS:
                        found = self._full_identities(match.key)
                        if len(found) == 1:
                            self.context |= found - self._stays

    def text(self, text: str) -> str:
        """``text`` with the juveniles' names replaced by their labels."""
        if not text or self.run is None:
            return text
        original = unicodedata.normalize("NFC", text)
        words, matches = self._scan(original)
        for match in matches:  # full names first: they put their students in context
            if match.kind not in _LONE_KINDS:
                found = self._full_identities(match.key)
                if len(found) == 1:
                    self.context |= found - self._stays
        out: list[str] = []
        pos = 0
        taken = 0  # words before this index are already consumed
        for match in matches:
            label = self._resolve(match, words)
            if label is None:
                continue
            start, first = match.start, match.first
            if match.kind in _LONE_KINDS:
                # "A. Reyes", "T. J. Reyes": the initials go with the name.
                while (
                    first - 1 >= taken
                    and words[first - 1].initial
                    and words[first - 1].upper
                    and words[first].gap in {" ", "."}
                ):
                    first -= 1
                    start = words[first].start
            end = match.end
            after = match.last
            if (
                match.kind in _LONE_KINDS
                and after < len(words)
                and words[after].initial
                and words[after].upper
                and words[after].dot_after
                and words[after].gap in {" ", ","}
            ):
                end = words[after].end  # "Tommy R." -> "[JUVENILE 2]."
                after += 1
            self.run.counts[match.kind] += 1
            if label == GENERIC_LABEL:
                self.run.counts[AMBIGUOUS] += 1
            out.append(original[pos:start])
            out.append(label)
            pos = end
            taken = after
        out.append(original[pos:])
        return "".join(out)

    def _scan(self, text: str) -> tuple[list[_Word], list[_Match]]:
        """The words and the name forms found in ``text`` (kept: prime reads it first)."""
        if text not in self._scanned:
            words = _words(text)
            self._scanned[text] = (words, self._matches(words))
        return self._scanned[text]

    def _matches(self, words: list[_Word]) -> list[_Match]:
        """The longest name form at each position, left to right, not overlapping."""
        assert self.run is not None
        roster = self.run.roster
        found: list[_Match] = []
        i = 0
        while i < len(words):
            word = words[i]
            if not (
                word.key in roster.starts
                or word.key in self._starts
                or (word.stem and (word.stem in roster.starts or word.stem in self._starts))
            ):
                i += 1
                continue
            match = self._longest(words, i, roster)
            if match is None:
                i += 1
                continue
            found.append(match)
            i = match.last
        return found

    def _longest(self, words: list[_Word], i: int, roster: RosterIndex) -> _Match | None:
        keys: list[str] = []  # keys[n]: words i..i+n
        skipped: list[str | None] = []  # the same without interior initials ("Tommy J. Reyes")
        spaced = True
        for n in range(min(self._max_words + 2, len(words) - i)):  # + middle initials
            word = words[i + n]
            if n and word.gap == "|":
                break
            keys.append(f"{keys[-1]}{word.gap}{word.key}" if n else word.key)
            spaced = spaced and (n == 0 or word.gap in {" ", "."})
            inner = [w.key for w in words[i + 1 : i + n] if not w.initial]
            skipped.append(
                " ".join([words[i].key, *inner, word.key])
                if spaced and n >= 2 and len(inner) < n - 1
                else None
            )
        for n in range(len(keys), 0, -1):
            last = words[i + n - 1]
            candidates: list[tuple[str, bool]] = [(keys[n - 1], False)]
            alternative = skipped[n - 1]
            if alternative:
                candidates.append((alternative, False))
            if last.stem:
                base = keys[n - 2] + last.gap if n > 1 else ""
                candidates.append((base + last.stem, True))
            for key, possessive in candidates:
                kind = self._kind(key, roster)
                if kind is None:
                    continue
                if kind == FIRST_INITIAL and not (last.dot_after and last.upper):
                    continue
                end = last.stem_end if possessive else last.end
                return _Match(i, i + n, words[i].start, end, kind, key)
        return None

    def _kind(self, key: str, roster: RosterIndex) -> str | None:
        if key in self._full:
            return self._full[key][0]
        if key in roster.full:
            return str(roster.full[key][0])
        if key in self._lone or key in roster.lone:
            return LONE_RECORD
        return None

    def _full_identities(self, key: str) -> set[Identity]:
        if key in self._full:
            return set(self._full[key][1])
        assert self.run is not None
        return {("s", sid) for sid in self.run.roster.full_ids(key)}

    def _one(self, identities: set[Identity]) -> str:
        assert self.run is not None
        if len(identities) == 1:
            return self.run.label(next(iter(identities)))
        return GENERIC_LABEL

    def _resolve(self, match: _Match, words: list[_Word]) -> str | None:
        """The label for a found name, or None to leave it (someone who keeps their name,
        or a lone word that may not be a name)."""
        assert self.run is not None
        if match.kind not in _LONE_KINDS:
            found = self._full_identities(match.key)
            if found & self._stays or not found:
                return None
            if match.key in self._full:
                return self._one(found & self._redacted or found)
            in_context = found & self.context
            return self._one(in_context or found)
        key = match.key
        if key in self._protected:
            return None
        on_record = self._lone.get(key, set()) - self._stays
        if on_record:
            return self._one(on_record)
        roster_ids = self.run.roster.lone.get(key, set())
        in_context = {i for i in self.context if i[0] == "s" and i[1] in roster_ids}
        if in_context:
            return self._one(in_context)
        word = words[match.first]
        if not word.upper or word.digits or len(key) < MIN_ROSTER_WORD_CHARS:
            return None
        before = words[match.first - 1] if match.first else None
        if before is not None and word.gap in {" ", "."} and before.key in ADULT_TITLES:
            self.run.counts[LEFT_TITLE] += 1
            return None
        following = words[match.last] if match.last < len(words) else None
        if following is not None and following.gap == " " and following.key.isdigit():
            self.run.counts[LEFT_NUMBER] += 1
            return None
        match.kind = LONE_ROSTER
        if len(roster_ids) == 1:
            return self.run.label(("s", next(iter(roster_ids))))
        return GENERIC_LABEL


def redactor_for(
    people: Sequence[RedactionPerson],
    *,
    keep_student_id: int | None = None,
    keep_person_id: int | None = None,
    run: RedactionRun | None = None,
) -> Redactor:
    """The redaction for a record released for one person.

    Redacted: every juvenile who is not that person (matched by student id, or by person
    key). The same student listed twice (two roles) gets one label. With neither
    ``keep_student_id`` nor ``keep_person_id`` (nor an active ``run``) nothing is redacted
    (an agency-internal copy). Without ``run``, only the record's own people are known.
    """
    if run is None:
        if keep_student_id is None and keep_person_id is None:
            return Redactor()
        run = RedactionRun(keep_student_id=keep_student_id, redact_all=True, first_label=2)
    return run.record(people, keep_person_id=keep_person_id)


__all__ = [
    "GENERIC_LABEL",
    "RedactionPerson",
    "RedactionRun",
    "Redactor",
    "RosterIndex",
    "juvenile_label",
    "name_forms",
    "redactor_for",
    "text_words",
]
