"""Live refresh (issue 13 item 9): open lists follow other terminals' changes within ~2 s.

Once a second (:data:`LIVE_SECONDS`) a thread worker asks the store's change watcher
(``Database.changes()``: SQLite ``PRAGMA data_version``, PostgreSQL LISTEN/NOTIFY) which kinds
of record other terminals changed, and appends any audited reads still waiting for the write
lock. When something changed, the screen on top hears :class:`StoreChanged`: a list
(:class:`~sro_tui.ui.widgets.paged.PagedList`) or Today showing that kind reloads in its own
worker, keeping the cursor on the record it was on; focus and anything typed stay as they are.
Nothing here runs a store call on the UI thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.message import Message

from ..domain.changes import EVERYTHING

if TYPE_CHECKING:
    from ..services.registry import Services
    from .app import SroApp

__all__ = ["LIVE_SECONDS", "LiveRefresh", "StoreChanged"]

log = logging.getLogger(__name__)

LIVE_SECONDS = 1.0
"""How often the watcher is asked (a change shows within about twice this)."""


class StoreChanged(Message):
    """Other terminals changed records of ``kinds`` (record types; ``*``: anything)."""

    def __init__(self, kinds: frozenset[str]) -> None:
        super().__init__()
        self.kinds = kinds

    def concerns(self, wanted: Iterable[str]) -> bool:
        """Whether a screen showing records of ``wanted`` kinds should reload."""
        return EVERYTHING in self.kinds or not self.kinds.isdisjoint(wanted)


class LiveRefresh:
    """The app's once-a-second look at the store (started by the app at mount)."""

    def __init__(self, app: SroApp) -> None:
        self.app = app
        self.checking = False

    def start(self) -> None:
        self.app.set_interval(LIVE_SECONDS, self.tick, name="live refresh")

    def tick(self) -> None:
        """UI thread: start one check, unless one is still running or the store is not open.
        The watch starts with the store, before anyone signs in: started at sign-in, a change
        made elsewhere before its first look would have been its starting point, never news
        (a report submitted as the supervisor's Today drew stayed unseen)."""
        services = self.app.services
        if self.checking or services is None:
            return
        self.checking = True
        self.app.run_worker(
            lambda: self._check(services),
            thread=True,
            group="live-refresh",
            name="live refresh",
            exit_on_error=False,
        )

    def _check(self, services: Services) -> None:
        """Worker thread: what changed elsewhere; waiting read events appended."""
        kinds: set[str] = set()
        try:
            kinds = services.db.changes().poll()
            services.audit.flush_pending()
        except Exception as exc:  # never in the officer's way: the next tick tries again
            log.info("live refresh check failed: %s", type(exc).__name__)
        finally:
            with contextlib.suppress(Exception):  # the app may be closing
                self.app.call_from_thread(self._checked, frozenset(kinds))

    def _checked(self, kinds: frozenset[str]) -> None:
        self.checking = False
        if kinds and self.app.actor is not None:
            self.app.screen.post_message(StoreChanged(kinds))
