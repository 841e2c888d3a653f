"""Juvenile redaction (California Welfare & Institutions Code 827).

A record naming several juveniles is not released to one of them unredacted: in an export or
a printout made *for* one person (a student, or one person row of an incident), every other
juvenile's name is replaced by a label, ``[JUVENILE 2]``, ``[JUVENILE 3]``, ... (the person
the record is for is juvenile 1 and keeps their name). Adults (parents, staff, non-students
marked as not juvenile) keep their names.

The label replaces the name in the people list and wherever the name appears in free text:
the full name ("Jose Lopez", "Lopez, Jose", any case, any spacing), and the first or last
name alone. Matching ignores case and accents ("JOSE", "José") and respects word edges, so
"Ana" does not touch "Banana" or "Anaheim", and "Maria's" becomes "[JUVENILE 2]'s". A word
that is also part of a name that stays (a brother's shared last name, an adult's first name)
is not replaced when it stands alone, since it cannot be told apart; the full name still is.
A lone name shared by two redacted juveniles becomes ``[JUVENILE]``.

Redaction errs on the side of hiding: a name that is also an ordinary word ("Will", "Rose")
is replaced wherever it stands as a word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict

GENERIC_LABEL = "[JUVENILE]"
# A name is matched as a whole word: not inside a longer word, nor as one part of a
# hyphenated or apostrophe name ("Ana" leaves "Ana-Lucia" and "D'Ana" alone), but a
# possessive "'s" may follow.
_BEFORE = r"(?<!\w)(?<!\w-)(?<!\w')"
_AFTER = r"(?!\w)(?!-\w)(?!'\w\w)"
MIN_NAME_CHARS = 2


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


def _fold_char(ch: str) -> str:
    """One character folded to one character (lower case, no accent), so positions in the
    folded text are positions in the original."""
    if ch in "\u2019\u2018`\u00b4":
        return "'"
    decomposed = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return base if len(base) == 1 else ch.lower() if len(ch.lower()) == 1 else ch


def fold_same_length(text: str) -> str:
    return "".join(_fold_char(c) for c in text)


def _words_pattern(name: str) -> str:
    """A folded name as a regex: its words separated by any run of spaces."""
    words = fold_same_length(name).split()
    return r"\s+".join(re.escape(w) for w in words)


@dataclass
class Redactor:
    """Replaces the names of the juveniles it was given; built by :func:`redactor_for`."""

    labels: dict[int, str] = field(default_factory=dict)  # person key -> label
    _pattern: re.Pattern[str] | None = None
    _replacements: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.labels)

    def is_redacted(self, person: RedactionPerson) -> bool:
        return person.key in self.labels

    def name(self, person: RedactionPerson, shown: str | None = None) -> str:
        """The name to show for ``person``: their label if redacted, else ``shown`` (or
        their full name)."""
        if person.key in self.labels:
            return self.labels[person.key]
        return shown if shown is not None else person.full_name

    def text(self, text: str) -> str:
        """``text`` with the redacted juveniles' names replaced by their labels."""
        if not text or self._pattern is None:
            return text
        original = unicodedata.normalize("NFC", text)
        folded = fold_same_length(original)
        out: list[str] = []
        pos = 0
        for match in self._pattern.finditer(folded):
            group = match.lastindex
            if group is None:
                continue
            out.append(original[pos : match.start()])
            out.append(self._replacements[group - 1])
            pos = match.end()
        out.append(original[pos:])
        return "".join(out)


def redactor_for(
    people: Sequence[RedactionPerson],
    *,
    keep_student_id: int | None = None,
    keep_person_id: int | None = None,
) -> Redactor:
    """The redaction for a record released for one person.

    Redacted: every juvenile who is not that person (matched by student id, or by person
    key). The same student listed twice (two roles) gets one label. With neither
    ``keep_student_id`` nor ``keep_person_id`` nothing is redacted (an agency-internal copy).
    """
    if keep_student_id is None and keep_person_id is None:
        return Redactor()

    def kept(p: RedactionPerson) -> bool:
        if keep_person_id is not None and p.key == keep_person_id:
            return True
        return keep_student_id is not None and p.student_id == keep_student_id

    # Kept persons by person key also keep other rows of the same student.
    kept_students = {p.student_id for p in people if kept(p) and p.student_id is not None}
    labels: dict[int, str] = {}
    by_identity: dict[object, str] = {}
    redacted: list[RedactionPerson] = []
    for person in people:
        if not person.juvenile or kept(person) or person.student_id in kept_students - {None}:
            continue
        identity: object = (
            ("student", person.student_id)
            if person.student_id is not None
            else ("name", fold_same_length(person.full_name))
        )
        if identity not in by_identity:
            by_identity[identity] = juvenile_label(len(by_identity) + 2)
            redacted.append(person)
        labels[person.key] = by_identity[identity]
    if not labels:
        return Redactor()
    stays = [p for p in people if p.key not in labels]
    pattern, replacements = _build_pattern(redacted, labels, stays)
    return Redactor(labels=labels, _pattern=pattern, _replacements=replacements)


def _build_pattern(
    redacted: Iterable[RedactionPerson],
    labels: dict[int, str],
    stays: Iterable[RedactionPerson],
) -> tuple[re.Pattern[str] | None, list[str]]:
    protected = {
        fold_same_length(part).strip()
        for p in stays
        for part in (p.first_name, p.last_name)
        if part.strip()
    }
    full: dict[str, str] = {}  # folded regex -> label
    single: dict[str, set[str]] = {}  # folded word(s) -> labels
    for person in redacted:
        label = labels[person.key]
        first, last = person.first_name.strip(), person.last_name.strip()
        if first and last:
            full[_words_pattern(f"{first} {last}")] = label
            full[_words_pattern(last) + r"\s*,\s*" + _words_pattern(first)] = label
        for part in (first, last):
            folded = fold_same_length(part)
            if len(folded) >= MIN_NAME_CHARS and folded not in protected:
                single.setdefault(folded, set()).add(label)
    alternatives: list[tuple[str, str]] = list(full.items())
    for word, owners in single.items():
        label = next(iter(owners)) if len(owners) == 1 else GENERIC_LABEL
        alternatives.append((_words_pattern(word), label))
    if not alternatives:
        return None, []
    # Longest first, so "Jose Lopez" wins over "Jose".
    alternatives.sort(key=lambda item: len(item[0]), reverse=True)
    regex = "|".join(f"{_BEFORE}({body}){_AFTER}" for body, _ in alternatives)
    return re.compile(regex), [label for _, label in alternatives]
