"""An error nobody planned for, turned into one line an officer can act on.

The line names only the kind of error: its text may quote record content (a driver's message
can carry the values it was given). The full traceback goes to the developer log, without
local variables.
"""

from __future__ import annotations

import logging
import traceback

from ..domain.errors import SroError

log = logging.getLogger("sro_tui")


class UnexpectedError(SroError):
    """Something went wrong that the services did not refuse on purpose."""


KEPT = "Everything you typed is still here: try again, or press Esc to keep it as a draft."


def unexpected(exc: BaseException, doing: str, advice: str = KEPT) -> UnexpectedError:
    """``doing`` is what failed, e.g. "Not saved"; ``advice`` what the officer can do now."""
    log.error("%s: %s", doing, "".join(traceback.format_exception(exc)).rstrip())
    return UnexpectedError(f"{doing}: an unexpected error ({type(exc).__name__}). {advice}")
