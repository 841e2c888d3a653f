"""Benchmarks run by hand (not in CI): how sro-tui feels on a large store.

    .venv/bin/python bench/run.py --scale 5                 # a new demo store in a temp dir
    .venv/bin/python bench/run.py --scale 5 --bulk 1000000  # plus a million bulk narratives
    .venv/bin/python bench/run.py --db path/to/sro.db       # an existing store (not reseeded)
    .venv/bin/python bench/run.py --db postgresql://...     # PostgreSQL (an empty database)

Prints figures; asserts nothing about them. What each figure measures:

- import: wall time of a fresh `python -c "import sro_tui.cli; import sro_tui.ui.app"`
  process (interpreter start + imports: what `sro` costs before drawing anything), and of
  `sro --help` as a whole.
- first frame: the Textual app run headless (``App.run_test``), from entering run_test until
  the sign-in screen is mounted and the first refresh has gone through ``pilot.pause()``.
  Not a real terminal: no terminal driver, no painting to a tty.
- lists: the first page of each list through the services, as the screens ask for it.
- save: creating an incident (draft) and saving its narrative once more.
- search: a rare word and a common word, newest 30 each.
- monthly report: services.reports.monthly for the department (skipped if absent).
- backup: a full online backup to a temp file (SQLite only).
- peak memory: the process's maximum resident set size (ru_maxrss), all steps included.

Each read is run three times; the first (cold) and the best of the rest are shown.

With ``--json FILE`` it also writes one JSON object with issue 16's figures (milliseconds as
p50/p95, memory in MiB; ``bench/figures.py`` says how each is taken): ``rows`` (every table
of the store), ``first_frame_ratio`` (scripts/bench_startup.py: the sign-in screen's first
frame in a pty / an empty Textual app's, interleaved pairs, median), ``list_open_ms`` (each
list's first page, 20 reads), ``save_ms`` (200 new incidents, 200 narrative updates),
``search_ms`` (20 words rare to common and 1-3 letter prefixes, as officer and supervisor),
``report_ms`` (monthly: department, one school, one officer; year to date),
``rss_peak_mib`` (the real app in a pty through sign-in, Today, F3-F8, a search and a report:
VmHWM from /proc), and from the same drive ``today_after_sign_in_ms`` and ``key_to_title_ms``
(key written -> the screen's title drawn, one sample each), ``key_to_screen_ms`` (the real
app in a pty, key written -> screen fully drawn, rows included, for F2-F8 opening and
returning, PageDown, type-ahead and search per key, the monthly report, ctrl+n -> ctrl+s;
beside a plain Textual app's screen switch and key echo; scripts/bench_screens.py's measure)
and ``ratio_to_sqlite`` (each hot path's service time beside the same SQL run directly on the
store's connection: bench/overhead.py; on PostgreSQL the same against PostgreSQL). The saves
add some 420 incidents to the store (use a copy or a new one).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sro_tui.domain.errors import SroError  # noqa: E402
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor  # noqa: E402
from sro_tui.services.registry import Services, build_services, prepare_store  # noqa: E402
from sro_tui.store.db import Database  # noqa: E402

AUDIT_KEY = b"bench-audit-key-0123456789abcdef"
RARE_WORD = "zeppelin"
WORDS = [
    "student",
    "hallway",
    "gym",
    "lunch",
    "vape",
    "phone",
    "fight",
    "pushed",
    "office",
    "parent",
    "called",
    "counselor",
    "backpack",
    "restroom",
    "bus",
    "parking",
    "lot",
    "teacher",
    "reported",
    "witness",
    "video",
    "camera",
    "knife",
    "marijuana",
    "threat",
    "online",
    "bullying",
    "tardy",
    "left",
    "campus",
    "returned",
    "property",
    "mediation",
]


def timed(label: str, action: Callable[[], Any], repeat: int = 3) -> Any:
    runs: list[float] = []
    result: Any = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        runs.append(time.perf_counter() - start)
    best = min(runs[1:]) if len(runs) > 1 else runs[0]
    extra = f"  (cold {runs[0] * 1000:8.1f} ms)" if repeat > 1 else ""
    print(f"  {label:<38} {best * 1000:8.1f} ms{extra}")
    return result


def skipped(label: str, why: object) -> None:
    print(f"  {label:<38} skipped: {why}")


# -- the store -------------------------------------------------------------------------------


def open_store(url: str, audit_key: bytes) -> Services:
    db = Database(url)
    prepare_store(db)
    return build_services(db, audit_key=audit_key, terminal="bench")


def terminal_audit_key() -> bytes:
    """An existing store (``--db``) is signed with this terminal's audit key (the one
    ``sro seed-demo`` used), found where the app finds it."""
    from sro_tui.bootstrap import audit_key_path
    from sro_tui.config import Settings
    from sro_tui.services.audit_keys import load_or_create_key

    return load_or_create_key(audit_key_path(Settings()))


def seed(services: Services, scale: int) -> None:
    start = time.perf_counter()
    try:
        counts = services.demo.seed(SYSTEM_ACTOR, scale=scale)
    except ModuleNotFoundError as exc:
        skipped("demo seed", f"{exc}; using bulk data only")
        return
    except SroError as exc:  # a store with real records, or one seeded already
        skipped("demo seed", exc)
        return
    total = sum(counts.values())
    print(f"  demo seed scale {scale:<22} {time.perf_counter() - start:8.1f} s  ({total:,} rows)")


def bulk_incidents(services: Services, count: int, officer_id: int) -> None:
    """Incidents written straight through the store models, in batches (fast, no audit)."""
    from sqlalchemy import func, insert, select

    from sro_tui.store.models import Incident, Location, School

    rng = random.Random(7)
    start = time.perf_counter()
    now = services.ctx.now()
    with services.db.read() as session:
        location_id = session.scalar(select(Location.id).limit(1))
        school_id = session.scalar(select(School.id).where(School.code == "VHS"))
        base = session.scalar(select(func.count()).select_from(Incident)) or 0
    batch = 10_000
    for first in range(0, count, batch):
        rows = []
        for n in range(first, min(count, first + batch)):
            words = " ".join(rng.choice(WORDS) for _ in range(60))
            if n % 100_000 == 50:
                words += f" {RARE_WORD}"
            rows.append(
                {
                    "number": f"BENCH-{base + n:09d}",
                    "status": "submitted",
                    "school_id": school_id,
                    "school_year": "2026-27",
                    "officer_id": officer_id,
                    "location_id": location_id,
                    "occurred_at": now - timedelta(minutes=count - n),
                    "entered_at": now,
                    "updated_at": now,
                    "narrative": words.capitalize() + ".",
                }
            )
        with services.db.write() as session:
            session.execute(insert(Incident), rows)
        done = min(count, first + batch)
        print(f"\r  bulk incidents {done:>12,}/{count:,}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print(f"  bulk {count:,} incidents{'':<17} {time.perf_counter() - start:8.1f} s")


def sign_in(services: Services, badge: str, role: str) -> Actor:
    """The demo officer signed in with the demo password. In a store without it, a bench
    officer is created; an existing officer whose password the bench does not know is acted
    as directly (an Actor built from the record, as sign-in would), never given a new
    password."""
    from sro_tui.domain.errors import NotFound
    from sro_tui.domain.officers import OfficerCreate

    try:
        from sro_tui.services.demo import DEMO_PASSWORD

        return services.officers.authenticate(badge, DEMO_PASSWORD)
    except Exception:
        pass
    try:
        known = services.officers.by_badge(badge)
    except NotFound:
        password = "bench password 123"
        school_ids = [services.reference.school_by_code("VHS").id]
        services.officers.create(
            SYSTEM_ACTOR,
            OfficerCreate(badge=badge, name=f"Bench {badge}", role=role, school_ids=school_ids),
            password,
        )
        return services.officers.authenticate(badge, password)
    return Actor(
        officer_id=known.id,
        badge=known.badge,
        name=known.name,
        role=known.role,
        school_ids=tuple(known.school_ids),
        terminal="bench",
    )


# -- steps -----------------------------------------------------------------------------------


def measure_imports() -> None:
    code = "import sro_tui.cli, sro_tui.ui.app"
    for label, argv in (
        ("import sro_tui.cli + ui.app", [sys.executable, "-c", code]),
        (
            "sro --help",
            [sys.executable, "-c", "import sys, sro_tui.cli as c; sys.exit(c.main(['--help']))"],
        ),
    ):
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
            runs.append(time.perf_counter() - start)
        print(f"  {label:<38} {statistics.median(runs) * 1000:8.1f} ms  (median of 3 processes)")


def measure_first_frame(services: Services) -> None:
    try:
        from sro_tui.config import Settings
        from sro_tui.ui.app import SroApp
    except ImportError as exc:
        skipped("first frame (headless)", exc)
        return

    async def run() -> float:
        app = SroApp(Settings(), services=services)
        start = time.perf_counter()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            elapsed = time.perf_counter() - start
            print(f"    first screen: {type(app.screen).__name__}")
        return elapsed

    try:
        elapsed = asyncio.run(run())
    except Exception as exc:
        skipped("first frame (headless)", repr(exc))
        return
    print(f"  {'first frame (headless run_test)':<38} {elapsed * 1000:8.1f} ms")


def measure_lists(services: Services, officer: Actor) -> None:
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("incidents, own, first page", lambda: services.incidents.page(officer, scope="own")),
        ("incidents, school, first page", lambda: services.incidents.page(officer, scope="school")),
        ("notes, own, first page", lambda: services.notes.page(officer)),
        ("referrals, own, first page", lambda: services.referrals.page(officer)),
        ("students, first page by name", lambda: services.students.search(officer, "")),
        ("students, type-ahead 'gar'", lambda: services.students.search(officer, "gar")),
    ]
    for label, action in steps:
        try:
            page = timed(label, action)
            print(f"    {len(page.items)} rows")
        except Exception as exc:
            skipped(label, repr(exc))


def measure_save(services: Services, officer: Actor) -> None:
    try:
        from sro_tui.domain.incidents import IncidentCreate, IncidentUpdate
    except ImportError as exc:
        skipped("save an incident", exc)
        return
    school_id = officer.school_ids[0] if officer.school_ids else 1
    data = IncidentCreate(
        school_id=school_id,
        occurred_at=services.ctx.now() - timedelta(minutes=5),
        location_code="HALLWAY",
        narrative="Bench: a student was seen with a vape pen near the gym.",
    )
    try:
        created = timed(
            "create an incident (draft)", lambda: services.incidents.create(officer, data), 1
        )
        update = IncidentUpdate(version=created.version, narrative=data.narrative + " More.")
        timed(
            "save its narrative again",
            lambda: services.incidents.update(officer, created.id, update),
            1,
        )
    except Exception as exc:
        skipped("save an incident", repr(exc))


def measure_search(services: Services, actor: Actor, label: str) -> None:
    for word in (RARE_WORD, "student", "stud"):
        try:
            hits = timed(
                f"search {word!r} as {label}", lambda w=word: services.search.search(actor, w)
            )
            print(f"    {len(hits)} hits")
        except Exception as exc:
            skipped(f"search {word!r}", repr(exc))


def measure_report(services: Services, supervisor: Actor) -> None:
    month = services.ctx.today().strftime("%Y-%m")
    try:
        timed(
            f"monthly report {month} (department)",
            lambda: services.reports.monthly(supervisor, month=month),
        )
    except (ModuleNotFoundError, AttributeError) as exc:
        skipped("monthly report", exc)
    except Exception as exc:
        skipped("monthly report", repr(exc))


def measure_backup(services: Services, folder: Path) -> None:
    if not services.db.is_sqlite:
        skipped("backup", "PostgreSQL: pg_dump")
        return
    target = folder / "bench-backup.db"
    target.unlink(missing_ok=True)
    info = timed(
        "online backup (with integrity check)",
        lambda: services.backup.backup(SYSTEM_ACTOR, target),
        1,
    )
    print(f"    {info.size_bytes / 1e6:.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="store path or URL (default: a new store in a temp dir)")
    parser.add_argument("--scale", type=int, default=1, help="demo scale for a new store")
    parser.add_argument("--bulk", type=int, default=0, help="extra incidents written in bulk")
    parser.add_argument("--no-seed", action="store_true", help="do not seed demo data")
    parser.add_argument("--json", metavar="FILE", help="also write issue 16's figures as JSON")
    parser.add_argument(
        "--pairs", type=int, default=10, help="first-frame pairs for --json (default 10)"
    )
    parser.add_argument(
        "--services-only",
        action="store_true",
        help="--json without the figures of the app in a terminal (first frame, memory, keys)",
    )
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="sro-bench-"))
    url = args.db or str(workdir / "bench.db")
    print(f"store: {url}")
    print("setup")
    audit_key = terminal_audit_key() if args.db else AUDIT_KEY
    services = open_store(url, audit_key)
    if not args.no_seed:
        seed(services, args.scale)
    officer = sign_in(services, "1001", "officer")
    supervisor = sign_in(services, "2001", "supervisor")
    if args.bulk:
        bulk_incidents(services, args.bulk, officer.officer_id or 1)

    print("start-up")
    measure_imports()
    measure_first_frame(services)
    print("lists (officer 1001)")
    measure_lists(services, officer)
    print("saving")
    measure_save(services, officer)
    print("search")
    measure_search(services, officer, "officer")
    measure_search(services, supervisor, "supervisor")
    print("reports")
    measure_report(services, supervisor)
    print("backup")
    measure_backup(services, workdir)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (ru_maxrss, this process)  {peak / 1024:8.1f} MB")
    if args.json:
        print("figures for --json")
        write_json(Path(args.json), services, officer, supervisor, url, workdir, args, audit_key)
    services.close()
    return 0


def write_json(
    path: Path,
    services: Services,
    officer: Actor,
    supervisor: Actor,
    url: str,
    workdir: Path,
    args: argparse.Namespace,
    audit_key: bytes,
) -> None:
    import json

    from bench import figures, overhead

    result: dict[str, Any] = {
        "store": "sqlite" if services.db.is_sqlite else "postgresql",
        "scale": None if args.db else args.scale,
        "rows": count_rows(services),
    }
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("list_open_ms", lambda: figures.list_open_ms(services, officer, supervisor)),
        ("search_ms", lambda: figures.search_ms(services, officer, supervisor)),
        ("report_ms", lambda: figures.report_ms(services, supervisor)),
        ("save_ms", lambda: figures.save_ms(services, officer)),
        ("first_frame", lambda: figures.first_frame_ratio(args.pairs)),
        ("app", lambda: figures.drive_app(url, audit_key, workdir)),
        ("key_to_screen_ms", lambda: figures.key_to_screen_ms(url, audit_key, workdir)),
        ("ratio_to_sqlite", lambda: overhead.ratio_to_sqlite(services, officer, supervisor)),
    ]
    if args.services_only:
        in_a_terminal = {"first_frame", "app", "key_to_screen_ms"}
        steps = [(key, step) for key, step in steps if key not in in_a_terminal]
    for key, step in steps:
        start = time.perf_counter()
        try:
            result[key] = step()
        except Exception as exc:  # one figure failing leaves the others
            result[key] = {"error": repr(exc)[:300]}
        print(f"  {key:<38} {time.perf_counter() - start:8.1f} s")
    first = result.pop("first_frame", {"error": "not measured (--services-only)"})
    result["first_frame_ratio"] = first.get("first_frame_ratio") if "error" not in first else None
    result["first_frame"] = first
    app = result.pop("app", {"error": "not measured (--services-only)"})
    if "error" in app:
        result["rss_peak_mib"] = None
        result["app_error"] = app["error"]
    else:
        result["rss_peak_mib"] = app["rss_mib"]["peak"]
        result["rss_steps_mib"] = app["rss_mib"]
        timings = app["key_to_title_ms"]
        result["today_after_sign_in_ms"] = timings.get("today")
        result["key_to_title_ms"] = timings
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"  wrote {path}")


def count_rows(services: Services) -> int:
    """Rows in every table of the store (the issue's "at least 1,000,000 rows")."""
    from sqlalchemy import func, select

    from sro_tui.store.models import Base

    total = 0
    with services.db.read() as session:
        for table in Base.metadata.sorted_tables:
            total += session.scalar(select(func.count()).select_from(table)) or 0
    return total


if __name__ == "__main__":
    sys.exit(main())
