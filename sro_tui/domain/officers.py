"""Officers, their roles and what a signed-in officer (the actor) may do."""

from __future__ import annotations

import re
from collections.abc import Container
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from .actor import (
    PASSWORD_AGAIN_AFTER,
    PASSWORD_CHANGE_REQUIRED,
    SYSTEM_ACTOR,
    AccountChanged,
    Actor,
    PasswordChangeRequired,
    password_again_due,
    rights_changed,
)
from .base import ReadSchema, Schema
from .enums import Role
from .text import RequiredName

__all__ = [
    "PASSWORD_AGAIN_AFTER",
    "PASSWORD_CHANGE_REQUIRED",
    "SYSTEM_ACTOR",
    "AccountChanged",
    "Actor",
    "PasswordChangeRequired",
    "password_again_due",
    "rights_changed",
]

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


def password_problem(password: str, banned: Container[str] = frozenset()) -> str | None:
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
