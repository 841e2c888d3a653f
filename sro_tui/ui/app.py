"""The sro-tui app: the session (who is signed in, at which school), navigation between the
areas, the lock, and the store opened off the UI thread.

Screens live in ``ui/screens`` (``navigation.py`` says which shows what), styles in
``app.tcss``. Nothing here opens a database or imports SQLAlchemy at import time: the
sign-in screen draws first, the store opens behind it.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from textual import events, work
from textual.app import App
from textual.binding import BindingType
from textual.screen import Screen

from ..config import Settings, cache_dir
from ..domain.actor import Actor, password_again_due
from ..domain.characters import visible
from ..domain.errors import SroError
from .app_openers import RecordOpeners
from .area_prebuild import PICK_QUIET_SECONDS, QUIET_SECONDS, AreaPrebuild
from .area_returns import AreaReturns
from .gc_freeze import freeze_long_lived
from .keys import app_bindings
from .live import LiveRefresh
from .navigation import (
    AREA_SCREENS,
    admin_screen,
    load_area_css,
    preload,
    threat_cases_screen,
)
from .parsed_css import ParsedCssFile
from .screens.login import LoginScreen
from .search_opener import SearchOpener
from .startup import KeptStylesheet, install_keymap_file, sro_commands
from .store_messages import idle_minutes, store_problem
from .themes import UncopiedThemes

# The other screens are imported where they are first shown (static imports in the
# functions), and all at once in a worker once the store is open (navigation.preload): `sro`
# draws the sign-in screen having imported only what it needs (issue 16).

if TYPE_CHECKING:
    # SQLAlchemy stays out of the import: the store opens in a worker behind the sign-in
    # screen (``open_store`` imports ``bootstrap`` there), so the first screen draws at once.
    from textual.command import Provider

    from ..bootstrap import OpenedStore
    from ..domain.schools import SchoolRead
    from ..services.registry import Services

Clock = Callable[[], datetime]

IDLE_CHECK_SECONDS = 5.0
SIGN_IN = "signin"
"""The mode of the sign-in screen (and the first-administrator and school-pick steps)."""


class SroApp(RecordOpeners, SearchOpener, AreaPrebuild, AreaReturns, UncopiedThemes, App[int]):
    """The School Resource Officer's campus log."""

    TITLE = "sro-tui"
    # The sign-in screen's own too: read with the app's, so showing it parses nothing again.
    CSS_PATH = ["app.tcss", "screens/login.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = app_bindings()
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {sro_commands}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        SIGN_IN: LoginScreen,
        **AREA_SCREENS,
    }
    DEFAULT_MODE = SIGN_IN
    # Made ahead while the officer is idle (ui/area_prebuild.py): the slowest first.
    PREBUILT_AREAS = ("incidents", "mentoring", "reports", "students", "referrals", "checklist")

    def __init__(
        self,
        settings: Settings,
        *,
        services: Services | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        # Keeps parsed CSS when Textual refreshes it with the same theme (ui/startup.py).
        self.stylesheet = self._kept_stylesheet = KeptStylesheet(variables=self.get_css_variables())
        self.parsed_css: ParsedCssFile | None = None
        """Rule sets parsed in earlier runs (``run``; tests leave it None)."""
        self.settings = settings
        self.services: Services | None = services
        self.actor: Actor | None = None
        self.school: SchoolRead | None = None
        self.demo = False
        self.store_error: str | None = None
        # `sro` in a terminal (run): a store that cannot be opened ends the app, exit code 2.
        self.exit_on_store_error = False
        self.officer_count: int | None = None
        self._clock = clock
        self._opened: OpenedStore | None = None
        # The store's idle-lock minutes (`sro settings set idle_lock_minutes`) once it is open.
        self.idle_lock_minutes = settings.idle_lock_minutes
        self._last_activity = self.now()
        self.locked = False
        # `sro` (run) turns the garbage collector off while it starts; on after the first frame.
        self.collect_after_first_frame = False

    # -- time ------------------------------------------------------------------------------------

    def now(self) -> datetime:
        """Now (aware UTC) from the app's clock: the test's clock, else the store's."""
        if self._clock is not None:
            return self._clock()
        if self.services is not None:
            return self.services.ctx.now()
        return datetime.now(UTC)

    @property
    def tz(self) -> ZoneInfo:
        if self.services is not None:
            return self.services.ctx.tz
        return ZoneInfo(self.settings.timezone)

    def local_now(self) -> datetime:
        return self.now().astimezone(self.tz)

    # -- start-up --------------------------------------------------------------------------------

    def keep_parsed_css(self, parsed: ParsedCssFile) -> None:
        """Take parsed CSS from ``parsed`` and keep what this run parses there (before run)."""
        self.parsed_css = self._kept_stylesheet.parsed_file = parsed

    def on_mount(self) -> None:
        install_keymap_file(self, self.settings.keymap_path())  # the department's keys, if any
        self.set_interval(IDLE_CHECK_SECONDS, self.check_idle_lock)
        LiveRefresh(self).start()  # open lists follow other terminals' changes (ui/live.py)
        self.call_after_refresh(self._first_frame_drawn)

    def _first_frame_drawn(self) -> None:
        """The sign-in screen is on the terminal: the collector runs again, and the store
        opens (before the frame, its imports of SQLAlchemy would slow the drawing)."""
        if self.collect_after_first_frame:
            self.collect_after_first_frame = False
            gc.enable()
        self.open_store()

    @work(thread=True, exclusive=True, group="store", name="open store")
    def open_store(self) -> None:
        """Open (create or upgrade) the store and count its officers, off the UI thread."""
        try:
            services = self.services
            if services is None:
                from ..bootstrap import open_store

                self._opened = open_store(self.settings)
                services = self._opened.services
            count = services.officers.count()
            services.db.changes().poll()  # the live watch starts with the store (ui/live.py)
            demo = services.is_demo()
            idle = idle_minutes(services, self.settings.idle_lock_minutes)
        except SroError as exc:
            self.call_from_thread(self._store_failed, str(exc))
            return
        except Exception as exc:  # a damaged file, a refused connection: one line, no traceback
            self.call_from_thread(self._store_failed, store_problem(exc))
            return
        self.call_from_thread(self._store_ready, services, count, demo, idle)
        preload()  # the other screens, while the officer types the badge
        self.call_from_thread(load_area_css, self)  # their styles too, once (issue 16)
        if self.parsed_css is not None:  # and kept for the next start
            self.parsed_css.save()
        self.call_from_thread(freeze_long_lived)  # the modules and styles, out of full GCs

    def _store_ready(self, services: Services, count: int, demo: bool, idle: int) -> None:
        self.services = services
        self.idle_lock_minutes = idle
        self.officer_count = count
        self.demo = demo
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.store_ready()
        if count == 0:
            from .screens.first_admin import FirstAdminScreen

            self.push_screen(FirstAdminScreen(), self._first_admin_done)

    def _store_failed(self, message: str) -> None:
        self.store_error = message
        if self.exit_on_store_error:  # `sro`: the reason goes to stderr, exit code 2 (run)
            self.exit(return_code=2)
            return
        for screen in self.screen_stack:
            if isinstance(screen, LoginScreen):
                screen.store_failed(message)

    def _first_admin_done(self, actor: Actor | None) -> None:
        if actor is not None:
            self.begin_session(actor)

    def _fatal_error(self) -> None:
        """An unexpected crash: Textual's own report prints every frame's local variables,
        which here would be record content (names, narratives) on the terminal or in a
        redirected log. Show the traceback without them (CJIS: no record data in logs)."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    def on_unmount(self) -> None:
        if self._opened is not None:
            self._opened.close()
            self._opened = None

    # -- the session -----------------------------------------------------------------------------

    @property
    def signed_in(self) -> bool:
        return self.actor is not None and self.school is not None

    def begin_session(self, actor: Actor) -> None:
        """After a sign-in: pick today's school, then show Today."""
        self.actor = actor
        self.school = None
        self.touch()
        from .screens.school_pick import SchoolPickScreen

        self.push_screen(SchoolPickScreen(actor), self._school_chosen)
        self._read_agency_settings()
        self._prepare_today(actor)
        self.start_prebuilding()  # the areas are made while the school is picked

    @work(thread=True, group="agency-settings", exit_on_error=False)
    def _read_agency_settings(self) -> None:
        """At each sign-in: the agency's time zone and idle lock as the store has them now
        (an administrator may have changed them on another terminal since this one opened)."""
        if self.services is None:
            return
        from ..bootstrap import use_store_timezone

        use_store_timezone(self.services)
        idle = idle_minutes(self.services, self.settings.idle_lock_minutes)
        self.call_from_thread(setattr, self, "idle_lock_minutes", idle)

    @work(thread=True, group="today-prepare", exit_on_error=False)
    def _prepare_today(self, actor: Actor) -> None:
        """While the school is picked: Today's statements compiled before it first shows
        (``TodayService.prepare``: nothing audited or kept). A failure here is Today's to
        report when it reads."""
        if self.services is None:
            return
        try:
            self.services.today.prepare(actor)
        except Exception:
            return

    def _school_chosen(self, school: SchoolRead | None) -> None:
        if school is None:  # escape on the school pick: back to sign-in
            self.sign_out()
            return
        self.school = school
        self.switch_mode("today")
        self.refresh_bindings()
        self._auto_backup()

    @work(thread=True, group="backup", name="automatic backup", exit_on_error=False)
    def _auto_backup(self) -> None:
        """Today's automatic backup of a SQLite store, once a day, never in the way: a
        failure is a warning; a PostgreSQL store is skipped (the service returns None)."""
        if self.services is None:
            return
        try:
            self.services.backup.auto_backup(at_sign_in=True)
        except Exception as exc:
            message = exc.message if isinstance(exc, SroError) else store_problem(exc)
            self.call_from_thread(
                self.notify,
                visible(f"Today's automatic backup was not made: {message}"),
                severity="warning",
                markup=False,
            )

    async def _drop_areas(self) -> None:
        """Close every area's screens (a new officer starts with fresh ones)."""
        if self.current_mode != SIGN_IN:
            await self.switch_mode(SIGN_IN)
        for mode, screen in AREA_SCREENS.items():
            if mode in self._screen_stacks:
                await self.remove_mode(mode)
                self.add_mode(mode, screen)
        # Back to the sign-in screen at the bottom of the default stack.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LoginScreen):
            await self.pop_screen()
        await self.drop_search()  # the officer's last search with them
        await self.drop_form_ahead()

    @work(exclusive=True, group="session")
    async def sign_out(self) -> None:
        previous = self.actor
        self.clear_notifications()
        # Forms still open write their last draft as they close: the officer is still set.
        await self._drop_areas()
        self.actor = None
        self.school = None
        self.locked = False
        if previous is not None and self.services is not None:
            self._audit(previous, "session.logout")
        if isinstance(self.screen, LoginScreen):
            self.screen.reset(keep_badge=True)
        self.refresh_bindings()

    @work(exclusive=True, group="session")
    async def switch_officer(self, actor: Actor) -> None:
        """Another officer unlocked the screen: the first is signed out (their drafts stay
        in the store), the second starts a session of their own."""
        previous = self.actor
        await self._drop_areas()  # the first officer's open forms keep their drafts
        self.actor = None
        self.school = None
        self.locked = False
        if previous is not None:
            self._audit(previous, "session.logout", detail="another officer unlocked")
        self.begin_session(actor)

    @work(thread=True, group="audit")
    def _audit(self, actor: Actor, action: str, detail: str = "") -> None:
        if self.services is None:
            return
        from ..domain.enums import RecordType  # loaded with the services by now

        try:
            self.services.audit.record_alone(
                actor,
                action,
                record_type=RecordType.SESSION,
                record_id=actor.officer_id,
                detail=detail,
            )
        except Exception as exc:
            self.call_from_thread(
                self.notify,
                visible(f"Could not write the audit trail: {store_problem(exc)}"),
                severity="error",
                markup=False,
            )

    # -- the lock --------------------------------------------------------------------------------

    def touch(self) -> None:
        """Someone pressed a key or clicked: the idle timer starts again."""
        self._last_activity = self.now()
        self.note_input()

    def can_prebuild(self) -> bool:
        # On the school pick too (still the sign-in mode): an area's screen holds nothing
        # until it is shown, and a sign-out or an Escape from the pick drops what was made.
        return self.actor is not None and not self.locked

    def quiet_seconds(self) -> float:
        return PICK_QUIET_SECONDS if self.school is None else QUIET_SECONDS

    def form_to_make_ahead(self) -> Screen[Any] | None:
        """ctrl+n's quick incident; it takes the school the officer is at when shown, so it
        is made while the school is picked too, before the areas (its CSS first)."""
        from .forms.quick_incident import QuickIncidentScreen

        return QuickIncidentScreen(prefill={})

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.touch()
        await super().on_event(event)

    def check_idle_lock(self) -> None:
        """Lock when nobody touched the keyboard for the configured minutes (CJIS: at most 30),
        and 12 hours after the password was last given (CJIS), busy or not."""
        if self.actor is None or self.locked:
            return
        if password_again_due(self.actor, self.now()):
            self.lock()
            return
        idle = self.now() - self._last_activity
        if idle >= timedelta(minutes=self.idle_lock_minutes):
            self.lock(idle=True)

    def lock(self, *, idle: bool = False) -> None:
        if self.actor is None or self.locked:
            return
        self.locked = True
        self.clear_notifications()  # a toast may carry record details
        self._audit(self.actor, "session.lock", detail="idle" if idle else "")
        from .screens.lock import LockScreen

        self.push_screen(LockScreen(self.actor), self._unlocked)
        self.refresh_bindings()

    def _unlocked(self, actor: Actor | None) -> None:
        self.touch()
        if actor is None:  # "sign out" on the lock screen
            self.sign_out()
            return
        assert self.actor is not None
        if actor.officer_id == self.actor.officer_id:
            self.locked = False
            self.actor = actor
            self._audit(actor, "session.unlock")
            self.refresh_bindings()
            return
        self.switch_officer(actor)

    # -- actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("quit", "help", "toggle_theme"):
            return not (action == "help" and self.locked)
        if action in ("command_palette",):
            return not self.locked
        if not self.signed_in or self.locked:
            return action not in _SESSION_ACTIONS
        if action in _SUPERVISOR_ACTIONS:
            return bool(self.actor and self.actor.is_supervisor)
        if action in _ADMIN_ACTIONS:
            return bool(self.actor and self.actor.is_admin)
        if action == "go" and parameters and parameters[0] == self.current_mode:
            return True if self._help_on_top() else None  # already there: dimmed
        return True

    def _help_on_top(self) -> bool:
        from .screens.help import HelpScreen

        return isinstance(self.screen, HelpScreen)

    def action_go(self, mode: str) -> None:
        if not self.signed_in or self.locked:
            return
        if self._help_on_top():
            self.pop_screen()  # help closes on the way to an area
        self.switch_mode(mode)
        self.refresh_bindings()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_lock(self) -> None:
        self.lock()

    def action_sign_out(self) -> None:
        if self.actor is not None:
            self.sign_out()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_quick_incident(self) -> None:
        self.open_quick_incident()

    def action_review(self) -> None:
        """The supervisor's queue of submitted reports (the service refuses others too)."""
        from .screens.review_queue import ReviewQueueScreen

        self._push(ReviewQueueScreen())

    def action_audit(self) -> None:
        from .screens.audit import AuditScreen

        self._push(AuditScreen())

    def action_admin(self) -> None:
        """Administration: schools, officers, settings, code lists (administrators)."""
        if type(self.screen).__name__ != "AdminScreen":  # not imported until first opened
            self._push(admin_screen())

    def action_threats(self) -> None:
        """Threat assessment cases (the palette; ctrl+t in Campus security)."""
        self._push(threat_cases_screen())

    def action_export(self) -> None:
        from .screens.export import ExportScreen

        self._push(ExportScreen())

    def action_change_password(self) -> None:
        from .screens.change_password import ChangePasswordScreen

        if self.actor is not None and not isinstance(self.screen, ChangePasswordScreen):
            self._push(ChangePasswordScreen(self.actor))

    def _push(self, screen: Screen[Any]) -> None:
        """Show ``screen`` over the current one, during a session only."""
        if self.signed_in and not self.locked:
            self.push_screen(screen)


_SESSION_ACTIONS = {
    "go",
    "quick_incident",
    "lock",
    "sign_out",
    "review",
    "audit",
    "admin",
    "search",
    "export",
    "change_password",
    "log_call",
}
_SUPERVISOR_ACTIONS = {"review", "audit"}
_ADMIN_ACTIONS = {"admin"}


def create_app(
    settings: Settings,
    *,
    services: Services | None = None,
    clock: Clock | None = None,
) -> SroApp:
    """Build the app. Tests pass ready ``services`` (and a clock they move); the CLI passes
    neither and the app opens the store the settings name."""
    return SroApp(settings, services=services, clock=clock)


def run(settings: Settings) -> int:
    """What `sro` runs: the app until the officer quits."""
    app = create_app(settings)
    if sys.platform != "win32":  # the Linux driver imports termios
        from .prompt_escape import prompt_escape

        app.driver_class = prompt_escape(app.driver_class)
    app.exit_on_store_error = True
    app.prebuild_areas = True
    app.keep_parsed_css(ParsedCssFile(cache_dir()))
    app.collect_after_first_frame = not gc.isenabled()  # cli/app.py: off for the start-up
    result = app.run()
    if app.parsed_css is not None:  # what was parsed after the areas' styles (forms, admin)
        app.parsed_css.save()
    if app.store_error is not None:
        raise SroError(app.store_error)  # `sro` prints it on stderr and exits 2
    return exit_status(app, result)


def exit_status(app: SroApp, result: object) -> int:
    """0 after a normal quit; non-zero after a crash (Textual sets the app's return code), so
    a script or a supervisor's wrapper never mistakes a crash for success."""
    if app.return_code:
        return app.return_code
    return result if isinstance(result, int) else 0
