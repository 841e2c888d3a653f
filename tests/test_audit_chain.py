"""The audit trail's hash chain, its signed checkpoints, its export and `sro audit`, on a real
store (SQLite and, when SRO_TEST_DATABASE_URL is set, PostgreSQL).

To tamper, a test goes around the store's append-only triggers the way an intruder with
database access would: on SQLite a raw sqlite3 connection drops them for the change and puts
them back; on PostgreSQL a superuser session sets ``session_replication_role = replica``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sro_tui.domain.errors import AuthenticationFailed, PermissionDenied, StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.services.audit import CheckpointKeeper
from sro_tui.services.registry import Services

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, Clock, RunCli

COLUMNS = (
    "at",
    "officer_id",
    "badge",
    "action",
    "record_type",
    "record_id",
    "outcome",
    "detail",
    "terminal",
    "prev_hash",
    "hash",
)
TRIGGERS_SQLITE = {
    "audit_events_no_update": "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON "
    "audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
    "audit_events_no_delete": "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON "
    "audit_events BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END",
}


def run_sql(services: Services, sql: str, params: dict | None = None) -> None:
    """``sql`` uses :name parameters on both backends."""
    db = services.db
    if db.is_sqlite:
        connection = sqlite3.connect(str(db.sqlite_path))
        try:
            for name in TRIGGERS_SQLITE:
                connection.execute(f"DROP TRIGGER {name}")
            connection.execute(sql, params or {})
            for create in TRIGGERS_SQLITE.values():
                connection.execute(create)
            connection.commit()
        finally:
            connection.close()
        return
    with db.engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(text(sql), params or {})


def append(services: Services, count: int, clock: Clock, action: str = "test.event") -> list[int]:
    for n in range(count):
        clock.advance(seconds=1)
        services.audit.record_alone(SYSTEM_ACTOR, action, record_type="test", record_id=n)
    return [e.id for e in services.audit.recent(limit=count)][::-1]


def row(services: Services, event_id: int) -> dict:
    with services.db.engine.connect() as connection:
        result = connection.execute(
            text(f"SELECT {', '.join(COLUMNS)} FROM audit_events WHERE id = :i"), {"i": event_id}
        )
        return dict(result.mappings().one())


@pytest.fixture
def keeper(tmp_path: Path) -> CheckpointKeeper:
    return CheckpointKeeper(tmp_path / "checkpoints")


def test_a_whole_chain_verifies(services: Services, clock: Clock) -> None:
    ids = append(services, 6, clock)
    report = services.audit.verify(SYSTEM_ACTOR)
    assert report.ok, report.problem
    assert report.count == 6
    assert report.last_id == ids[-1]
    assert report.first_bad_id is None
    # The check itself is recorded, and the chain stays whole after it.
    assert services.audit.recent(limit=1)[0].action == "audit.verify"
    assert services.audit.check_chain().ok


def test_the_store_refuses_update_and_delete(services: Services, clock: Clock) -> None:
    (event_id,) = append(services, 1, clock)
    for sql in (
        "UPDATE audit_events SET detail = 'x' WHERE id = :i",
        "DELETE FROM audit_events WHERE id = :i",
    ):
        with pytest.raises((DBAPIError, StoreUnreachable)), services.db.write() as session:
            session.execute(text(sql), {"i": event_id})
    assert services.audit.check_chain().ok


def test_an_event_in_a_read_transaction_is_refused(services: Services) -> None:
    """A read transaction is rolled back at its end: an event there would be lost."""
    with pytest.raises(RuntimeError, match="write transaction"), services.db.read() as session:
        services.audit.record(session, SYSTEM_ACTOR, "test.lost")
    assert all(e.action != "test.lost" for e in services.audit.recent())


def test_an_edited_event_is_named(services: Services, clock: Clock) -> None:
    ids = append(services, 5, clock)
    sql = "UPDATE audit_events SET detail = 'nothing to see' WHERE id = :i"
    run_sql(services, sql, {"i": ids[2]})
    report = services.audit.verify(SYSTEM_ACTOR)
    assert not report.ok
    assert report.first_bad_id == ids[2]
    assert "changed" in report.problem
    latest = services.audit.recent(limit=1)[0]
    assert (latest.action, latest.outcome) == ("audit.verify", "failure")


def test_an_edited_time_is_named(services: Services, clock: Clock) -> None:
    ids = append(services, 3, clock)
    run_sql(
        services,
        "UPDATE audit_events SET badge = 'X1' WHERE id = :i",
        {"i": ids[0]},
    )
    assert services.audit.check_chain().first_bad_id == ids[0]


def test_a_deleted_event_is_found(services: Services, clock: Clock) -> None:
    ids = append(services, 5, clock)
    run_sql(services, "DELETE FROM audit_events WHERE id = :i", {"i": ids[2]})
    report = services.audit.check_chain()
    assert not report.ok
    assert report.first_bad_id == ids[3]
    assert "deleted" in report.problem
    assert report.count == 4


def test_swapped_events_are_found(services: Services, clock: Clock) -> None:
    ids = append(services, 5, clock)
    first, second = row(services, ids[1]), row(services, ids[2])
    assignments = ", ".join(f"{c} = :{c}" for c in COLUMNS)
    sql = f"UPDATE audit_events SET {assignments} WHERE id = :target"
    run_sql(services, sql, {**second, "target": ids[1]})
    run_sql(services, sql, {**first, "target": ids[2]})
    report = services.audit.check_chain()
    assert not report.ok
    assert report.first_bad_id == ids[1]


def test_a_re_forged_event_without_the_key_is_found(services: Services, clock: Clock) -> None:
    """Recomputing the hash with another key (the intruder does not have ours) fails."""
    from sro_tui.services.audit import chain_hash
    from sro_tui.store.models import AuditEvent

    ids = append(services, 3, clock)
    with services.db.read() as session:
        event = session.get(AuditEvent, ids[1])
        assert event is not None
        event.detail = "forged"
        forged = chain_hash(b"x" * 32, event.prev_hash, event)
    run_sql(
        services,
        "UPDATE audit_events SET detail = 'forged', hash = :h WHERE id = :i",
        {"h": forged, "i": ids[1]},
    )
    assert services.audit.check_chain().first_bad_id == ids[1]


def test_cut_off_newest_events_are_found_through_the_checkpoint(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    ids = append(services, 6, clock)
    assert services.audit.verify(SYSTEM_ACTOR).ok  # writes a checkpoint
    verify_id = services.audit.recent(limit=1)[0].id
    # Cut the newest three events (including the verify event itself).
    run_sql(services, "DELETE FROM audit_events WHERE id >= :i", {"i": ids[4]})
    services.audit.checkpoints = None
    assert services.audit.check_chain().ok, "a cut chain is still a valid chain"
    services.audit.checkpoints = keeper
    report = services.audit.verify(SYSTEM_ACTOR)
    assert not report.ok
    assert report.first_bad_id == ids[4]
    assert "missing" in report.problem
    assert report.checkpoint is not None and report.checkpoint.last_id == ids[5]
    assert verify_id > ids[5]


def test_an_emptied_trail_is_found(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    ids = append(services, 3, clock)
    services.audit.write_checkpoint()
    run_sql(services, "DELETE FROM audit_events")
    report = services.audit.check_chain()
    assert not report.ok
    assert report.count == 0
    assert report.first_bad_id == 1 and ids[0] >= 1
    assert "missing" in report.problem


def test_a_cut_chain_that_grew_again_is_found(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    ids = append(services, 5, clock)
    assert services.audit.write_checkpoint() is not None
    run_sql(services, "DELETE FROM audit_events WHERE id >= :i", {"i": ids[3]})
    append(services, 4, clock)  # new, validly chained events after the cut
    report = services.audit.check_chain()
    assert not report.ok
    assert report.first_bad_id in (ids[3], ids[4])


def test_a_checkpoint_edited_by_hand_is_refused(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    append(services, 3, clock)
    checkpoint = services.audit.write_checkpoint()
    assert checkpoint is not None
    (path,) = keeper.folder.glob(f"{checkpoint.store_id}*.json")
    document = json.loads(path.read_text())
    document["count"] = 1
    path.write_text(json.dumps(document))
    report = services.audit.verify(SYSTEM_ACTOR)
    assert not report.ok
    assert "signature" in report.problem


def test_a_changed_store_id_still_finds_the_checkpoint(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    ids = append(services, 4, clock)
    services.audit.write_checkpoint()
    with services.db.write() as session:
        session.execute(text("UPDATE settings SET value = 'other' WHERE key = 'store_id'"))
    run_sql(services, "DELETE FROM audit_events WHERE id >= :i", {"i": ids[2]})
    report = services.audit.check_chain()
    assert not report.ok
    assert report.first_bad_id == ids[2]


def test_periodic_checkpoints_follow_commits_only(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    services.audit.checkpoint_every = 3
    store_id = services.audit.store_id()
    append(services, 2, clock)
    assert keeper.load(store_id) is None
    with pytest.raises(RuntimeError), services.db.write() as session:
        services.audit.record(session, SYSTEM_ACTOR, "test.rolled_back")
        raise RuntimeError("the change failed")
    assert keeper.load(store_id) is None, "no checkpoint of an event that was rolled back"
    ids = append(services, 1, clock)
    checkpoint = keeper.load(store_id)
    assert checkpoint is not None
    assert (checkpoint.last_id, checkpoint.count) == (ids[-1], 3)
    append(services, 1, clock)
    services.close()  # at exit: a last checkpoint of what this process appended
    latest = keeper.load(store_id)
    assert latest is not None and latest.count == 4


def test_an_older_checkpoint_does_not_replace_a_newer_one(
    services: Services, clock: Clock, keeper: CheckpointKeeper
) -> None:
    services.audit.checkpoints = keeper
    append(services, 3, clock)
    newest = services.audit.write_checkpoint()
    assert newest is not None
    older = newest.model_copy(update={"count": 1})
    assert keeper.save(older) is False
    assert keeper.load(newest.store_id) == newest


def test_export_csv_since_a_day(services: Services, clock: Clock, officer, supervisor) -> None:
    append(services, 2, clock, "test.before")
    clock.advance(days=2)
    append(services, 3, clock, "test.after")
    out = io.StringIO()
    day = clock.now.astimezone(services.ctx.tz).date()
    written = services.audit.export_csv(supervisor, out, since=day)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert written == len(rows) == 3
    assert {r["action"] for r in rows} == {"test.after"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ", rows[0]["at_utc"])
    assert services.audit.recent(limit=1)[0].action == "audit.export"
    with pytest.raises(PermissionDenied):
        services.audit.export_csv(officer, io.StringIO(), since=day)
    denied = services.audit.recent(limit=1)[0]
    assert (denied.action, denied.outcome) == ("audit.export", "denied")


def test_export_until_a_day(services: Services, clock: Clock, supervisor) -> None:
    append(services, 2, clock, "test.before")
    first_day = clock.now.astimezone(services.ctx.tz).date()
    clock.advance(days=2)
    append(services, 1, clock, "test.after")
    out = io.StringIO()
    services.audit.export_csv(supervisor, out, until=first_day)
    actions = {r["action"] for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert "test.after" not in actions and "test.before" in actions


def test_page_through_the_trail(services: Services, clock: Clock, supervisor, officer) -> None:
    append(services, 7, clock)
    first = services.audit.page(supervisor, limit=4, action="test.event")
    assert len(first.items) == 4 and first.next_cursor
    second = services.audit.page(supervisor, limit=4, action="test.event", cursor=first.next_cursor)
    assert len(second.items) == 3 and second.next_cursor is None
    assert first.items[-1].id > second.items[0].id
    with pytest.raises(PermissionDenied):
        services.audit.page(officer)


# -- two terminals at once --------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from sro_tui.domain.officers import SYSTEM_ACTOR
    from sro_tui.services.registry import build_services
    from sro_tui.store.db import Database

    url, key, tag, count = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    db = Database(url)
    services = build_services(db, audit_key=key, terminal=tag)
    print("ready", flush=True)
    sys.stdin.readline()  # both writers start together
    for n in range(count):
        services.audit.record_alone(SYSTEM_ACTOR, "test.concurrent", record_id=f"{tag}-{n}")
    db.dispose()
    """
)


