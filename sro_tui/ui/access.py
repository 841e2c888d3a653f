"""Typed access from a screen (or a widget) to the app it runs in and to the signed-in session.

Textual types ``self.app`` as a plain ``App``. Every screen of sro-tui runs inside
:class:`~sro_tui.ui.app.SroApp` (UI tests stand in a small host app with the same
attributes), so the two mixins here say so, once, for every screen that needs it:

* :class:`SroAccess` gives ``self.sro``, the app as an ``SroApp`` (its session may not have
  started: the sign-in, lock and school-pick screens look at ``sro.actor`` themselves);
* :class:`SessionAccess` adds ``self.services``, ``self.actor``, ``self.session_school`` and
  ``self.now()`` for the screens behind the sign-in, where the store is open and an officer
  is signed in.

They are mixed in before the Textual base (``class X(SessionAccess, Screen[None])``). For the
type checker they are widgets, so their methods see ``self.app``, ``self.notify`` and the
rest; at run time they are plain classes and add nothing to the widget tree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, cast
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from textual.app import App
from textual.worker import Worker, WorkerState

from .unexpected import unexpected

if TYPE_CHECKING:
    from textual.widget import Widget

    from ..domain.actor import Actor
    from ..domain.schools import SchoolRead
    from ..services.registry import Services
    from .app import SroApp

    _Node = Widget
else:
    _Node = object

__all__ = ["SessionAccess", "SroAccess", "agency_now", "agency_today", "agency_tz"]


class SroAccess(_Node):
    """``self.sro``: the running app, typed."""

    @property
    def sro(self) -> SroApp:
        return cast("SroApp", self.app)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A background task that failed without a plan (one that does not stop the app) says
        so once, instead of leaving the screen waiting for a result that never comes."""
        error = event.worker.error
        if event.state is WorkerState.ERROR and not event.worker.exit_on_error and error:
            problem = unexpected(error, "That did not finish", "Nothing typed is lost.")
            self.notify(problem.message, severity="error", timeout=10, markup=False)


class SessionAccess(SroAccess):
    """``self.services`` and ``self.actor``: the open store and the signed-in officer."""

    @property
    def services(self) -> Services:
        """The store's services, each call re-checking the signed-in officer's account
        (services.security.RightsChecked): a refusal ends the session (screens.login)."""
        services = self.sro.services
        assert services is not None, "a screen behind the sign-in runs with the store open"
        return checked_services(self.app, services)

    @property
    def actor(self) -> Actor:
        actor = self.sro.actor
        assert actor is not None, "a screen behind the sign-in runs with an officer signed in"
        return actor

    @property
    def session_school(self) -> SchoolRead | None:
        """Today's school, picked after the sign-in (None only before it is picked). Not
        ``school``: forms name their school field so."""
        return self.sro.school

    def now(self) -> datetime:
        """Now (aware UTC) from the app's clock: the tests move it."""
        return self.sro.now()


_CHECKED: WeakKeyDictionary[App[object], tuple[Services, Services]] = WeakKeyDictionary()


def checked_services(app: App[object], services: Services) -> Services:
    """``services`` behind :class:`~sro_tui.services.security.RightsChecked` (one per app and
    store), typed as the services they stand for."""
    cached = _CHECKED.get(app)
    if cached is not None and cached[0] is services:
        return cached[1]
    from ..services.security import RightsChecked

    def changed(exc: Exception) -> None:
        from .screens.login import end_session

        try:
            app.call_from_thread(end_session, app, str(exc))
        except RuntimeError:  # already on the app's thread
            end_session(app, str(exc))

    checked = cast("Services", RightsChecked(services, on_changed=changed))
    _CHECKED[app] = (services, checked)
    return checked


# The agency's clock for a field widget (times, days), from the store's context when the app
# has one. Field widgets also run in small test apps without a session, hence the lookup.


def _services(app: App[object]) -> Services | None:
    return cast("Services | None", getattr(app, "services", None))


def agency_tz(app: App[object]) -> ZoneInfo:
    services = _services(app)
    return services.ctx.tz if services is not None else ZoneInfo("UTC")


def agency_now(app: App[object]) -> datetime:
    services = _services(app)
    return services.ctx.now() if services is not None else datetime.now(UTC)


def agency_today(app: App[object]) -> date:
    services = _services(app)
    return services.ctx.today() if services is not None else date.today()
