"""What a terminal holds in memory (issue 16): a SQLite terminal never imports PostgreSQL's
dialect (about 2 MiB of modules), not even to seal a record, and an export for one student
does not leave the whole roster's name index behind."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest

from sro_tui.domain import redaction
from sro_tui.domain.officers import Actor
from sro_tui.domain.redaction import RedactionRun, RosterIndex
from sro_tui.services.passwords import banned_passwords
from sro_tui.services.registry import Services
from sro_tui.services.roster_names import roster_index

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD
from .stores import copy_sqlite_store
from .test_search import add_student

TODAY = date(2026, 9, 14)

PROBE = """
import json, sys
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services.registry import build_services, prepare_store
from sro_tui.store.db import Database

db = Database(sys.argv[1])
prepare_store(db)
services = build_services(db, audit_key=sys.argv[2].encode())
school = services.reference.school_by_code("VHS").id
officer = OfficerCreate(badge="1001", name="Officer 1001", role="officer", school_ids=[school])
services.officers.create(SYSTEM_ACTOR, officer, sys.argv[3], check_policy=False)  # sealed
services.officers.authenticate("1001", sys.argv[3])
print(json.dumps(sorted(sys.modules)))
"""


def test_a_sqlite_terminal_never_imports_the_postgresql_dialect(
    sqlite_template: Path, tmp_path: Path
) -> None:
    store = copy_sqlite_store(sqlite_template, tmp_path / "store.db")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(store), TEST_AUDIT_KEY.decode(), TEST_PASSWORD],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(result.stdout))
    assert "sqlalchemy.dialects.sqlite" in loaded and "sro_tui.services.record_seals" in loaded
    assert "sqlalchemy.dialects.postgresql" not in loaded


def test_an_export_for_one_student_keeps_no_roster_index_afterwards(
    services: Services, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The index names every student of the store (about 47 MiB for 100,000): built for the
    export, it is not held by the terminal after it."""
    maria = add_student(services, officer, "D-1", "Maria", "Lopez")
    add_student(services, officer, "D-2", "Jose", "Reyes")
    built: list[weakref.ref[RosterIndex]] = []
    build = RosterIndex.build.__func__  # type: ignore[attr-defined]

    def recorded(cls: type[RosterIndex], students: Iterable[tuple[int, str, str]]) -> RosterIndex:
        index: RosterIndex = build(cls, students)
        built.append(weakref.ref(index))
        return index

    monkeypatch.setattr(RosterIndex, "build", classmethod(recorded))
    for folder in ("one", "again"):
        services.export.export(
            officer, fmt="json", since=TODAY, out_dir=tmp_path / folder, for_student_id=maria
        )
    gc.collect()
    assert len(built) == 2 and built[0]() is None and built[1]() is None
    assert built[0] is not built[1]


def test_the_roster_index_keeps_each_name_once(services: Services, officer: Actor) -> None:
    """A roster repeats its names: students who share one share its string in the index."""
    first = add_student(services, officer, "D-1", "Maria", "Lopez")
    second = add_student(services, officer, "D-2", "Maria", "Reyes")
    third = add_student(services, officer, "D-3", "Jose", "Reyes")
    with services.db.read() as session:
        index = roster_index(session)
        named = roster_index(session, texts=["Maria Reyes and Jose Reyes"])
    assert index.names[first][0] is index.names[second][0]
    assert index.names[second][1] is index.names[third][1]
    assert named.names[second][1] is named.names[third][1]


def test_the_folded_name_words_kept_for_the_session_are_bounded() -> None:
    """Redaction keeps folded words between exports: a long text of distinct words (or a
    varied roster) leaves at most a few thousand behind, not 65,536 of each kind."""
    words = [f"Word{n:05d}x" for n in range(6000)]
    run = RedactionRun(RosterIndex.build([(1, "Maria", "Lopez")]), redact_all=True)
    run.record([]).text(" ".join(words))
    RosterIndex.build((n, word, word) for n, word in enumerate(words, start=2))
    assert redaction._fold.cache_info().currsize <= 4096
    assert redaction._part_key.cache_info().currsize <= 4096


def test_the_banned_list_kept_for_the_session_is_one_text_not_a_set() -> None:
    """Judging a password keeps the banned list for the session: as one text (~0.3 MiB),
    not as a set of its 26,000 strings (~6 MiB); the look-up is the same."""
    banned = banned_passwords()
    assert not isinstance(banned, (set, frozenset))
    assert sys.getsizeof(banned._text) < 512 * 1024  # type: ignore[attr-defined]
    assert "password123" in banned and "Password123".lower() in banned
    assert "password123xyz" not in banned and "assword123" not in banned
    assert "" not in banned and "password123\nsummer2025" not in banned
    assert len(list(banned)) == len(banned) >= 3000
