"""The roster's names, for juvenile redaction (WIC 827): a domain.redaction.RosterIndex of
every student in the store, read in one query and kept while the roster does not change.

Every student counts, whatever their school and sealed or not: a juvenile's name is hidden
wherever it is written. The index is kept per store (its URL) and per roster state: the
number of students, the highest id and the sum of their versions (bumped by every change), so
an added, changed or removed student makes the next export or report build it again. Building
costs about 25 µs a student (scripts/bench_redaction.py): a second or so for 50,000.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain.redaction import RosterIndex, text_words
from ..store.models import Student

_KEEP = 2  # stores whose index is kept (a terminal uses one; tests use many)
_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], RosterIndex]] = {}


def roster_index(session: Session, *, texts: Iterable[str] | None = None) -> RosterIndex:
    """Every student's name forms (built again only when the roster changed).

    With ``texts``: only the students one of whose name words is in them (through the folded
    ``students.search_name``), built each time: a few texts do not need the whole index."""
    if texts is not None:
        words = text_words(texts)
        named = session.execute(
            select(Student.id, Student.first_name, Student.last_name, Student.search_name)
        )
        return RosterIndex.build(
            (sid, first, last)
            for sid, first, last, key in named
            if words and not words.isdisjoint(key.split())
        )
    state = tuple(
        session.execute(
            select(func.count(Student.id), func.max(Student.id), func.sum(Student.version))
        ).one()
    )
    store = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _lock:
        cached = _cache.get(store)
    if cached is not None and cached[0] == state:
        return cached[1]
    rows = session.execute(
        select(Student.id, Student.first_name, Student.last_name).order_by(Student.id)
    )
    index = RosterIndex.build((sid, first, last) for sid, first, last in rows)
    with _lock:
        _cache.pop(store, None)
        _cache[store] = (state, index)
        while len(_cache) > _KEEP:
            _cache.pop(next(iter(_cache)))
    return index


__all__ = ["roster_index"]
