"""The roster's names, for juvenile redaction (WIC 827): a domain.redaction.RosterIndex of
every student in the store, read in one query for the export or report that asks.

Every student counts, whatever their school and sealed or not: a juvenile's name is hidden
wherever it is written. Building costs about 10-25 µs a student (scripts/bench_redaction.py):
a second or so for 100,000. The index is not kept afterwards: it took some 47 MiB for a roster
of 100,000, which a terminal held for the rest of its session after one export for a student
(issue 16: nothing holds a whole result set). While it is built, the roster is read in
batches (``yield_per``: the ORM would otherwise buffer every row first, some 13 MiB more at
100,000) and each name is kept once however many students share it (``sys.intern``: a roster
repeats its first and last names; some 12 MiB fewer at 100,000).
"""

from __future__ import annotations

from collections.abc import Iterable
from sys import intern

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.redaction import RosterIndex, text_words
from ..store.models import Student

BATCH = 2000  # students read at a time


def roster_index(session: Session, *, texts: Iterable[str] | None = None) -> RosterIndex:
    """Every student's name forms, built now for one export or report.

    With ``texts``: only the students one of whose name words is in them (through the folded
    ``students.search_name``), built each time: a few texts do not need the whole index."""
    if texts is not None:
        words = text_words(texts)
        named = session.execute(
            select(
                Student.id, Student.first_name, Student.last_name, Student.search_name
            ).execution_options(yield_per=BATCH)
        )
        return RosterIndex.build(
            (sid, intern(first), intern(last))
            for sid, first, last, key in named
            if words and not words.isdisjoint(key.split())
        )
    rows = session.execute(
        select(Student.id, Student.first_name, Student.last_name)
        .order_by(Student.id)
        .execution_options(yield_per=BATCH)
    )
    return RosterIndex.build((sid, intern(first), intern(last)) for sid, first, last in rows)


__all__ = ["roster_index"]
