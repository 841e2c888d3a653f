"""The supervisor's review queue: submitted reports, oldest submitted first.

Enter opens a report in the incident form, where ``p`` approves it and ``r`` returns it with a
comment. The queue reloads when the supervisor comes back to it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ...domain.errors import SroError
from ...domain.incidents import IncidentSummary
from ...domain.paging import Page
from ..text import cell, literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList

__all__ = ["ReviewQueueScreen"]


class ReviewQueueScreen(PagedList, Screen[None]):
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
        self.init_paging()

    def compose(self) -> ComposeResult:
        yield SroHeader("Review queue")
        yield Static(
            "Submitted reports, oldest first · Enter opens · p approves · r returns",
            id="review-title",
            markup=False,
        )
        yield DataTable(cursor_type="row", zebra_stripes=True, id="review-queue")
        yield Label("", id="review-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Number", key="number", width=16)
        table.add_column("Occurred", key="occurred", width=11)
        table.add_column("Officer", key="officer", width=16)
        table.add_column("Category", key="category", width=22)
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    def fetch_page(self, cursor: str | None) -> Page[IncidentSummary]:
        return self.services.incidents.review_queue(
            self.actor,
            cursor=cursor,
            limit=self.PAGE_SIZE,
        )

    def show_page(self, page: Page[IncidentSummary]) -> None:
        table = self.query_one(DataTable)
        tz = self.sro.tz
        for row in page.items:
            table.add_row(
                row.number,
                row.occurred_at.astimezone(tz).strftime("%m-%d %H:%M"),
                cell(row.officer_name),
                cell(row.category_name),
                key=str(row.id),
            )

    def page_failed(self, error: SroError) -> None:
        self.query_one("#review-status", Label).update(literal(error.message))

    def paging_changed(self) -> None:
        more = "" if self.exhausted else "+"
        self.query_one("#review-status", Label).update(
            f"{self.loaded}{more} waiting" if self.loaded else "Nothing waiting for review."
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.sro.open_incident(int(event.row_key.value))

    def on_screen_resume(self) -> None:
        if self.loaded or self.exhausted:
            self.reload()
