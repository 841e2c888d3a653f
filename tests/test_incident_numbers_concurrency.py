"""Incident numbers stay unique and gapless when separate processes create reports at once.

Each worker is its own OS process (multiprocessing, spawn) with its own engine, as two
terminals on one store would be; a barrier lines them up so their writes overlap. Runs on
the SQLite file and, when SRO_TEST_DATABASE_URL is set, on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from sro_tui.domain.enums import Role
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.store.models import Incident, IncidentCounter

from .conftest import TEST_AUDIT_KEY, make_officer

WORKERS = 4
PER_WORKER = 15
NUMBER = re.compile(r"^SRO-(\d{4})-(\d{6})$")

pytestmark = pytest.mark.slow


def _create_many(
    url: str,
    actor_fields: dict[str, Any],
    school_id: int,
    count: int,
    barrier: Any,
    results: Any,
) -> None:
    """Worker: sign in as nobody (the actor is handed over), wait for the others, then
    create ``count`` reports as fast as the store allows; report the numbers got."""
    db = Database(url)
    try:
        services = build_services(db, audit_key=TEST_AUDIT_KEY, terminal="worker")
        actor = Actor(**actor_fields)
        numbers: list[str] = []
        barrier.wait(timeout=60)
        for n in range(count):
            created = services.incidents.create(
                actor,
                IncidentCreate(
                    school_id=school_id,
                    occurred_at=services.ctx.now() - timedelta(minutes=n + 1),
                    location_code="HALLWAY",
                    offenses=[OffenseIn(category_code="FIGHT")],
                    narrative="Concurrent entry.",
                ),
            )
            numbers.append(created.number)
        results.put(("ok", numbers))
    except BaseException as exc:  # reported to the test, which fails with it
        results.put(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        db.dispose()


def test_parallel_processes_get_unique_sequential_numbers(services: Services, db_url: str) -> None:
    actors = [make_officer(services, str(1100 + i)) for i in range(WORKERS)]
    school_id = services.reference.school_by_code("VHS").id
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(WORKERS)
    results = spawn.Queue()
    workers = [
        spawn.Process(
            target=_create_many,
            args=(
                db_url,
                {
                    "officer_id": a.officer_id,
                    "badge": a.badge,
                    "name": a.name,
                    "role": Role(a.role),
                    "school_ids": a.school_ids,
                    "terminal": f"worker-{i}",
                },
                school_id,
                PER_WORKER,
                barrier,
                results,
            ),
        )
        for i, a in enumerate(actors)
    ]
    for worker in workers:
        worker.start()
    outcomes = []
    try:
        for _ in workers:
            outcomes.append(results.get(timeout=180))
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.terminate()
                worker.join()
    errors = [detail for kind, detail in outcomes if kind == "error"]
    assert not errors, errors
    per_worker = [numbers for _, numbers in outcomes]
    numbers = [n for batch in per_worker for n in batch]
    total = WORKERS * PER_WORKER
    assert len(numbers) == total
    assert len(set(numbers)) == total, "duplicate incident numbers"
    parsed = [NUMBER.match(n) for n in numbers]
    assert all(parsed)
    years = {m.group(1) for m in parsed if m}
    assert len(years) == 1
    assert sorted(int(m.group(2)) for m in parsed if m) == list(range(1, total + 1))
    for batch in per_worker:  # each terminal sees its own numbers rise
        assert batch == sorted(batch)

    with services.db.read() as session:
        stored = list(session.scalars(select(Incident.number).order_by(Incident.id)))
        counter = session.scalar(
            select(IncidentCounter.last_seq).where(IncidentCounter.year == int(years.pop()))
        )
    assert sorted(stored) == sorted(numbers)
    assert stored == sorted(stored)  # numbered in the order the rows were inserted
    assert counter == total
