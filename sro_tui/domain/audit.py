"""Audit events: who did what to which record, when, from where, with what outcome."""

from __future__ import annotations

from datetime import datetime

from .base import ReadSchema
from .enums import AuditOutcome


class AuditEventRead(ReadSchema):
    id: int
    at: datetime
    officer_id: int | None
    badge: str
    action: str
    record_type: str
    record_id: str
    outcome: AuditOutcome
    detail: str
    terminal: str
    hash: str
