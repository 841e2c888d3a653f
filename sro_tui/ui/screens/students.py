"""Students (F7): find a student by name or district ID as you type, a page at a time.

Enter opens the student's timeline; ``a`` adds a student, ``e`` edits the highlighted one,
``i`` imports a district roster. Searching runs in a thread worker (exclusive), so typing
never waits for the store.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Label

from ...domain.errors import SroError
from ...domain.paging import Page
from ...domain.students import StudentRead, grade_label
from ..kept_styles import KeptStyles
from ..text import cell, literal
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList, PagedTable
from ..widgets.status_line import StatusLine

__all__ = ["StudentListScreen"]


class StudentListScreen(PagedList, KeptStyles, WholeFrame, Screen[None]):
    """Students matching what is typed in the search box, by name or district ID."""

    PAGE_SIZE = 40
    PREFETCH_ROWS = 8

    CSS_PATH = "students.tcss"
    AUTO_FOCUS = "#student-search"
    RECORD_KIND = "student"  # Enter: the student's timeline
    WATCH_KINDS = frozenset({"student"})

    BINDINGS = [
        Binding("a", "add", "Add student", id="students.add"),
        Binding("e", "edit", "Edit", id="students.edit"),
        Binding("i", "import_roster", "Import roster", id="students.import"),
        Binding("slash", "search", "Search", id="students.search"),
        Binding("escape", "back", "Back", id="students.back"),
        Binding("down", "to_list", "To the list", id="students.to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.init_paging()
        self.query_text = ""
        self.schools: dict[int, str] | None = None  # id -> name, read with the first page

    def compose(self) -> ComposeResult:
        yield SroHeader("Students")
        yield Input(
            placeholder="Search: last name, 'garcia m', 'maria gar' or a district ID",
            id="student-search",
        )
        yield PagedTable(id="students")
        yield StatusLine("", id="student-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.paged_table()
        table.add_column("Name", key="name", width=24)
        table.add_column("District ID", key="district_id", width=12)
        table.add_column("Gr", key="grade", width=3)
        table.add_column("School", key="school", width=26)
        self.when_shown(self.reload)  # read when opened, not when made ahead

    # -- searching and paging --------------------------------------------------------------------

    @on(Input.Changed, "#student-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        # The rows of the last key stay until this key's answer replaces them: one drawing
        # per key, not an empty table and then the rows (issue 16).
        self.reload_rows(keep_rows=True)

    @on(Input.Submitted, "#student-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        table = self.paged_table()
        if table.row_count:
            table.focus()

    def action_search(self) -> None:
        self.query_one("#student-search", Input).focus()

    def fetch_page(self, cursor: str | None) -> Page[StudentRead]:
        if self.schools is None:  # in the worker, like the page itself
            schools = self.services.reference.schools(include_inactive=True)
            self.schools = {s.id: s.name for s in schools}
        return self.services.students.search(
            self.actor,
            self.query_text,
            cursor=cursor,
            limit=self.PAGE_SIZE,
        )

    def show_page(self, page: Page[StudentRead]) -> None:
        table = self.paged_table()
        schools = self.schools or {}
        for student in page.items:
            table.add_row(
                cell(student.display_name),
                student.district_id,
                grade_label(student.grade),
                cell(schools.get(student.school_id or 0, "")),
                key=str(student.id),
            )

    def page_failed(self, error: SroError) -> None:
        self.query_one("#student-status", Label).update(
            literal(f"Could not search: {error.message}")
        )

    def paging_changed(self) -> None:
        if self.failed is not None:
            return  # page_failed said why
        status = self.query_one("#student-status", Label)
        in_search = self.typing_in_field()
        more = "" if self.exhausted else "+"
        if self.loaded == 0 and in_search:
            status.update("No student matches · Esc clears the search")
        elif self.loaded == 0:
            status.update("No student matches. a adds one · i imports a roster")
        elif in_search:
            status.update(f"{self.loaded}{more} found · Enter or ↓: to the list · Esc clears")
        else:
            status.update(
                f"{self.loaded}{more} shown · Enter: timeline · a add · e edit · / search"
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "edit" and self.highlighted_key() is None:
            return None
        return True

    def on_descendant_focus(self) -> None:
        if self.loaded or self.exhausted:
            self.paging_changed()  # the hint for where the cursor is now

    def action_to_list(self) -> None:
        table = self.paged_table()
        if table.row_count:
            table.focus()

    # -- actions ---------------------------------------------------------------------------------

    def action_add(self) -> None:
        from ..forms.student_form import StudentFormScreen

        self.app.push_screen(StudentFormScreen(), self._after_form)

    def action_edit(self) -> None:
        student_id = self.highlighted_id()
        if student_id is None:
            self.notify("Highlight a student first", markup=False, severity="warning")
            return
        from ..forms.student_form import StudentFormScreen

        self.app.push_screen(StudentFormScreen(student_id=student_id), self._after_form)

    def _after_form(self, result: StudentRead | None) -> None:
        if result is not None:
            self.reload()

    def action_import_roster(self) -> None:
        from ..forms.roster_import import RosterImportScreen

        self.app.push_screen(RosterImportScreen(), lambda _report: self.reload())

    def action_back(self) -> None:
        """Escape in the search box clears it, then moves to the list (where a, e and i are
        keys); escape in the list goes back to the search box."""
        search = self.query_one("#student-search", Input)
        if self.focused is search:
            if search.value:
                search.value = ""
            else:
                self.paged_table().focus()
        else:
            search.focus()
