"""The incident list (F4): own, school or all reports, filtered, a page at a time.

Pages come from ``services.incidents.page`` (keyset paging); the next page is fetched in a
thread worker when the cursor comes near the end of what is loaded, so the list opens at once
however many reports the store holds. Enter opens a report; ``n`` starts a new one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Label, Select, Static
from textual.worker import get_current_worker

from ...domain.enums import IncidentStatus
from ...domain.errors import SroError
from ...domain.incidents import IncidentSummary
from ...domain.paging import Page
from ..access import SessionAccess
from ..forms.base import category_choices
from ..text import cell, literal, visible
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.typeahead import TypeAhead

__all__ = ["PAGE_SIZE", "PREFETCH_ROWS", "IncidentListScreen"]

PAGE_SIZE = 50
PREFETCH_ROWS = 10
"""Fetch the next page when the cursor is this close to the last loaded row."""

SCOPES = ("own", "school", "all")
SCOPE_LABELS = {"own": "My reports", "school": "My schools", "all": "All reports"}
STATUS_OPTIONS = [(s.value.capitalize(), s.value) for s in IncidentStatus]


class IncidentTable(DataTable[str]):
    """The list's table: Home and End go to the first and last loaded report (End near the
    last row fetches the next page)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]


def _parse_day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    return date.fromisoformat(text)


