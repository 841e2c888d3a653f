"""Officers, their roles and what a signed-in officer (the actor) may do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, Field

from .base import ReadSchema, Schema
from .enums import Role
from .errors import PermissionDenied
from .text import RequiredName

BADGE_PATTERN = re.compile(r"^[A-Za-z0-9]{1,10}$")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def normalise_badge(value: str) -> str:
    badge = value.strip().upper()
    if not BADGE_PATTERN.match(badge):
        raise ValueError("must be 1 to 10 letters or digits")
    return badge


Badge = Annotated[str, AfterValidator(normalise_badge)]


class OfficerCreate(Schema):
    badge: Badge = Field(title="Badge")
    name: RequiredName = Field(title="Name")
    role: Role = Field(default=Role.OFFICER, title="Role")
    school_ids: list[int] = Field(default_factory=list, title="Schools")


class OfficerUpdate(Schema):
    name: RequiredName | None = Field(default=None, title="Name")
    role: Role | None = Field(default=None, title="Role")
    school_ids: list[int] | None = Field(default=None, title="Schools")


class OfficerRead(ReadSchema):
    id: int
    badge: str
    name: str
    role: Role
    active: bool
    locked: bool = False
    mfa_enabled: bool = False
    school_ids: tuple[int, ...] = ()
    created_at: datetime


@dataclass(frozen=True)
class Actor:
    """The officer on whose behalf a service call runs. Built only by a successful sign-in
    (or by the CLI's local-administration path, which records itself as such)."""

    officer_id: int | None
    badge: str
    name: str
    role: Role
    school_ids: tuple[int, ...] = ()
    terminal: str = "local"
    # Signed in with a one-time password an administrator set: nothing but changing it.
    password_must_change: bool = False
    # When the password was last given (sign-in or unlock): CJIS asks for it again 12 h on.
    signed_in_at: datetime | None = None

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class AccountChanged(PermissionDenied):
    """The signed-in officer's account changed since the sign-in (disabled, another role,
    other schools, a password reset): the session ends and the officer signs in again."""


class PasswordChangeRequired(PermissionDenied):
    """Signed in with a one-time password: it must be changed before anything else."""


PASSWORD_CHANGE_REQUIRED = (
    "Your password is a one-time password from an administrator: change it before anything else "
    "(in the app, or `sro officer passwd BADGE --as BADGE`)"
)


def rights_changed(actor: Actor, *, active: bool, role: str, school_ids: tuple[int, ...]) -> str:
    """What changed in the account since ``actor`` signed in ("" when nothing did)."""
    if not active:
        return "Your account was disabled; ask an administrator"
    if role != actor.role.value or tuple(sorted(school_ids)) != tuple(sorted(actor.school_ids)):
        return "Your account was changed (role or schools); sign in again"
    return ""


PASSWORD_AGAIN_AFTER = timedelta(hours=12)
"""CJIS Security Policy: a session asks for the password again at least every 12 hours."""


def password_again_due(actor: Actor, now: datetime) -> bool:
    """Has the session run 12 hours since the officer last gave their password?"""
    return actor.signed_in_at is not None and now - actor.signed_in_at >= PASSWORD_AGAIN_AFTER


# The CLI acting on the machine's own store, e.g. `sro init` or creating the first admin.
SYSTEM_ACTOR = Actor(officer_id=None, badge="SYSTEM", name="Local administration", role=Role.ADMIN)


def password_problem(password: str, banned: frozenset[str] = frozenset()) -> str | None:
    """Why a new password is refused, or None. CJIS: length, a banned list, no complexity rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Password must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Password must be at most {MAX_PASSWORD_LENGTH} characters"
    if password.lower() in banned:
        return "That password is on the list of common passwords; choose another"
    if any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for c in password):
        return "Password contains a character that cannot be typed at sign-in"
    return None