@pytest.mark.slow
def test_two_processes_append_at_once_and_lose_nothing(services: Services, db_url: str) -> None:
    per_writer = 60
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, db_url, TEST_AUDIT_KEY.hex(), tag, str(per_writer)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in ("T1", "T2")
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    report = services.audit.check_chain()
    assert report.ok, report.problem
    with services.db.read() as session:
        ids = set(
            session.scalars(
                text("SELECT record_id FROM audit_events WHERE action = 'test.concurrent'")
            )
        )
    assert ids == {f"{t}-{n}" for t in ("T1", "T2") for n in range(per_writer)}


# -- the command line -------------------------------------------------------------------------


def test_cli_verify_names_the_first_bad_event(
    services: Services, db_url: str, clock: Clock, cli_home: Path, run_cli: RunCli
) -> None:
    ids = append(services, 4, clock)
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 0
    assert "intact" in result.out
    checkpoints = cli_home / "keys" / "audit-checkpoints"
    assert list(checkpoints.glob("*.json")), "checkpoint written"
    run_sql(services, "UPDATE audit_events SET detail = 'x' WHERE id = :i", {"i": ids[1]})
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 1
    assert f"#{ids[1]}" in result.out
    assert "BROKEN" in result.out


def test_cli_verify_finds_a_cut_through_the_checkpoint(
    services: Services, db_url: str, clock: Clock, run_cli: RunCli
) -> None:
    ids = append(services, 4, clock)
    assert run_cli("--db", db_url, "audit", "verify").code == 0
    run_sql(services, "DELETE FROM audit_events WHERE id >= :i", {"i": ids[2]})
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 1
    assert "missing" in result.out


