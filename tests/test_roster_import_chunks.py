"""A roster import leaves other terminals working and stays all or nothing (issue 13 item 6).

Rows are staged in short transactions that take no lock on the store, then applied in one
transaction: another terminal saves while rows are staged; an error or a kill part-way
leaves the roster exactly as it was.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sro_tui.domain.errors import SroError, StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import READ_ONLY_MESSAGE, Database
from sro_tui.store.models import AuditEvent, Student

from .conftest import TEST_AUDIT_KEY, Clock

ROWS = 3000

IMPORTER = textwrap.dedent(
    """
    import sys, time
    from sro_tui.domain.officers import SYSTEM_ACTOR
    from sro_tui.services.registry import build_services
    from sro_tui.store.db import Database

    store, roster, key, stop_at = sys.argv[1], sys.argv[2], sys.argv[3].encode(), int(sys.argv[4])
    services = build_services(Database(store), audit_key=key, terminal="importer")

    def progress(done, total):
        print(done, flush=True)
        if done == stop_at:
            time.sleep(60)  # killed here

    services.students.import_roster(
        SYSTEM_ACTOR, roster, progress=progress, confirm_changes=True
    )
    print("done", flush=True)
    """
)


def roster(tmp_path: Path, rows: int = ROWS, surname: str = "Last") -> Path:
    """``rows`` students; the first two are the ones :func:`known_students` stored."""
    lines = ["District ID,First Name,Last Name,School,Grade"]
    lines += [f"C{n:06d},First{n},{surname}{n},VHS,{9 + n % 4}" for n in range(rows)]
    path = tmp_path / f"roster-{surname}-{rows}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def known_students(services: Services) -> None:
    for n in range(2):
        services.students.create(
            SYSTEM_ACTOR,
            StudentCreate(district_id=f"C{n:06d}", first_name="Kept", last_name="AsItWas", grade=5),
        )


def roster_state(services: Services) -> tuple[int, list[tuple[str, str, int | None]], int]:
    """Students stored, the two known ones as they are, and roster import events."""
    with services.db.read() as session:
        count = session.scalar(select(func.count()).select_from(Student)) or 0
        known = [
            (row.district_id, row.last_name, row.grade)
            for row in session.execute(
                select(Student.district_id, Student.last_name, Student.grade)
                .where(Student.district_id.in_(["C000000", "C000001"]))
                .order_by(Student.district_id)
            )
        ]
        imports = (
            session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "student.import")
            )
            or 0
        )
    return count, known, imports


def test_another_terminal_saves_while_rows_are_staged(
    services: Services, db_url: str, tmp_path: Path, clock: Clock
) -> None:
    other_db = Database(db_url)  # another terminal on the same store
    other = build_services(other_db, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="other")
    saved_during: list[int] = []

    def progress(done: int, total: int) -> None:
        if done < total:
            # A save that waits at most 1 s for the write lock: the import holds none now.
            with other.db.write(wait=1) as session:
                other.audit.record(session, SYSTEM_ACTOR, "other.save")
            saved_during.append(done)

    try:
        report = services.students.import_roster(SYSTEM_ACTOR, roster(tmp_path), progress=progress)
    finally:
        other_db.dispose()
    assert report.added == ROWS
    assert saved_during == list(range(500, ROWS, 500))  # between chunks and within them
    count, _, imports = roster_state(services)
    assert (count, imports) == (ROWS, 1)


def test_an_error_part_way_imports_nothing(services: Services, tmp_path: Path) -> None:
    known_students(services)
    before = roster_state(services)

    def progress(done: int, total: int) -> None:
        if done == 2000:
            raise SroError("the officer cancelled")

    with pytest.raises(SroError, match="cancelled"):
        services.students.import_roster(SYSTEM_ACTOR, roster(tmp_path), progress=progress)
    assert roster_state(services) == before
    # Nothing staged is left behind: the same import then goes in whole.
    report = services.students.import_roster(SYSTEM_ACTOR, roster(tmp_path), confirm_changes=True)
    assert (report.added, report.updated) == (ROWS - 2, 2)
    assert roster_state(services)[0] == ROWS


def test_a_failure_while_applying_rolls_back_every_row(
    sqlite_services: Services, tmp_path: Path
) -> None:
    known_students(sqlite_services)
    before = roster_state(sqlite_services)
    with sqlite_services.db.write() as session:
        # The store refuses the update of one known student, after the new rows are in.
        session.execute(
            text(
                "CREATE TRIGGER refuse_one BEFORE UPDATE ON students "
                "WHEN NEW.district_id = 'C000001' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        )
    with pytest.raises((SroError, StoreUnreachable)):
        sqlite_services.students.import_roster(SYSTEM_ACTOR, roster(tmp_path), confirm_changes=True)
    assert roster_state(sqlite_services) == before


@pytest.mark.slow
@pytest.mark.parametrize("stop_at", [1500, ROWS])  # part-way through staging; all staged
def test_an_import_killed_part_way_leaves_the_roster_as_it_was(
    sqlite_services: Services, tmp_path: Path, stop_at: int
) -> None:
    known_students(sqlite_services)
    before = roster_state(sqlite_services)
    store = sqlite_services.db.sqlite_path
    path = roster(tmp_path, surname="Changed")
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            IMPORTER,
            str(store),
            str(path),
            TEST_AUDIT_KEY.decode(),
            str(stop_at),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    while (line := child.stdout.readline().strip()) != str(stop_at):
        assert line, "the import ended first"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert roster_state(sqlite_services) == before
    report = sqlite_services.students.import_roster(SYSTEM_ACTOR, path, confirm_changes=True)
    assert (report.added, report.updated) == (ROWS - 2, 2)


def test_a_read_only_store_refuses_an_import_before_staging(
    sqlite_services: Services, tmp_path: Path, clock: Clock
) -> None:
    path = sqlite_services.db.sqlite_path
    assert path is not None
    sqlite_services.db.dispose()
    before = path.read_bytes()
    read_only = Database(f"sqlite:///{path}?mode=ro")
    calls: list[int] = []
    try:
        services = build_services(read_only, audit_key=TEST_AUDIT_KEY, clock=clock)
        with pytest.raises(StoreUnreachable) as refused:
            services.students.import_roster(
                SYSTEM_ACTOR, roster(tmp_path), progress=lambda done, _: calls.append(done)
            )
    finally:
        read_only.dispose()
    assert str(refused.value) == READ_ONLY_MESSAGE
    assert calls == []  # said at once, not after checking every row
    assert path.read_bytes() == before
