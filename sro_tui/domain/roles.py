"""An officer's role. Apart from the other vocabularies (``domain.enums``, which re-exports
it): the actor needs it on the sign-in path, before anything else is imported (issue 16)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
