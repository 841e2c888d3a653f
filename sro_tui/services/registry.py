"""Build every service for one store. The UI and the CLI both start here.

Each area's service is built on first use, so opening the login screen does not import
the reporting or search code.
"""

from __future__ import annotations

import socket
from functools import cached_property
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..domain.officers import SYSTEM_ACTOR
from ..store import migrate
from ..store.db import Database
from . import store_settings
from .audit import AuditTrail
from .audit_keys import load_or_create_key
from .context import ServiceContext, utc_now
from .reference import seed_reference

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from .backup import BackupService
    from .calls import CallService
    from .checklist import ChecklistService
    from .corrections import IncidentCorrections
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
    from .threats import ThreatService
    from .today import TodayService
    from .trespass import TrespassService


class Services:
    """All services over one store, sharing one context and one audit trail."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.audit = AuditTrail(ctx)

    @property
    def db(self) -> Database:
        return self.ctx.db

    # Each service is built (and its module imported) on first use: the sign-in screen needs
    # only the officers' service, and importing every area's code (reports, export, demo)
    # before it would delay the first screen. The imports are plain ones, checked by mypy.
    @cached_property
    def officers(self) -> OfficerService:
        from .officers import OfficerService

        return OfficerService(self.ctx, self.audit)

    @cached_property
    def corrections(self) -> IncidentCorrections:
        from .corrections import IncidentCorrections

        return IncidentCorrections(self.ctx, self.audit)

    @cached_property
    def reference(self) -> ReferenceService:
        from .reference import ReferenceService

        return ReferenceService(self.ctx, self.audit)

    @cached_property
    def settings(self) -> SettingsService:
        from .store_settings import SettingsService

        return SettingsService(self.ctx, self.audit)

    @cached_property
    def checklist(self) -> ChecklistService:
        from .checklist import ChecklistService

        return ChecklistService(self.ctx, self.audit)

    @cached_property
    def incidents(self) -> IncidentService:
        from .incidents import IncidentService

        return IncidentService(self.ctx, self.audit)

    @cached_property
    def drafts(self) -> DraftService:
        from .drafts import DraftService

        return DraftService(self.ctx, self.audit)

    @cached_property
    def students(self) -> StudentService:
        from .students import StudentService

        return StudentService(self.ctx, self.audit)

    @cached_property
    def notes(self) -> NoteService:
        from .notes import NoteService

        return NoteService(self.ctx, self.audit)

    @cached_property
    def referrals(self) -> ReferralService:
        from .referrals import ReferralService

        return ReferralService(self.ctx, self.audit)

    @cached_property
    def trespass(self) -> TrespassService:
        from .trespass import TrespassService

        return TrespassService(self.ctx, self.audit, incidents=self.incidents)

    @cached_property
    def calls(self) -> CallService:
        from .calls import CallService

        return CallService(self.ctx, self.audit, incidents=self.incidents)

    @cached_property
    def threats(self) -> ThreatService:
        from .threats import ThreatService

        return ThreatService(self.ctx, self.audit)

    @cached_property
    def today(self) -> TodayService:
        from .today import TodayService

        return TodayService(
            self.ctx,
            self.audit,
            checklist=self.checklist,
            incidents=self.incidents,
            referrals=self.referrals,
            notes=self.notes,
            threats=self.threats,
        )

    @cached_property
    def reports(self) -> ReportService:
        from .reports import ReportService

        return ReportService(self.ctx, self.audit)

    @cached_property
    def search(self) -> SearchService:
        from .search import SearchService

        return SearchService(self.ctx, self.audit)

    @cached_property
    def export(self) -> ExportService:
        from .export import ExportService

        return ExportService(self.ctx, self.audit)

    @cached_property
    def backup(self) -> BackupService:
        from .backup import BackupService

        return BackupService(self.ctx, self.audit)

    @cached_property
    def demo(self) -> DemoSeeder:
        from .demo import DemoSeeder

        return DemoSeeder(self.ctx, self.audit)

    @cached_property
    def security(self) -> SecurityService:
        from .security import SecurityService

        return SecurityService(self.ctx, self.audit)

    def is_demo(self) -> bool:
        with self.db.read() as session:
            return store_settings.get_flag(session, store_settings.DEMO)

    def close(self) -> None:
        self.audit.close()  # a last checkpoint of what this process appended
        self.db.dispose()


def prepare_store(db: Database, *, sample_schools: bool = False) -> None:
    """Create or upgrade the schema and add any missing reference data (idempotent); the
    sample high schools only with ``sample_schools`` (the tests' stores)."""
    migrate.upgrade(db)
    with db.write() as session:
        if not db.is_sqlite:
            # Terminals opening a new store together add the reference data once (SQLite's
            # write transaction is already exclusive).
            from sqlalchemy import text

            session.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": migrate.MIGRATION_ADVISORY_LOCK}
            )
        seed_reference(session, sample_schools=sample_schools)


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
