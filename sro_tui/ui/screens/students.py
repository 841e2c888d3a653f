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
from textual.widgets import DataTable, Input, Label

from ...domain.errors import SroError
from ...domain.paging import Page
from ...domain.students import StudentRead, grade_label
from ..text import cell, literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList

__all__ = ["StudentListScreen"]


class StudentListScreen(PagedList, Screen[None]):
    """Students matching what is typed in the search box, by name or district ID."""

    PAGE_SIZE = 40
    PREFETCH_ROWS = 8

    AUTO_FOCUS = "#student-search"

    BINDINGS = [
        Binding("a", "add", "Add student", id="students.add"),
        Binding("e", "edit", "Edit", id="students.edit"),
        Binding("i", "import_roster", "Import roster", id="students.import"),
        Binding("slash", "search", "Search", id="students.search"),
        Binding("escape", "back", "Back", id="students.back"),
    ]

    DEFAULT_CSS = """
    StudentListScreen #student-search {
        margin: 0 1;
    }
    StudentListScreen DataTable {
        height: 1fr;
    }
    StudentListScreen #student-status {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.init_paging()
        self.query_text = ""
        self.schools: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Students")
        yield Input(
            placeholder="Search: last name, 'garcia m', 'maria gar' or a district ID",
            id="student-search",
        )
        yield DataTable(cursor_type="row", zebra_stripes=True, id="students")
        yield Label("", id="student-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Name", key="name", width=24)
        table.add_column("District ID", key="district_id", width=12)
        table.add_column("Gr", key="grade", width=3)
        table.add_column("School", key="school", width=26)
        services = self.services
        self.schools = {s.id: s.name for s in services.reference.schools(include_inactive=True)}
        self.reload()

    # -- searching and paging --------------------------------------------------------------------

    @on(Input.Changed, "#student-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.reload()

    @on(Input.Submitted, "#student-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        table = self.query_one(DataTable)
        if table.row_count:
            table.focus()

    def action_search(self) -> None:
        self.query_one("#student-search", Input).focus()

    def fetch_page(self, cursor: str | None) -> Page[StudentRead]:
        return self.services.students.search(
            self.actor,
            self.query_text,
            cursor=cursor,
            limit=self.PAGE_SIZE,
        )

    def show_page(self, page: Page[StudentRead]) -> None:
        table = self.query_one(DataTable)
        for student in page.items:
            table.add_row(
                cell(student.display_name),
                student.district_id,
                grade_label(student.grade),
                cell(self.schools.get(student.school_id or 0, "")),
                key=str(student.id),
            )

    def page_failed(self, error: SroError) -> None:
        self.query_one("#student-status", Label).update(
            literal(f"Could not search: {error.message}")
        )

    def paging_changed(self) -> None:
        status = self.query_one("#student-status", Label)
        if self.loaded == 0:
            status.update("No student matches. a adds one · i imports a roster")
        else:
            more = "" if self.exhausted else "+"
            status.update(f"{self.loaded}{more} shown · Enter: timeline · a add · e edit")

    # -- actions ---------------------------------------------------------------------------------

    def _highlighted_id(self) -> int | None:
        key = self.highlighted_key()
        return int(key) if key is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            from .student_timeline import StudentTimelineScreen

            self.app.push_screen(StudentTimelineScreen(int(event.row_key.value)))

    def action_add(self) -> None:
        from ..forms.student_form import StudentFormScreen

        self.app.push_screen(StudentFormScreen(), self._after_form)

    def action_edit(self) -> None:
        student_id = self._highlighted_id()
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
                self.query_one(DataTable).focus()
        else:
            search.focus()
