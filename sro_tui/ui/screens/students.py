"""Students (F7): find a student by name or district ID as you type, a page at a time.

Enter opens the student's timeline; ``a`` adds a student, ``e`` edits the highlighted one,
``i`` imports a district roster. Searching runs in a thread worker (exclusive), so typing
never waits for the store.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label
from textual.worker import get_current_worker

from ...domain.errors import SroError
from ...domain.paging import Page
from ...domain.students import StudentRead, grade_label
from ..widgets.header import SroHeader

__all__ = ["PAGE_SIZE", "StudentListScreen"]

PAGE_SIZE = 40
PREFETCH_ROWS = 8


class StudentListScreen(Screen[None]):
    """Students matching what is typed in the search box, by name or district ID."""

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
        self.cursor: str | None = None
        self.exhausted = False
        self.loading = False
        self.generation = 0
        self.loaded = 0
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
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Name", key="name", width=28)
        table.add_column("District ID", key="district_id", width=12)
        table.add_column("Gr", key="grade", width=3)
        table.add_column("School", key="school", width=22)
        services = self.app.services  # type: ignore[attr-defined]
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

    def reload(self) -> None:
        self.generation += 1
        self.cursor = None
        self.exhausted = False
        self.loaded = 0
        self.loading = True
        self.query_one(DataTable).clear()
        self._fetch(self.generation, self.query_text, None)

    def load_more(self) -> None:
        if self.loading or self.exhausted:
            return
        self.loading = True
        self._fetch(self.generation, self.query_text, self.cursor)

    @work(thread=True, exclusive=True, group="student-search", exit_on_error=False)
    def _fetch(self, generation: int, text: str, cursor: str | None) -> None:
        services = self.app.services  # type: ignore[attr-defined]
        actor = self.app.actor  # type: ignore[attr-defined]
        try:
            page = services.students.search(actor, text, cursor=cursor, limit=PAGE_SIZE)
        except SroError as exc:
            self.app.call_from_thread(self._failed, generation, exc)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._add_page, generation, page)

    def _failed(self, generation: int, error: SroError) -> None:
        if generation == self.generation:
            self.loading = False
            self.query_one("#student-status", Label).update(f"Could not search: {error.message}")

    def _add_page(self, generation: int, page: Page[StudentRead]) -> None:
        if generation != self.generation:
            return  # the officer has typed more since this search started
        self.loading = False
        table = self.query_one(DataTable)
        for student in page.items:
            table.add_row(
                student.display_name,
                student.district_id,
                grade_label(student.grade),
                self.schools.get(student.school_id or 0, ""),
                key=str(student.id),
            )
        self.loaded += len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        status = self.query_one("#student-status", Label)
        if self.loaded == 0:
            status.update("No student matches. a adds one · i imports a roster")
        else:
            more = "" if self.exhausted else "+"
            status.update(f"{self.loaded}{more} shown · Enter: timeline · a add · e edit")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - PREFETCH_ROWS:
            self.load_more()

    # -- actions ---------------------------------------------------------------------------------

    def _highlighted_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return int(row_key.value) if row_key.value is not None else None

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
            self.notify("Highlight a student first", severity="warning")
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
