"""Build every service for one store. The UI and the CLI both start here.

Each area's service is built on first use, so opening the login screen does not import
the reporting or search code.
"""

from __future__ import annotations

import os
import socket
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..domain.errors import StoreUnavailable
from ..domain.officers import SYSTEM_ACTOR
from ..store import migrate
from ..store.db import Database
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext, utc_now
from .reference import seed_reference

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from .backup import BackupService
    from .checklist import ChecklistService
    from .demo import DemoSeeder
    from .drafts import DraftService
    from .export import ExportService
    from .incidents import IncidentService
    from .notes import NoteService
    from .officers import OfficerService
    from .reference import ReferenceService
    from .referrals import ReferralService
    from .reports import ReportService
    from .search import SearchService
    from .security import SecurityService
    from .store_settings import SettingsService
    from .students import StudentService

AUDIT_KEY_BYTES = 32


def load_or_create_key(path: Path) -> bytes:
    """The audit chain's HMAC key: 32 random bytes in a file only its owner can read."""
    if path.exists():
        key = path.read_bytes()
        if len(key) < AUDIT_KEY_BYTES:
            raise StoreUnavailable(f"The audit key file {path} is damaged (too short)")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(AUDIT_KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def _lazy(module: str, name: str) -> Callable[[Services], Any]:
    def build(self: Services) -> Any:
        from importlib import import_module

        cls = getattr(import_module(f"{__package__}.{module}"), name)
        return cls(self.ctx, self.audit)

    build.__name__ = module
    return build


class Services:
    """All services over one store, sharing one context and one audit trail."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.audit = AuditTrail(ctx)

    @property
    def db(self) -> Database:
        return self.ctx.db

    officers: OfficerService = cached_property(_lazy("officers", "OfficerService"))  # type: ignore[assignment]
    reference: ReferenceService = cached_property(_lazy("reference", "ReferenceService"))  # type: ignore[assignment]
    settings: SettingsService = cached_property(_lazy("store_settings", "SettingsService"))  # type: ignore[assignment]
    checklist: ChecklistService = cached_property(_lazy("checklist", "ChecklistService"))  # type: ignore[assignment]
    incidents: IncidentService = cached_property(_lazy("incidents", "IncidentService"))  # type: ignore[assignment]
    drafts: DraftService = cached_property(_lazy("drafts", "DraftService"))  # type: ignore[assignment]
    students: StudentService = cached_property(_lazy("students", "StudentService"))  # type: ignore[assignment]
    notes: NoteService = cached_property(_lazy("notes", "NoteService"))  # type: ignore[assignment]
    referrals: ReferralService = cached_property(_lazy("referrals", "ReferralService"))  # type: ignore[assignment]
    reports: ReportService = cached_property(_lazy("reports", "ReportService"))  # type: ignore[assignment]
    search: SearchService = cached_property(_lazy("search", "SearchService"))  # type: ignore[assignment]
    export: ExportService = cached_property(_lazy("export", "ExportService"))  # type: ignore[assignment]
    backup: BackupService = cached_property(_lazy("backup", "BackupService"))  # type: ignore[assignment]
    demo: DemoSeeder = cached_property(_lazy("demo", "DemoSeeder"))  # type: ignore[assignment]
    security: SecurityService = cached_property(_lazy("security", "SecurityService"))  # type: ignore[assignment]

    def is_demo(self) -> bool:
        with self.db.read() as session:
            return store_settings.get_flag(session, store_settings.DEMO)

    def close(self) -> None:
        self.audit.close()  # a last checkpoint of what this process appended
        self.db.dispose()


def prepare_store(db: Database) -> None:
    """Create or upgrade the schema and add any missing reference data (idempotent)."""
    migrate.upgrade(db)
    with db.write() as session:
        if not db.is_sqlite:
            # Terminals opening a new store together add the reference data once (SQLite's
            # write transaction is already exclusive).
            from sqlalchemy import text

            session.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": migrate.MIGRATION_ADVISORY_LOCK}
            )
        seed_reference(session)


def build_services(
    db: Database,
    *,
    audit_key: bytes,
    timezone: str = "America/Los_Angeles",
    clock: Callable[[], datetime] = utc_now,
    terminal: str | None = None,
) -> Services:
    ctx = ServiceContext(
        db=db,
        audit_key=audit_key,
        tz=ZoneInfo(timezone),
        clock=clock,
        terminal=terminal or socket.gethostname()[:100],
    )
    return Services(ctx)


__all__ = ["SYSTEM_ACTOR", "Services", "build_services", "load_or_create_key", "prepare_store"]