class IncidentListScreen(SessionAccess, Screen[None]):
    """Incident reports, newest first."""

    AUTO_FOCUS = "#incidents"

    BINDINGS = [
        Binding("s", "cycle_scope", "Scope", id="incidents.scope"),
        Binding("slash", "filters", "Filter", id="incidents.filter"),
        Binding("n", "new", "New report", id="incidents.new"),
        Binding("r", "reload", "Reload", id="incidents.reload"),
        Binding("escape", "back", "Back", id="incidents.back"),
    ]

    DEFAULT_CSS = """
    IncidentListScreen #list-title {
        height: 1;
        background: $primary 30%;
        padding: 0 1;
        text-style: bold;
    }
    IncidentListScreen #filters {
        height: 1;
        padding: 0 1;
    }
    IncidentListScreen #filters > * {
        margin-right: 1;
    }
    IncidentListScreen #filters > Select {
        width: 16;
    }
    IncidentListScreen #filters > TypeAhead {
        width: 1fr;
    }
    IncidentListScreen #filters TypeAhead > _Suggestions {
        overlay: screen;
        constrain: inside inflect;
        width: 40;
    }
    IncidentListScreen #filters > Input {
        width: 15;
    }
    IncidentListScreen #filter-error {
        color: $error;
        height: auto;
        padding: 0 1;
        display: none;
    }
    IncidentListScreen #filter-error.-shown {
        display: block;
    }
    IncidentListScreen DataTable {
        height: 1fr;
    }
    IncidentListScreen #list-status {
        height: 1;
        color: $text-muted;
        padding: 0 1;
    }
    """

    def __init__(self, scope: str = "own") -> None:
        super().__init__()
        self.scope = scope if scope in SCOPES else "own"
        self.cursor: str | None = None
        self.exhausted = False
        self.loading = False
        self.generation = 0
        self.loaded = 0
        self.filters: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Incidents")
        yield Static("", id="list-title", markup=False)
        with Horizontal(id="filters"):
            yield Select(STATUS_OPTIONS, prompt="Any status", id="filter-status", compact=True)
            yield TypeAhead(id="filter-category", placeholder="category", compact=True)
            yield Input(placeholder="from YYYY-MM-DD", id="filter-from", compact=True)
            yield Input(placeholder="to YYYY-MM-DD", id="filter-to", compact=True)
            yield Button("Clear", id="filter-clear", compact=True)
        yield Static("", id="filter-error", markup=False)
        table = IncidentTable(cursor_type="row", zebra_stripes=True, id="incidents")
        yield table
        yield Label("", id="list-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # The first five fit 80 columns; officer and school scroll in from the right.
        table.add_column("Number", key="number", width=16)
        table.add_column("Occurred", key="occurred", width=16)
        table.add_column("Status", key="status", width=9)
        table.add_column("Category", key="category", width=17)
        table.add_column("Location", key="location", width=10)
        table.add_column("Officer", key="officer", width=16)
        table.add_column("School", key="school", width=20)
        services = self.services
        self.query_one("#filter-category", TypeAhead).set_choices(category_choices(services))
        self.reload()
        table.focus()

    # -- scope and filters -----------------------------------------------------------------------

    @property
    def scopes(self) -> tuple[str, ...]:
        actor = self.actor
        return SCOPES if actor.is_supervisor else SCOPES[:2]

    def action_cycle_scope(self) -> None:
        scopes = self.scopes
        index = scopes.index(self.scope) if self.scope in scopes else -1
        self.scope = scopes[(index + 1) % len(scopes)]
        self.reload()

    def action_filters(self) -> None:
        self.query_one("#filter-status", Select).focus()

    def action_back(self) -> None:
        if self.focused is not None and self.focused.id != "incidents":
            self.query_one(DataTable).focus()
            return
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)

    def _read_filters(self) -> dict[str, Any] | None:
        status = self.query_one("#filter-status", Select).value
        category = self.query_one("#filter-category", TypeAhead).value
        try:
            start = _parse_day(self.query_one("#filter-from", Input).value)
            end = _parse_day(self.query_one("#filter-to", Input).value)
        except ValueError:
            self._filter_error("Dates are written like 2026-09-14")
            return None
        if start and end and end < start:
            self._filter_error("The 'to' date is before the 'from' date")
            return None
        self._filter_error("")
        return {
            "status": None if status is Select.NULL else IncidentStatus(str(status)),
            "category_code": category,
            "since": start,
            "until": end,
        }

    def _filter_error(self, message: str) -> None:
        error = self.query_one("#filter-error", Static)
        error.update(literal(message))
        error.set_class(bool(message), "-shown")

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.reload()

    def on_type_ahead_picked(self, event: TypeAhead.Picked) -> None:
        self.reload()
        if event.choice is not None:
            self.query_one(DataTable).focus()  # picked: back to the list

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()
        self.query_one(DataTable).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "filter-clear":
            event.stop()
            self.query_one("#filter-status", Select).clear()
            self.query_one("#filter-category", TypeAhead).set_choice(None)
            self.query_one("#filter-from", Input).value = ""
            self.query_one("#filter-to", Input).value = ""
            self.reload()

    # -- paging ----------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Start again from the newest report with the current scope and filters."""
        filters = self._read_filters()
        if filters is None:
            return
        self.filters = filters
        self.generation += 1
        self.cursor = None
        self.exhausted = False
        self.loaded = 0
        self.query_one(DataTable).clear()
        self._title()
        self.loading = True
        self._fetch(self.generation, None)

    def _title(self) -> None:
        parts = [SCOPE_LABELS[self.scope]]
        f = self.filters
        if f.get("status"):
            parts.append(f["status"].value)
        if f.get("category_code"):
            parts.append(str(f["category_code"]))
        if f.get("since") or f.get("until"):
            parts.append(f"{f.get('since') or '…'} to {f.get('until') or '…'}")
        scope_keys = "/".join(self.scopes)
        title = " · ".join(parts)
        self.query_one("#list-title", Static).update(
            literal(f"Incidents — {title}   (s: {scope_keys}, /: filter)")
        )

    def load_more(self) -> None:
        if self.loading or self.exhausted:
            return
        self.loading = True
        self._fetch(self.generation, self.cursor)

    @work(thread=True, group="incident-list", exit_on_error=False)
    def _fetch(self, generation: int, cursor: str | None) -> None:
        services = self.services
        actor = self.actor
        try:
            page = services.incidents.page(
                actor, scope=self.scope, cursor=cursor, limit=PAGE_SIZE, **self.filters
            )
        except SroError as exc:
            self.app.call_from_thread(self._failed, generation, exc)
            return
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._add_page, generation, page)

    def _failed(self, generation: int, error: SroError) -> None:
        if generation != self.generation:
            return
        self.loading = False
        self.query_one("#list-status", Label).update(literal(f"Could not load: {error.message}"))
        self.notify(visible(error.message), markup=False, severity="error")

    def _add_page(self, generation: int, page: Page[IncidentSummary]) -> None:
        if generation != self.generation:
            return  # an answer to an older question (scope or filters changed since)
        self.loading = False
        table = self.query_one(DataTable)
        tz = self.services.ctx.tz
        for row in page.items:
            table.add_row(
                row.number,
                row.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                row.status.value,
                cell(row.category_name),
                cell(row.location_name),
                cell(row.officer_name),
                cell(row.school_name),
                key=str(row.id),
            )
        self.loaded += len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        more = "" if self.exhausted else " (more load as you scroll)"
        if self.loaded == 0:
            self.query_one("#list-status", Label).update("No reports match.")
        else:
            self.query_one("#list-status", Label).update(
                f"{self.loaded} shown{more} · Enter opens · n new report"
            )
        # A short page on a tall screen: keep filling while the cursor is near the end.
        if not self.exhausted and table.cursor_row >= table.row_count - PREFETCH_ROWS:
            self.load_more()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - PREFETCH_ROWS:
            self.load_more()

    # -- open ------------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key is None:
            return
        self.open(int(key))

    def open(self, incident_id: int) -> None:
        opener = getattr(self.app, "open_incident", None)
        if opener is not None:
            opener(incident_id)
            return
        from .incident_form import IncidentFormScreen

        self.app.push_screen(IncidentFormScreen(incident_id=incident_id))

    def action_new(self) -> None:
        from .incident_form import IncidentFormScreen

        self.app.push_screen(IncidentFormScreen())

    def on_screen_resume(self) -> None:
        if self.loaded or self.exhausted:
            self.reload()
