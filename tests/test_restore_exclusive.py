"""Restore holds the store to itself (issue 13 item 5).

A terminal that starts while a restore runs waits for it and then saves into the restored
store (never into the file the old store was kept as); a restore killed at any stage leaves
a store that opens, whole: the old one before the backup's pages are in, the restored one
after.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from pathlib import Path

import pytest

from sro_tui.services.registry import Services, prepare_store
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, make_officer
from .test_search import add_incident

pytestmark = pytest.mark.slow

SAVER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sro_tui.domain.errors import StoreUnreachable
    from sro_tui.services.registry import build_services
    from sro_tui.store.db import Database
    from sro_tui.store.models import Incident

    store, stop, key = sys.argv[1], Path(sys.argv[2]), sys.argv[3].encode()
    print("starting", flush=True)  # nothing has touched the store yet
    # A terminal as the app opens one: a pooled connection kept between saves.
    services = build_services(Database(store), audit_key=key, terminal="saver")
    n = 0
    while not stop.exists():
        try:
            with services.db.write() as session:
                first = session.get(Incident, 1)
                now = services.ctx.now()
                session.add(Incident(
                    number=f"S-{n:07d}", status="draft", school_id=first.school_id,
                    school_year="2026-27", officer_id=first.officer_id,
                    location_id=first.location_id, occurred_at=now, entered_at=now,
                    updated_at=now, narrative="saved while a restore runs",
                ))
        except StoreUnreachable as exc:
            print("refused", exc, flush=True)
            time.sleep(0.05)
            continue
        print("ack", n, time.time(), flush=True)  # the save is acknowledged
        n += 1
        time.sleep(0.02)
    """
)

RESTORER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sro_tui.domain.officers import SYSTEM_ACTOR
    from sro_tui.services import backup
    from sro_tui.services.registry import build_services
    from sro_tui.store.db import Database

    store, source, key, stop_at = sys.argv[1], Path(sys.argv[2]), sys.argv[3].encode(), sys.argv[4]
    backup.RESTORE_PAGES = 4  # many parts, so a kill can land between two of them
    services = build_services(Database(store), audit_key=key, terminal="restorer")

    def step(stage):
        print(stage, flush=True)
        if stage == stop_at:
            time.sleep(60)  # killed here

    services.backup.restore(SYSTEM_ACTOR, source, step=step)
    print("done", flush=True)
    """
)

STAGES_BEFORE = ("checked", "locked", "set aside", "copying")  # the old store stays
STAGES_AFTER = ("copied", "released", "upgraded")  # the backup's pages are in


def restorer(store: Path, backup: Path, stop_at: str) -> list[str]:
    """The command line of a process restoring ``backup`` that stops at ``stop_at``."""
    key = TEST_AUDIT_KEY.decode()
    return [sys.executable, "-c", RESTORER, str(store), str(backup), key, stop_at]


def numbers(path: Path, prefix: str) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT number FROM incidents WHERE number LIKE ?", (prefix + "%",)
        ).fetchall()
    return {row[0] for row in rows}


def test_a_terminal_started_during_restore_saves_into_the_restored_store(
    sqlite_services: Services, tmp_path: Path
) -> None:
    store = sqlite_services.db.sqlite_path
    assert store is not None
    admin = make_officer(sqlite_services, "3001", "admin", ())
    add_incident(sqlite_services, admin, "in the backup")
    backup = sqlite_services.backup.backup(admin, tmp_path / "backup.db").path
    for n in range(5):
        add_incident(sqlite_services, admin, f"after the backup {n}")
    stop = tmp_path / "stop"
    acks: list[tuple[str, float]] = []
    saver: subprocess.Popen[str] | None = None

    def start_saver_while_locked(stage: str) -> None:
        nonlocal saver
        if stage != "locked":
            return
        saver = subprocess.Popen(
            [sys.executable, "-c", SAVER, str(store), str(stop), TEST_AUDIT_KEY.decode()],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert saver.stdout is not None
        assert saver.stdout.readline().strip() == "starting"
        time.sleep(0.5)  # its first save is now waiting for the store

    try:
        info = sqlite_services.backup.restore(admin, backup, step=start_saver_while_locked)
        restored_at = time.time()
        assert saver is not None and saver.stdout is not None
        after = 0
        while after < 10:  # saves acknowledged after the restore
            line = saver.stdout.readline().split()
            assert line, "the saver ended"
            if line[0] == "ack":
                acks.append((f"S-{int(line[1]):07d}", float(line[2])))
                after += float(line[2]) > restored_at
    finally:
        stop.touch()
        if saver is not None:
            out, _ = saver.communicate(timeout=60)
            for line in out.splitlines():
                words = line.split()
                if words and words[0] == "ack":
                    acks.append((f"S-{int(words[1]):07d}", float(words[2])))
    assert saver.returncode == 0
    assert info.set_aside is not None
    acknowledged = {number for number, _ in acks}
    assert len(acknowledged) >= 10
    # Every acknowledged save is in the restored store, none in the old store's file.
    assert acknowledged <= numbers(store, "S-")
    assert numbers(info.set_aside, "S-") == set()
    assert len(numbers(info.set_aside, "SRO-")) == 6  # the old store, whole
    assert len(numbers(store, "SRO-")) == 1  # the backup's


def test_a_restore_killed_at_any_stage_leaves_a_whole_store(
    sqlite_services: Services, tmp_path: Path
) -> None:
    store = sqlite_services.db.sqlite_path
    assert store is not None
    admin = make_officer(sqlite_services, "3001", "admin", ())
    add_incident(sqlite_services, admin, "in the backup " * 500)
    backup = sqlite_services.backup.backup(admin, tmp_path / "backup.db").path
    for n in range(20):
        add_incident(sqlite_services, admin, f"after the backup {n} " * 500)
    base = sqlite_services.backup.backup(admin, tmp_path / "base.db").path
    sqlite_services.db.dispose()
    for stage in STAGES_BEFORE + STAGES_AFTER:
        target = tmp_path / f"store-{stage.replace(' ', '-')}.db"
        shutil.copyfile(base, target)
        child = subprocess.Popen(
            restorer(target, backup, stage),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        while (line := child.stdout.readline().strip()) != stage:
            assert line, f"the restore ended before {stage!r}"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        if stage == "copying":
            assert Path(f"{target}-journal").exists()  # killed part-way through the copy

        assert target.exists(), stage
        reopened = Database(str(target))  # as the app opens it (and upgrades it)
        try:
            prepare_store(reopened)
        finally:
            reopened.dispose()
        with closing(sqlite3.connect(target)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)], stage
        expected = 21 if stage in STAGES_BEFORE else 1
        assert len(numbers(target, "SRO-")) == expected, stage
        assert not Path(f"{target}-journal").exists()
    # The copy a killed restore left (a whole store) is removed by the next restore, which,
    # not killed, finishes.
    assert len(list(tmp_path.glob(".store-checked.db.restoring-*"))) == 1
    finished = subprocess.run(
        restorer(tmp_path / "store-checked.db", backup, "never"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.split()[-1] == "done"
    assert len(numbers(tmp_path / "store-checked.db", "SRO-")) == 1
    assert list(tmp_path.glob(".store-checked.db.restoring-*")) == []
