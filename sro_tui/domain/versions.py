"""Version checks: every editable record carries a version that each change moves on; a
change names the version it was made against, and one made against an older version is
refused as "saved elsewhere" (another terminal changed the record meanwhile) instead of
overwriting that change unseen."""

from __future__ import annotations

from .errors import Conflict

__all__ = ["require_version"]


def require_version(expected: int | None, current: int, what: str) -> None:
    """Refuse a change made against ``expected`` when the record is at ``current``.
    ``expected`` None: the caller named no version (a command-line change made on the spot)."""
    if expected is not None and expected != current:
        raise Conflict(
            f"This {what} was saved elsewhere since you opened it; "
            "reopen it to see the changes (what you typed is kept)",
            field="version",
        )
