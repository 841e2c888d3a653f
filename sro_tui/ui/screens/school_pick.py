"""Today's school: an officer picks from their assigned schools, a supervisor or an
administrator from all. Enter confirms the one already highlighted.

A new store has no school until an administrator adds one: an officer is told so, and an
administrator opens Administration from here (F12, its Schools list first); the list is read
again when Administration closes."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...domain.errors import SroError
from ...domain.officers import Actor
from ...domain.schools import SchoolRead
from ..access import SroAccess
from ..text import literal
from ..unexpected import unexpected
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader

NO_SCHOOL_OFFICER = "No school exists yet: an administrator adds schools (F12)"
NO_SCHOOL_ADMIN = "No school exists yet: F12 opens Administration, where a adds a school"


def schools_for(actor: Actor, schools: list[SchoolRead]) -> list[SchoolRead]:
    """The schools this officer may work at today: assigned ones, or all for a supervisor
    (and for an officer with no assignment yet)."""
    if actor.is_supervisor or not actor.school_ids:
        return schools
    return [s for s in schools if s.id in actor.school_ids]


def default_school(actor: Actor, schools: list[SchoolRead], shift_school: int | None) -> int:
    """Index of the school to highlight: today's shift's, else the first assigned one."""
    for wanted in (shift_school, *actor.school_ids):
        for index, school in enumerate(schools):
            if school.id == wanted:
                return index
    return 0


class SchoolPickScreen(SroAccess, Screen[SchoolRead | None]):
    """Dismissed with the chosen school, or None (escape: back to sign-in)."""

    CSS_PATH = "school_pick.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "Sign out", id="school.cancel"),
        Binding("j", "cursor_down", "Down", show=False, id="school.down"),
        Binding("k", "cursor_up", "Up", show=False, id="school.up"),
        # Only while the store has no school, for an administrator (check_action).
        Binding("f12", "administration", "Administration", id="school.admin"),
    ]
    AUTO_FOCUS = "#schools"

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor
        self.schools: list[SchoolRead] = []
        self.no_school = False  # the store has none at all (not only none assigned)

    def compose(self) -> ComposeResult:
        yield SroHeader("Today's school")
        with Middle(), Center(), Vertical(id="school-box", classes="dialog") as box:
            box.border_title = "Where are you today?"
            yield Static(
                literal(f"Good day, {self.actor.name}. Enter confirms the highlighted school."),
                id="school-hint",
                classes="hint",
            )
            yield OptionList(id="schools")
            yield Static("", id="school-error", classes="field-error")
        yield SroFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#schools", OptionList).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="schools", exit_on_error=False)
    def load(self) -> None:
        services = self.sro.services
        assert services is not None, "the school is picked after a sign-in: the store is open"
        try:
            every = services.reference.schools()
            schools = schools_for(self.actor, every)
            shifts = services.checklist.shifts_on(self.actor)
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # said in the dialog: the list would stay empty
            problem = unexpected(exc, "The schools could not be read", "Esc, then sign in again.")
            self.app.call_from_thread(self._failed, problem.message)
            return
        # Today's shift's school first, else the first assigned one.
        shift_school = shifts[0].school_id if shifts else None
        self.app.call_from_thread(self._loaded, schools, shift_school, not every)

    def _loaded(
        self, schools: list[SchoolRead], shift_school: int | None, no_school: bool = False
    ) -> None:
        self.schools = schools
        self.no_school = no_school
        self.refresh_bindings()
        options = self.query_one("#schools", OptionList)
        options.loading = False
        options.clear_options()
        options.add_options(
            Option(literal(f"{school.name}  ({school.code})"), id=str(school.id))
            for school in schools
        )
        if no_school:
            self._failed(NO_SCHOOL_ADMIN if self.actor.is_admin else NO_SCHOOL_OFFICER)
            return
        if not schools:
            self._failed("No schools in the store: ask an administrator")
            return
        self.query_one("#school-error", Static).remove_class("-shown")
        options.highlighted = default_school(self.actor, schools, shift_school)
        options.focus()

    def _failed(self, message: str) -> None:
        self.query_one("#schools", OptionList).loading = False
        error = self.query_one("#school-error", Static)
        error.update(literal(message))
        error.add_class("-shown")

    @on(OptionList.OptionSelected, "#schools")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        school = next((s for s in self.schools if str(s.id) == event.option.id), None)
        if school is not None:
            self.dismiss(school)

    def action_cursor_down(self) -> None:
        self.query_one("#schools", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#schools", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "administration":
            return self.no_school and self.actor.is_admin
        return True

    def action_administration(self) -> None:
        """The first administrator of a new store adds its schools (then picks one here)."""
        from ..navigation import admin_screen

        self.app.push_screen(admin_screen(), self._administration_closed)

    def _administration_closed(self, _result: object) -> None:
        self.load()
