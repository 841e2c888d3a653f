"""Agency settings kept in the store, the same on every terminal.

The ones an administrator changes (``sro settings set``, the Administration area) are
described in :mod:`sro_tui.domain.agency`; a change is checked there and audited here with
its old and new value. The others (the demo flag, the audit key's fingerprint, MFA required)
are set by their own commands.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import agency
from ..domain.agency import SETTINGS, SettingValue, setting_spec
from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import NotFound, PermissionDenied, SroError
from ..domain.officers import Actor
from ..store.models import Setting
from .audit import AuditTrail
from .context import ServiceContext

DEMO = "demo_store"
SUPERVISORS_READ_CONFIDENTIAL = agency.SUPERVISORS_READ_CONFIDENTIAL
LOCKOUT_MINUTES = agency.LOCKOUT_MINUTES  # 0: locked until an admin unlocks (CJIS 6.0)
REQUIRE_MFA = "require_mfa"
AGENCY_NAME = agency.AGENCY_NAME
TIMEZONE = agency.TIMEZONE
IDLE_LOCK_MINUTES = agency.IDLE_LOCK_MINUTES

DEFAULTS = {
    DEMO: "0",
    SUPERVISORS_READ_CONFIDENTIAL: "0",
    LOCKOUT_MINUTES: "0",
    REQUIRE_MFA: "0",
    AGENCY_NAME: "",
    agency.RETENTION_INCIDENT_YEARS: "5",  # services/retention.py says why
    agency.RETENTION_NOTE_YEARS: "3",
    agency.RETENTION_REFERRAL_YEARS: "3",
    agency.RETENTION_TRESPASS_YEARS: "3",
    agency.RETENTION_CALL_YEARS: "3",
    agency.TRESPASS_NOTICE_DAYS: "30,365",
}
"""A store with no value for a key uses this. Time zone and idle lock have none: each
terminal's own setting (SRO_TIMEZONE, SRO_IDLE_LOCK_MINUTES) applies until the store has one."""


def stored_value(session: Session, key: str) -> str | None:
    value: str | None = session.scalar(select(Setting.value).where(Setting.key == key))
    return value


def get_value(session: Session, key: str) -> str:
    value = stored_value(session, key)
    return value if value is not None else DEFAULTS.get(key, "")


def set_value(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def get_flag(session: Session, key: str) -> bool:
    return get_value(session, key) in {"1", "true", "yes"}


def agency_name(session: Session) -> str:
    """The agency's name as reports print it (says so when nobody has set it yet)."""
    return get_value(session, AGENCY_NAME) or agency.AGENCY_NAME_UNSET


class SettingsService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def get(self, key: str) -> str:
        with self.ctx.db.read() as session:
            return get_value(session, key)

    def stored(self, key: str) -> str | None:
        with self.ctx.db.read() as session:
            return stored_value(session, key)

    def flag(self, key: str) -> bool:
        with self.ctx.db.read() as session:
            return get_flag(session, key)

    def agency_settings(self) -> list[SettingValue]:
        """Every setting an administrator may change, with its value in force."""
        with self.ctx.db.read() as session:
            rows = {k: v for k, v in session.execute(select(Setting.key, Setting.value))}
        shown: list[SettingValue] = []
        for spec in SETTINGS.values():
            stored = rows.get(spec.key)
            value = stored if stored is not None else DEFAULTS.get(spec.key, "")
            if stored is None and spec.key == TIMEZONE:
                value = self.ctx.tz.key
            shown.append(
                SettingValue(
                    key=spec.key,
                    title=spec.title,
                    value=spec.shown(value),
                    help=spec.help,
                    stored=stored is not None,
                    unset=spec.unset,
                )
            )
        return shown

    def change(self, actor: Actor, key: str, typed: str) -> SettingValue:
        """Check and store one agency setting (``sro settings set KEY VALUE``)."""
        try:
            spec = setting_spec(key)
        except KeyError:
            names = ", ".join(SETTINGS)
            raise NotFound(f"No setting {key!r}; the settings are: {names}", field="key") from None
        try:
            value = spec.check(typed)
        except ValueError as exc:
            raise SroError(f"{spec.title} {exc}", field="value") from None
        self.set(actor, spec.key, value)
        if spec.key == TIMEZONE:
            from zoneinfo import ZoneInfo

            self.ctx.tz = ZoneInfo(value)  # this process at once; other terminals at their start
        return next(s for s in self.agency_settings() if s.key == spec.key)

    def set(self, actor: Actor, key: str, value: str) -> None:
        if not actor.is_admin:
            self.audit.record_alone(
                actor,
                "setting.change",
                record_type=RecordType.SETTING,
                record_id=key,
                outcome=AuditOutcome.DENIED,
            )
            raise PermissionDenied("Only an administrator can change agency settings")
        with self.ctx.db.write() as session:
            old = stored_value(session, key)
            set_value(session, key, value)
            before = "(not set)" if old is None else repr(old)
            self.audit.record(
                session,
                actor,
                "setting.change",
                record_type=RecordType.SETTING,
                record_id=key,
                detail=f"{before} -> {value!r}",
            )
