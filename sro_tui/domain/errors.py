"""Errors the services raise. Each carries a message written for an officer.

The UI and the CLI show ``str(error)`` as it is; ``field`` names the form field at fault
where there is one, so a screen can put the message under that field.
"""

from __future__ import annotations


class SroError(Exception):
    """Base of every error meant to be shown to a user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(SroError):
    """The record does not exist (or the user may not know it exists)."""


class PermissionDenied(SroError):
    """The signed-in officer may not do this."""


class InvalidTransition(SroError):
    """A status change the workflow does not allow."""


class RecordLocked(SroError):
    """An approved record cannot be edited; corrections are supplements."""


class Conflict(SroError):
    """A unique value is taken, or someone else changed the record first."""


class AuthenticationFailed(SroError):
    """Wrong badge or password, or the account is locked or disabled."""


class StoreUnreachable(SroError):
    """The store cannot be read or written: locked, read-only, full, damaged or unreachable."""
