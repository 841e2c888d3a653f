"""``ratio_to_sqlite`` for ``bench/run.py --json``: each hot path's service figure beside the
same SQL run directly on the store's own connection, so the app's overhead (ORM, pydantic,
permissions, audit bookkeeping in Python) shows apart from the database's work.

How the SQL side is taken: the service call runs once with the engine's cursor events
recording every statement and its parameters as the driver received them. Read statements
(SELECT, WITH) are then replayed on a raw DBAPI connection of the same engine, rows fetched,
as many times as the service was timed. Write statements (an audit event, the record itself)
are not replayed (they would duplicate records and break the audit chain): their time is the
driver's own time for them in the recorded call (execute and commit), measured by the same
events. So ``sql_ms`` is what the database itself needs for the work; ``ratio`` is
``app_ms / sql_ms`` at the median. Asserts nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import event

READS = ("select", "with", "pragma")


@dataclass
class Recorded:
    statements: list[tuple[str, Any, bool]] = field(default_factory=list)
    write_seconds: float = 0.0
    """The driver's time for statements that write, and for COMMIT."""


@contextmanager
def recording(engine: Any) -> Iterator[Recorded]:
    seen = Recorded()
    started: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):
        started[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool):
        elapsed = time.perf_counter() - started.pop(id(cursor), time.perf_counter())
        if statement.lstrip().lower().startswith(READS):
            seen.statements.append((statement, params, many))
        else:
            seen.write_seconds += elapsed

    dialect = engine.dialect
    plain_commit = dialect.do_commit

    def timed_commit(dbapi_connection: Any) -> None:
        start = time.perf_counter()
        plain_commit(dbapi_connection)
        seen.write_seconds += time.perf_counter() - start

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    dialect.do_commit = timed_commit
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        dialect.do_commit = plain_commit


def replay(engine: Any, statements: list[tuple[str, Any, bool]]) -> float:
    """Seconds to run the read statements on a raw connection, fetching every row."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        start = time.perf_counter()
        for statement, params, many in statements:
            if many:
                cursor.executemany(statement, params)
            else:
                cursor.execute(statement, params)
            if cursor.description is not None:
                cursor.fetchall()
        elapsed = time.perf_counter() - start
        raw.rollback()
        return elapsed
    finally:
        raw.close()


def compare(engine: Any, action: Callable[[], Any], times: int) -> dict[str, Any]:
    action()  # warm, as the service figures are
    app: list[float] = []
    sql: list[float] = []
    for _ in range(times):
        with recording(engine) as seen:
            start = time.perf_counter()
            action()
            app.append(time.perf_counter() - start)
        sql.append(replay(engine, seen.statements) + seen.write_seconds)
    app_ms = statistics.median(app) * 1000
    sql_ms = statistics.median(sql) * 1000
    return {
        "app_ms": round(app_ms, 2),
        "sql_ms": round(sql_ms, 2),
        "ratio": round(app_ms / sql_ms, 2) if sql_ms else None,
        "statements": len(seen.statements),
        "n": times,
    }


def ratio_to_sqlite(services: Any, officer: Any, supervisor: Any, times: int = 20) -> dict:
    from sro_tui.domain.incidents import IncidentCreate, IncidentUpdate

    engine = services.db.engine
    school_id = officer.school_ids[0] if officer.school_ids else 1
    draft = IncidentCreate(
        school_id=school_id,
        occurred_at=services.ctx.now() - timedelta(minutes=5),
        location_code="HALLWAY",
        narrative="Bench: overhead of a save beside its SQL.",
    )
    made = services.incidents.create(officer, draft)
    version = [made.version]

    def update() -> None:
        change = IncidentUpdate(version=version[0], narrative=f"{draft.narrative} {version[0]}")
        version[0] = services.incidents.update(officer, made.id, change).version

    month = services.ctx.today().strftime("%Y-%m")
    paths: dict[str, Callable[[], Any]] = {
        "incidents_own_page": lambda: services.incidents.page(officer, scope="own"),
        "notes_page": lambda: services.notes.page(officer),
        "students_typeahead": lambda: services.students.search(officer, "gar"),
        "search_common_word": lambda: services.search.search(officer, "student"),
        "search_one_letter": lambda: services.search.search(officer, "s"),
        "save_create": lambda: services.incidents.create(officer, draft),
        "save_update_narrative": update,
        "monthly_report": lambda: services.reports.monthly(supervisor, month=month),
    }
    found: dict[str, Any] = {}
    for name, action in paths.items():
        try:
            found[name] = compare(engine, action, 3 if name == "monthly_report" else times)
        except Exception as exc:  # a path this store lacks is named, not fatal
            found[name] = {"error": repr(exc)[:200]}
    return found
