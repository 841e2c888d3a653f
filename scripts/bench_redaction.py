"""Time juvenile redaction (domain.redaction) on a large synthetic roster.

    .venv/bin/python scripts/bench_redaction.py [--students 50000] [--texts 2000]
    .venv/bin/python scripts/bench_redaction.py --db URL [--students 50000]

Builds a roster of made-up names (first x last combinations, accents included), then
redacts narratives of about 500 characters naming a few of them in various forms, and
prints the time to build the index, the time per text and the memory the index holds.
With ``--db`` (a store made by `sro init`, used for nothing else: the students are inserted
straight into it), it times reading the roster's index from the store (services.roster_names)
twice (it is built again for each export: not kept, issue 16).
"""

from __future__ import annotations

import argparse
import random
import time
import tracemalloc

from sro_tui.domain.redaction import RedactionPerson, RedactionRun, RosterIndex

FIRST_NAMES = """Maria Jose Ana Luis Sofia Diego Camila Mateo Valentina Santiago Isabella
Tommy Xochitl Nguyen Minh Aaliyah Jayden Emma Liam Olivia Noah Ava Elijah Mia Lucas Harper Will
May Grace Hunter Rosa Elena Andrés Zoë Chloé Renée Ángel Iñaki Đức"""
LAST_NAMES = """Garcia Lopez Reyes Núñez Martinez Hernandez Gonzalez Perez Sanchez Ramirez Torres
Flores Rivera Gomez Diaz Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz Alvarez Mendoza Castillo
Jimenez Moreno Romero Herrera Medina Aguilar Vargas Kim Park Lee Nguyen Tran Pham Đặng O'Brien
Smith-Jones Young Hall Washington Jefferson Thompson Whitfield"""
FIRST = FIRST_NAMES.split()
LAST = LAST_NAMES.split()


def roster(n: int, rng: random.Random) -> list[tuple[int, str, str]]:
    rows = []
    for sid in range(1, n + 1):
        first = rng.choice(FIRST) + ("" if rng.random() < 0.6 else rng.choice("aeiou") * 1)
        last = rng.choice(LAST) + ("" if rng.random() < 0.3 else f"{rng.choice(LAST)[:3]}")
        rows.append((sid, first, last.replace(" ", "")))
    return rows


def narrative(rows: list[tuple[int, str, str]], rng: random.Random) -> str:
    a, b, c = (rng.choice(rows) for _ in range(3))
    return (
        f"On May 3 at 1130 hours I was in the hallway when {a[1]} {a[2]} pushed {b[1]}. "
        f"{b[2]}, {b[1]} fell and {a[1]}'s friend {c[1][0]}. {c[2]} called Mr. Young. "
        "Staff separated the students; the vice principal took statements in the office. "
        f"{a[1].upper()} said it was an accident; {b[1]} disagreed. Parents were called and "
        f"{c[2]}'s mother arrived at 1215 hours. Both students were counselled by the officer "
        "and the matter was referred to the school for discipline under Ed Code 48900(a)."
    )


def from_store(url: str, rows: list[tuple[int, str, str]]) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import func, insert, select

    from sro_tui.domain.names import name_key
    from sro_tui.services import roster_names
    from sro_tui.store.db import Database
    from sro_tui.store.models import Student

    db = Database(url)
    try:
        with db.write() as session:
            have = session.scalar(select(func.count(Student.id))) or 0
            now = datetime.now(UTC)
            missing = rows[have:]
            for start in range(0, len(missing), 5_000):
                session.execute(
                    insert(Student),
                    [
                        {
                            "district_id": f"B-{sid}",
                            "first_name": first,
                            "last_name": last,
                            "search_name": name_key(f"{last} {first}"),
                            "created_at": now,
                            "updated_at": now,
                        }
                        for sid, first, last in missing[start : start + 5_000]
                    ],
                )
        for label in ("first time", "again"):
            with db.read() as session:
                started = time.perf_counter()
                index = roster_names.roster_index(session)
                spent = time.perf_counter() - started
            print(
                f"{db.url.get_backend_name()}: roster of {index.size} read {label}: {spent:.2f} s"
            )
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=50_000)
    parser.add_argument("--texts", type=int, default=2_000)
    parser.add_argument("--db", help="a store made by `sro init`, for this benchmark only")
    args = parser.parse_args()
    rng = random.Random(827)
    rows = roster(args.students, rng)
    if args.db:
        from_store(args.db, rows)
        return
    texts = [narrative(rows, rng) for _ in range(args.texts)]
    started = time.perf_counter()
    index = RosterIndex.build(rows)
    built = time.perf_counter() - started
    tracemalloc.start()
    kept = RosterIndex.build(rows)
    peak = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    run = RedactionRun(index, keep_student_id=rows[0][0])
    started = time.perf_counter()
    chars = 0
    for text in texts:
        a = rng.choice(rows)
        redactor = run.record(
            [RedactionPerson(key=1, student_id=a[0], first_name=a[1], last_name=a[2])]
        )
        chars += len(redactor.text(text))
    spent = time.perf_counter() - started
    print(
        f"roster {index.size} students: index built in {built:.2f} s "
        f"({len(index.full)} full forms, {len(index.lone)} lone names, {peak / 2**20:.0f} MiB)"
    )
    print(
        f"{len(texts)} texts ({chars / len(texts):.0f} chars each): {spent:.2f} s, "
        f"{spent / len(texts) * 1000:.2f} ms a text; {run.labelled} juveniles labelled"
    )
    print(redactor.text(texts[-1]))


if __name__ == "__main__":
    main()