def test_cli_export_csv(
    services: Services,
    db_url: str,
    clock: Clock,
    tmp_path: Path,
    run_cli: RunCli,
    supervisor: Actor,
) -> None:
    append(services, 3, clock)
    target = tmp_path / "audit.csv"
    day = date(2026, 9, 1).isoformat()
    # Signed in: a PostgreSQL store has no unsigned local administration (cli/common.py).
    signed = ("--as", supervisor.badge, "--password-stdin")
    result = run_cli(
        "--db",
        db_url,
        "audit",
        "export",
        "--since",
        day,
        "--format",
        "csv",
        "-o",
        str(target),
        *signed,
        stdin=TEST_PASSWORD,
    )
    assert result.code == 0
    rows = list(csv.DictReader(target.open()))
    assert sum(r["action"] == "test.event" for r in rows) == 3
    result = run_cli("--db", db_url, "audit", "export", "--since", "yesterday-ish")
    assert result.code == 2
    assert "date" in result.err


def test_cli_checkpoint(services: Services, db_url: str, clock: Clock, run_cli: RunCli) -> None:
    append(services, 2, clock)
    result = run_cli("--db", db_url, "audit", "checkpoint")
    assert result.code == 0
    assert "Checkpoint" in result.out


def test_account_and_admin_actions_are_audited(services: Services, admin, clock: Clock) -> None:
    from sro_tui.domain.officers import OfficerCreate
    from sro_tui.services import store_settings

    from .conftest import TEST_PASSWORD

    start = services.audit.recent(limit=1)[0].id
    services.officers.create(admin, OfficerCreate(badge="1001", name="Ana Ruiz"), TEST_PASSWORD)
    services.officers.authenticate("1001", TEST_PASSWORD)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate("1001", "a wrong password")
    services.officers.unlock(admin, "1001")
    services.officers.set_password(admin, "1001", "a fresh passphrase")
    services.officers.set_active(admin, "1001", False)
    services.settings.set(admin, store_settings.LOCKOUT_MINUTES, "30")
    events = [e for e in services.audit.recent(limit=50) if e.id > start][::-1]
    actions = [(e.action, e.outcome) for e in events]
    assert actions == [
        ("officer.create", "success"),
        ("login", "success"),
        *[("login", "failure")] * 4,
        ("officer.lock", "success"),
        ("login", "failure"),
        ("officer.unlock", "success"),
        ("officer.password", "success"),
        ("officer.disable", "success"),
        ("setting.change", "success"),
    ]
    assert all(e.at.tzinfo is not None for e in events)
    assert all(e.badge for e in events), "who: every event names a badge"
    typed = (TEST_PASSWORD, "a wrong password", "a fresh passphrase")
    assert not [e for e in events if any(secret in e.detail for secret in typed)]
    assert services.audit.check_chain().ok
