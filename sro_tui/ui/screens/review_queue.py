"""The supervisor's review queue: submitted reports, oldest submitted first.

Enter opens a report in the incident form, where ``p`` approves it and ``r`` returns it with a
comment. The queue reloads when the supervisor comes back to it.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static
from textual.worker import get_current_worker

from ...domain.errors import SroError
from ...domain.incidents import IncidentSummary
from ...domain.paging import Page
from ..widgets.header import SroHeader

__all__ = ["ReviewQueueScreen"]

PAGE_SIZE = 50
PREFETCH_ROWS = 10


class ReviewQueueScreen(Screen[None]):
    """Reports waiting for a supervisor's decision."""

    AUTO_FOCUS = "#review-queue"

    BINDINGS = [
        Binding("r", "reload", "Reload", id="review.reload"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    DEFAULT_CSS = """
    ReviewQueueScreen #review-title {
        height: 1;
        background: $primary 30%;
        padding: 0 1;
        text-style: bold;
    }
    ReviewQueueScreen DataTable {
        height: 1fr;
    }
    ReviewQueueScreen #review-status {
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

    def compose(self) -> ComposeResult:
        yield SroHeader("Review queue")
        yield Static(
            "Submitted reports, oldest first · Enter opens · p approves · r returns",
            id="review-title",
            markup=False,
        )
        yield DataTable(cursor_type="row", zebra_stripes=True, id="review-queue")
        yield Label("", id="review-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Number", key="number", width=15)
        table.add_column("Occurred", key="occurred", width=11)
        table.add_column("Officer", key="officer", width=16)
        table.add_column("Category", key="category", width=22)
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    def reload(self) -> None:
        self.generation += 1
        self.cursor = None
        self.exhausted = False
        self.loaded = 0
        self.loading = True
        self.query_one(DataTable).clear()
        self._fetch(self.generation, None)

    def load_more(self) -> None:
        if not (self.loading or self.exhausted):
            self.loading = True
            self._fetch(self.generation, self.cursor)

    @work(thread=True, group="review-queue", exit_on_error=False)
    def _fetch(self, generation: int, cursor: str | None) -> None:
        app = self.app
        try:
            page = app.services.incidents.review_queue(  # type: ignore[attr-defined]
                app.actor,  # type: ignore[attr-defined]
                cursor=cursor,
                limit=PAGE_SIZE,
            )
        except SroError as exc:
            app.call_from_thread(self._failed, generation, exc)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self._add_page, generation, page)

    def _failed(self, generation: int, error: SroError) -> None:
        if generation == self.generation:
            self.loading = False
            self.query_one("#review-status", Label).update(error.message)

    def _add_page(self, generation: int, page: Page[IncidentSummary]) -> None:
        if generation != self.generation:
            return
        self.loading = False
        table = self.query_one(DataTable)
        tz = self.app.tz  # type: ignore[attr-defined]
        for row in page.items:
            table.add_row(
                row.number,
                row.occurred_at.astimezone(tz).strftime("%m-%d %H:%M"),
                row.officer_name,
                row.category_name,
                key=str(row.id),
            )
        self.loaded += len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        more = "" if self.exhausted else "+"
        self.query_one("#review-status", Label).update(
            f"{self.loaded}{more} waiting" if self.loaded else "Nothing waiting for review."
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - PREFETCH_ROWS:
            self.load_more()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.open_incident(int(event.row_key.value))  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        if self.loaded or self.exhausted:
            self.reload()
