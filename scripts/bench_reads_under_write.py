"""How long audited reads take while another terminal holds SQLite's write lock (issue 13 item 7).

A second process takes the write lock with ``BEGIN IMMEDIATE`` and keeps it for ``--hold``
seconds (another terminal's long save, a roster import). Meanwhile this process, on a copy of
the demo store, times the audited reads an officer and a supervisor make all day: the first
page of the incident list, notes and referrals, the review queue, and opening a report.
Each read is timed twice:

* ``before``: the old way, the read and its audit event in one write transaction (it waits
  for the lock, then reads);
* ``after``: the read in a read transaction, its event appended in a short write of its own
  or, while the lock stays taken, kept in the terminal's pending-read file.

The same reads with no lock held show what the change costs when nothing waits. Figures are
milliseconds, the median of ``--runs`` (3 by default); the script asserts nothing (tests
check behaviour).

    .venv/bin/python scripts/bench_reads_under_write.py [--hold 3] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # for tests.scenarios, when run as a script

from sqlalchemy.orm import Session  # noqa: E402

from sro_tui.services.demo import DEMO_PASSWORD  # noqa: E402
from sro_tui.services.registry import Services  # noqa: E402
from tests.scenarios import OFFICER, SUPERVISOR, build_demo_template, open_demo_store  # noqa: E402

HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
"""


@contextmanager
def holding_lock(store: Path, hold: float) -> Iterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store), str(hold)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    holder.stdout.readline()  # "locked"
    try:
        yield
    finally:
        holder.wait()


def old_way(services: Services) -> Callable[[], AbstractContextManager[Session]]:
    """The read path as it was: one write transaction for the read and its event."""
    return services.db.write


def reads(services: Services) -> dict[str, Callable[[], Any]]:
    officer = services.officers.authenticate(OFFICER, DEMO_PASSWORD)
    supervisor = services.officers.authenticate(SUPERVISOR, DEMO_PASSWORD)
    incident_id = services.incidents.page(officer, limit=1).items[0].id
    return {
        "incidents, first page": lambda: services.incidents.page(officer),
        "notes, first page": lambda: services.notes.page(officer),
        "referrals, first page": lambda: services.referrals.page(officer),
        "review queue (supervisor)": lambda: services.incidents.review_queue(supervisor),
        "open a report": lambda: services.incidents.get(officer, incident_id),
    }


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def run_once(template: Path, folder: Path, hold: float, number: int) -> dict[str, list[float]]:
    store = folder / f"store-{number}.db"
    services = open_demo_store(template, store)
    services.audit.pending_folder = folder / f"pending-{number}"
    figures: dict[str, list[float]] = {}
    try:
        calls = reads(services)
        for name, call in calls.items():
            timed(call)  # warm
            figures[name] = [timed(call)]  # after, quiet
        services.audit.reading = old_way(services)  # type: ignore[method-assign]
        for name, call in calls.items():
            figures[name].insert(0, timed(call))  # before, quiet
            with holding_lock(store, hold):
                figures[name].append(timed(call))  # before: waits out the lock
        del services.audit.reading  # the class's method again
        with holding_lock(store, hold):
            for name, call in calls.items():
                figures[name].append(timed(call))  # after
        services.audit.flush_pending(wait=hold + 5)
        report = services.audit.check_chain()
        if not report.ok:
            print(f"chain problem: {report.problem}", file=sys.stderr)
    finally:
        services.db.dispose()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hold", type=float, default=3.0, help="seconds the lock is held")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("building the demo store…", file=sys.stderr)
        template = build_demo_template(folder / "template.db")
        runs = [run_once(template, folder, args.hold, n) for n in range(args.runs)]
    print(
        f"SQLite write lock held by another process for {args.hold:g} s; ms, median of {args.runs}"
    )
    print(f"{'':28} {'no lock held':>19} {'lock held':>19}")
    print(f"{'read':28} {'before':>9} {'after':>9} {'before':>9} {'after':>9}")
    for name in runs[0]:
        quiet_before, quiet_after, before, after = (
            statistics.median(run[name][i] for run in runs) for i in range(4)
        )
        print(f"{name:28} {quiet_before:9.1f} {quiet_after:9.1f} {before:9.1f} {after:9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
