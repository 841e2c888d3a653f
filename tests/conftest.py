"""Shared fixtures: a fresh real store per test (SQLite file always; PostgreSQL too when
SRO_TEST_DATABASE_URL is set), a clock the test controls, and signed-in actors."""

from __future__ import annotations

import io
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sro_tui.domain.officers import SYSTEM_ACTOR, Actor, OfficerCreate
from sro_tui.services import passwords
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database

from .stores import PostgresStores, build_sqlite_template, copy_sqlite_store

# Hypothesis: a quick look while developing, a wider search in CI (`.ci/run` sets `ci`).
settings.register_profile(
    "dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile(os.environ.get("SRO_HYPOTHESIS_PROFILE", "dev"))

PG_URL = os.environ.get("SRO_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
TEST_AUDIT_KEY = b"test-audit-key-0123456789abcdef!"
TEST_PASSWORD = "correct horse battery"


# argon2id as the app configures it costs tens of ms a hash (7 MiB, 5 passes): hundreds of
# test officers would spend minutes in it. Tests hash with the same algorithm at the lowest
# cost; test_password_hashing.py checks the production parameters themselves.
PRODUCTION_HASHER = passwords.HASHER
# A developer's own keymap (~/.config/sro-tui/keymap.toml) must not change the keys the tests
# press: the app reads this file, which no test creates unless it means to.
os.environ["SRO_KEYMAP_FILE"] = str(Path(__file__).parent / "no-such-keymap.toml")

TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "HASHER", TEST_HASHER)
        patch.setattr(passwords, "_DUMMY_HASH", TEST_HASHER.hash("only for timing"))
        yield


class Clock:
    """A clock the test moves by hand. Starts on a school day morning (Pacific time)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 9, 14, 15, 30, tzinfo=UTC)  # 08:30 in Ventura

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """Where a test's SQLite store lives (nothing there until a fixture or the test makes it)."""
    return str(tmp_path / "store.db")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated and seeded SQLite store per test process, copied by each test."""
    return build_sqlite_template(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture(scope="session")
def pg_stores() -> Iterator[PostgresStores]:
    if not PG_URL:
        pytest.skip("SRO_TEST_DATABASE_URL is not set")
    stores = PostgresStores(PG_URL)
    try:
        yield stores
    finally:
        stores.close()


def _pg_database(request: pytest.FixtureRequest, *, prepared: bool) -> Iterator[str]:
    stores: PostgresStores = request.getfixturevalue("pg_stores")
    name = stores.new_database(prepared=prepared)
    try:
        yield stores.url(name)
    finally:
        stores.drop(name)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh empty schema on the test PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("SRO_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg")
        .update_query_dict({"options": f"-csearch_path={schema}"})
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new store as `sro init` leaves it (migrated, reference data), on every backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        yield str(copy_sqlite_store(template, tmp_path / "store.db"))
    else:
        yield from _pg_database(request, prepared=True)


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store with nothing in it yet (no schema), on every backend: for migration tests."""
    if request.param == "sqlite":
        yield str(tmp_path / "empty.db")
    else:
        yield from _pg_database(request, prepared=False)


def _open(url: str) -> Iterator[Database]:
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    yield from _open(db_url)


@pytest.fixture
def empty_db(empty_db_url: str) -> Iterator[Database]:
    yield from _open(empty_db_url)


@pytest.fixture
def services(db: Database, clock: Clock) -> Services:
    """Services over a new store with reference data, on every backend."""
    return build_services(db, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest")


@pytest.fixture
def sqlite_services(sqlite_url: str, sqlite_template: Path, clock: Clock) -> Iterator[Services]:
    """Services over a new SQLite store at ``sqlite_url`` (UI tests, anything SQLite-only)."""
    copy_sqlite_store(sqlite_template, Path(sqlite_url))
    database = Database(sqlite_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest")
    finally:
        database.dispose()


def make_officer(
    services: Services, badge: str, role: str = "officer", school_codes: tuple[str, ...] = ("VHS",)
) -> Actor:
    """Create an officer assigned to the given schools and sign them in."""
    school_ids = [services.reference.school_by_code(code).id for code in school_codes]
    services.officers.create(
        SYSTEM_ACTOR,
        OfficerCreate(badge=badge, name=f"Officer {badge}", role=role, school_ids=school_ids),
        TEST_PASSWORD,
    )
    return services.officers.authenticate(badge, TEST_PASSWORD)


@pytest.fixture
def officer(services: Services) -> Actor:
    return make_officer(services, "1001", "officer")


@pytest.fixture
def other_officer(services: Services) -> Actor:
    return make_officer(services, "1002", "officer")


@pytest.fixture
def supervisor(services: Services) -> Actor:
    return make_officer(services, "2001", "supervisor", ("VHS", "BHS", "PHS", "FTHS"))


@pytest.fixture
def admin(services: Services) -> Actor:
    return make_officer(services, "3001", "admin", ())


# --- the command line ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


class RunCli(Protocol):
    def __call__(self, *argv: str, stdin: str = "") -> CliResult: ...


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep the user's data folder, default store and keys out of the test; the audit key the
    services fixtures sign with is the one the command finds."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    for name in ("SRO_DATABASE_URL", "SRO_SQLCIPHER_KEY_FILE", "SRO_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    key_file = home / "keys" / "audit.key"
    key_file.parent.mkdir()
    key_file.write_bytes(TEST_AUDIT_KEY)
    key_file.chmod(0o600)
    monkeypatch.setenv("SRO_AUDIT_KEY_FILE", str(key_file))
    return home


@pytest.fixture
def run_cli(
    cli_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> RunCli:
    """``run_cli("--db", url, "officer", "list", stdin="...")``: `sro` in this process, as a
    person runs it, with what it printed and its exit code."""
    from sro_tui.cli import main

    def run(*argv: str, stdin: str = "") -> CliResult:
        capsys.readouterr()  # what came before is not this command's
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than there are cores. UI tests spend part of their time
    waiting for the app to go idle; a third worker on two cores fills those gaps."""
    return (os.cpu_count() or 1) + 1


@pytest.fixture
def css_parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times Textual's CSS parser ran, by where the CSS was read from."""
    import textual.css.stylesheet as stylesheet_module

    counted: Counter[str] = Counter()
    parse = stylesheet_module.parse

    def counting(scope: str, css: str, read_from: Any, **kwargs: Any) -> Any:
        counted[str(read_from)] += 1
        return parse(scope, css, read_from, **kwargs)

    monkeypatch.setattr(stylesheet_module, "parse", counting)
    return counted
