"""What the app says about its store, and reads from it, while it opens it: one line for a
store that cannot be opened (the sign-in screen, the first administrator's screen, a password
change), and the agency's idle-lock minutes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.errors import SroError

if TYPE_CHECKING:
    from ..services.registry import Services

__all__ = ["idle_minutes", "store_problem"]


def idle_minutes(services: Services, terminal_minutes: int) -> int:
    """The agency's idle-lock minutes from the store, else this terminal's setting (both at
    most 30, CJIS); read off the UI thread."""
    from ..domain.agency import IDLE_LOCK_MINUTES, SETTINGS

    stored = services.settings.stored(IDLE_LOCK_MINUTES)
    if stored:
        try:
            return int(SETTINGS[IDLE_LOCK_MINUTES].check(stored))
        except ValueError:
            pass  # a value edited outside sro-tui: this terminal's own applies
    return terminal_minutes


def store_problem(exc: BaseException) -> str:
    """One line about a store that cannot be opened, for the sign-in screen."""
    if isinstance(exc, SroError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "(Background on this error" in text:
        text = text.split("(Background on this error")[0].strip()
    return f"The store cannot be opened: {text[:200]}"
