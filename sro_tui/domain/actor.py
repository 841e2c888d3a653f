"""Who a service call runs for (:class:`Actor`), and the account rules a session checks.

Plain Python, no pydantic: the sign-in screen and the app shell need the actor before
anything else is imported (issue 16). :mod:`sro_tui.domain.officers` re-exports these beside
the officer records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import PermissionDenied
from .roles import Role


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
