"""What every service needs: the store, the clock, the agency's time zone, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ..store.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    db: Database
    audit_key: bytes
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("America/Los_Angeles"))
    clock: Callable[[], datetime] = utc_now
    terminal: str = "local"

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        """The agency's calendar day now (a shift at 23:30 local belongs to that day)."""
        return self.clock().astimezone(self.tz).date()

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()
