"""How long another terminal's saves take while a large roster import runs (issue 13 item 6).

On a copy of the demo store (SQLite), this process imports a generated roster CSV
(``--rows``, 50,000 by default: district ID, names, school, grade) while a second process,
another terminal, saves an incident every ``--every`` seconds (0.2 by default): one write
transaction with the incident and its audit event, as a save is. The saver times each save
from asking for the write lock to its commit; a save refused as busy is counted.

Printed: the import's time and counts, and the saves made while it ran: how many, p50 / p95 /
max latency in milliseconds, and how many were refused. ``--again`` imports the same file a
second time (every row unchanged), ``--changed`` then a copy with every surname changed
(every row an update). The script asserts nothing (tests check behaviour).

    .venv/bin/python scripts/bench_roster_import.py [--rows 50000] [--every 0.2] [--changed]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.scenarios, when run as a script

from sqlalchemy import select  # noqa: E402

from sro_tui.domain.officers import SYSTEM_ACTOR  # noqa: E402
from sro_tui.services.registry import Services  # noqa: E402
from sro_tui.store.models import School  # noqa: E402
from tests.scenarios import AUDIT_KEY, build_demo_template, open_demo_store  # noqa: E402

SAVER = """
import sys, time
from pathlib import Path
from sro_tui.domain.errors import StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.registry import build_services
from sro_tui.store.db import Database
from sro_tui.store.models import Incident

store, stop, key = sys.argv[1], Path(sys.argv[2]), bytes.fromhex(sys.argv[3])
every, prefix = float(sys.argv[4]), sys.argv[5]
services = build_services(Database(store), audit_key=key, terminal="bench-saver")
print("ready", flush=True)
n = 0
while not stop.exists():
    started = time.time()
    try:
        with services.db.write() as session:
            first = session.get(Incident, 1)
            now = services.ctx.now()
            session.add(Incident(
                number=f"{prefix}-{n:06d}", status="draft", school_id=first.school_id,
                school_year=first.school_year, officer_id=first.officer_id,
                location_id=first.location_id, occurred_at=now, entered_at=now,
                updated_at=now, narrative="saved while a roster import runs",
            ))
            services.audit.record(session, SYSTEM_ACTOR, "bench.save")
        outcome = "saved"
    except StoreUnreachable:
        outcome = "refused"
    ended = time.time()
    print(outcome, started, ended, flush=True)
    n += 1
    time.sleep(max(0.0, every - (ended - started)))
"""


def roster_csv(path: Path, rows: int, schools: list[str], surname: str = "Last") -> Path:
    lines = ["District ID,First Name,Last Name,School,Grade"]
    for n in range(rows):
        lines.append(
            f"B{n:07d},First{n},{surname}{n % 997},{schools[n % len(schools)]},{9 + n % 4}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_import(services: Services, path: Path, store: Path, every: float, label: str) -> None:
    stop = path.with_suffix(".stop")
    stop.unlink(missing_ok=True)
    saver = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SAVER,
            str(store),
            str(stop),
            AUDIT_KEY.hex(),
            str(every),
            label.split()[0],
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout is not None
    assert saver.stdout.readline().strip() == "ready"
    time.sleep(3 * every)  # a few saves before the import starts
    started = time.time()
    # confirm_changes: "every row changed" renames every student (applied, as confirmed)
    report = services.students.import_roster(SYSTEM_ACTOR, path, confirm_changes=True)
    ended = time.time()
    time.sleep(3 * every)
    stop.touch()
    out, _ = saver.communicate(timeout=120)
    during: list[float] = []
    refused = 0
    for line in out.splitlines():
        outcome, begun, done = line.split()
        if float(done) < started or float(begun) > ended:
            continue  # not while the import ran
        if outcome == "refused":
            refused += 1
        else:
            during.append((float(done) - float(begun)) * 1000)
    print(
        f"{label}: {report.total:,} rows in {ended - started:.1f} s "
        f"(added {report.added:,}, updated {report.updated:,}, unchanged {report.unchanged:,}, "
        f"rejected {len(report.rejected):,})"
    )
    if during:
        print(
            f"  other terminal's saves meanwhile: {len(during)}, "
            f"p50 {statistics.median(during):.0f} ms, p95 {percentile(during, 0.95):.0f} ms, "
            f"max {max(during):.0f} ms; refused as busy: {refused}"
        )
    else:
        print(f"  other terminal's saves meanwhile: none finished; refused as busy: {refused}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--every", type=float, default=0.2, help="seconds between saves")
    parser.add_argument("--again", action="store_true", help="import the same file again")
    parser.add_argument("--changed", action="store_true", help="then a file of updates")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template = build_demo_template(folder / "template.db")
        store = folder / "store.db"
        services = open_demo_store(template, store)
        try:
            with services.db.read() as session:
                schools = list(session.scalars(select(School.code).order_by(School.id)))
            path = roster_csv(folder / "roster.csv", args.rows, schools)
            timed_import(services, path, store, args.every, "first import")
            if args.again:
                timed_import(services, path, store, args.every, "same file again")
            if args.changed:
                changed = roster_csv(folder / "changed.csv", args.rows, schools, "Other")
                timed_import(services, changed, store, args.every, "every row changed")
        finally:
            services.close()


if __name__ == "__main__":
    main()
