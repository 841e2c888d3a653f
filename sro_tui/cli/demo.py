"""`sro seed-demo` (fill a new store with fictional data) and `sro demo` (open the app on one)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from ..bootstrap import open_store
from ..config import Settings, demo_store_path
from ..domain.errors import SroError
from ..domain.officers import SYSTEM_ACTOR
from ..services.demo import DEMO_LOGINS, DEMO_PASSWORD, MAX_SCALE
from ..services.registry import Services
from .app import open_app, require_terminal
from .common import open_from, settings_from
from .inputs import whole_number

_scale = whole_number(1, MAX_SCALE)


def register(subparsers: argparse._SubParsersAction) -> None:
    seed = subparsers.add_parser(
        "seed-demo",
        help="fill a new store with a fictional department's school year (demo logins: "
        "1001 officer, 2001 supervisor, 3001 admin; password demo)",
    )
    seed.add_argument(
        "--scale",
        type=_scale,
        default=1,
        metavar="N",
        help="multiply the department and its records by N (1: a few thousand rows; "
        "100: about a million)",
    )
    seed.set_defaults(func=cmd_seed_demo)

    demo = subparsers.add_parser(
        "demo",
        help="open the app on the demo store (made and seeded on first use; "
        "--db names another store)",
    )
    demo.add_argument("--scale", type=_scale, default=1, metavar="N", help="scale of a new demo")
    demo.add_argument(
        "--fresh",
        action="store_true",
        help="delete the demo store first and seed a new one dated today",
    )
    demo.set_defaults(func=cmd_demo)


class ProgressLine:
    """Seeding progress on stderr: one updating line on a terminal, one line per phase else."""

    def __init__(self, stream: TextIO, heading: str = "") -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.heading = heading

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self.heading:
            # Written with the first progress, so a refusal is the only line on stderr.
            print(self.heading, file=self.stream)
            self.heading = ""
        if self.tty:
            end = "\n" if done >= total else ""
            self.stream.write(f"\r  {phase:<10} {done:>9,}/{total:,}\x1b[K{end}")
            self.stream.flush()
        elif done >= total:
            print(f"  {phase}: {total:,}", file=self.stream)


def print_logins(stream: TextIO | None = None) -> None:
    out = stream or sys.stdout
    print(f"Demo logins (password: {DEMO_PASSWORD}):", file=out)
    for badge, role, what in DEMO_LOGINS:
        print(f"  badge {badge}  {role:<10}  {what}", file=out)


def _seed(services: Services, scale: int) -> dict[str, int]:
    heading = f"Seeding demo data into {services.db.description} (scale {scale})"
    started = time.monotonic()
    counts = services.demo.seed(
        SYSTEM_ACTOR, scale=scale, progress=ProgressLine(sys.stderr, heading)
    )
    elapsed = time.monotonic() - started
    print(f"Seeded {sum(counts.values()):,} rows in {elapsed:.1f} s", file=sys.stderr)
    return counts


def cmd_seed_demo(args: argparse.Namespace) -> int:
    store = open_from(args, create=True)
    try:
        counts = _seed(store.services, args.scale)
        print(f"Demo store ready: {store.services.db.description}")
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            print(f"  {name:<{width}}  {count:>9,}")
        print(f"  {'total':<{width}}  {sum(counts.values()):>9,}")
        print_logins()
    finally:
        store.close()
    return 0


def demo_settings(args: argparse.Namespace) -> Settings:
    """The settings of a demo run: --db if given, else the demo store in the data folder
    (never $SRO_DATABASE_URL: that is the agency's real store)."""
    settings = settings_from(args)
    if not getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": str(demo_store_path())})
    return settings


def _remove_demo_file(settings: Settings) -> None:
    """--fresh: delete a SQLite demo store (and its WAL files), after checking it is one."""
    path = Path(settings.store_location())
    if "://" in settings.store_location() or not path.exists():
        if "://" in settings.store_location():
            raise SroError("--fresh works on a SQLite demo file only")
        return
    store = open_store(settings, create=False)
    try:
        if not store.services.is_demo() and store.services.officers.count():
            raise SroError(f"{path} is not a demo store; it was left alone")
    finally:
        store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def cmd_demo(args: argparse.Namespace) -> int:
    require_terminal()  # before making or seeding anything
    settings = demo_settings(args)
    if args.fresh:
        _remove_demo_file(settings)
    store = open_store(settings, create=True)
    try:
        services = store.services
        if services.officers.count() == 0:
            _seed(services, args.scale)
        elif not services.is_demo():
            raise SroError(
                f"{services.db.description} is not a demo store; `sro demo` opens demo stores "
                "only (use `sro --db ...` for a real one)"
            )
    finally:
        store.close()
    print(f"Demo store: {settings.store_location()}")
    print_logins()
    sys.stdout.flush()
    return open_app(settings)
