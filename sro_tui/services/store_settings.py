"""Agency settings kept in the store, the same on every terminal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.enums import AuditOutcome
from ..domain.errors import PermissionDenied
from ..domain.officers import Actor
from ..store.models import Setting
from .audit import AuditTrail
from .context import ServiceContext

DEMO = "demo_store"
SUPERVISORS_READ_CONFIDENTIAL = "supervisors_read_confidential"
LOCKOUT_MINUTES = "lockout_minutes"  # 0: locked until an admin unlocks (CJIS 6.0)
REQUIRE_MFA = "require_mfa"
AGENCY_NAME = "agency_name"

DEFAULTS = {
    DEMO: "0",
    SUPERVISORS_READ_CONFIDENTIAL: "0",
    LOCKOUT_MINUTES: "0",
    REQUIRE_MFA: "0",
    AGENCY_NAME: "Ventura Police Department",
}


def get_value(session: Session, key: str) -> str:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    return value if value is not None else DEFAULTS.get(key, "")


def set_value(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def get_flag(session: Session, key: str) -> bool:
    return get_value(session, key) in {"1", "true", "yes"}


class SettingsService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def get(self, key: str) -> str:
        with self.ctx.db.read() as session:
            return get_value(session, key)

    def flag(self, key: str) -> bool:
        with self.ctx.db.read() as session:
            return get_flag(session, key)

    def set(self, actor: Actor, key: str, value: str) -> None:
        if not actor.is_admin:
            self.audit.record_alone(
                actor,
                "setting.change",
                record_type="setting",
                record_id=key,
                outcome=AuditOutcome.DENIED,
            )
            raise PermissionDenied("Only an administrator can change agency settings")
        with self.ctx.db.write() as session:
            set_value(session, key, value)
            self.audit.record(
                session,
                actor,
                "setting.change",
                record_type="setting",
                record_id=key,
                detail=f"set to {value!r}",
            )
