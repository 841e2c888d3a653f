"""The incident list (F4): own, school or all reports, filtered, a page at a time.

Pages come from ``services.incidents.page`` (keyset paging) through :class:`PagedList`: the
next page is fetched in a thread worker when the cursor comes near the end of what is loaded,
so the list opens at once however many reports the store holds. Enter opens a report (the app
hears :class:`~sro_tui.ui.messages.OpenRecord`); ``n`` starts a new one.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, Static

from ...domain.enums import IncidentStatus
from ...domain.errors import SroError
from ...domain.incidents import IncidentSummary
from ...domain.paging import Page
from ..forms.base import category_choices
from ..kept_styles import KeptStyles
from ..text import cell, literal
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.list_filters import ListFilters
from ..widgets.paged import PagedList, PagedTable
from ..widgets.status_line import StatusLine
from ..widgets.typeahead import Choice

__all__ = ["PAGE_SIZE", "IncidentListScreen"]

PAGE_SIZE = 50

SCOPES = ("own", "school", "all")
SCOPE_LABELS = {"own": "My reports", "school": "My schools", "all": "All reports"}
STATUS_OPTIONS = [(s.value.capitalize(), s.value) for s in IncidentStatus]


class IncidentListScreen(PagedList, KeptStyles, WholeFrame, Screen[None]):
    """Incident reports, newest first."""

    CSS_PATH = "incidents.tcss"
    AUTO_FOCUS = "#incidents"
    PAGE_SIZE = PAGE_SIZE
    RECORD_KIND = "incident"
    WATCH_KINDS = frozenset({"incident"})  # reloads when another terminal changes one

    BINDINGS = [
        Binding("s", "cycle_scope", "Scope", id="incidents.scope"),
        Binding("slash", "filters", "Filter", id="incidents.filter"),
        Binding("n", "new", "New report", id="incidents.new"),
        Binding("r", "reload", "Reload", id="incidents.reload"),
        Binding("escape", "back", "Back", id="incidents.back"),
    ]

    def __init__(self, scope: str = "own") -> None:
        super().__init__()
        self.init_paging()
        self.scope = scope if scope in SCOPES else "own"
        self.filters: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Incidents")
        yield Static("", id="list-title", markup=False)
        yield ListFilters(
            options=STATUS_OPTIONS,
            prompt="Any status",
            select_id="filter-status",
            typeahead_id="filter-category",
            typeahead_placeholder="category",
            today=lambda: self.services.ctx.today(),
        )
        yield PagedTable(id="incidents")
        yield StatusLine("", id="list-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.paged_table()
        # The first five fit 80 columns; officer and school scroll in from the right.
        table.add_column("Number", key="number", width=16)
        table.add_column("Occurred", key="occurred", width=16)
        table.add_column("Status", key="status", width=9)
        table.add_column("Category", key="category", width=17)
        table.add_column("Location", key="location", width=10)
        table.add_column("Officer", key="officer", width=16)
        table.add_column("School", key="school", width=20)
        self._load_categories()
        self.when_shown(self.reload)  # read when opened, not when made ahead
        table.focus()

    @work(thread=True, group="incident-categories", exit_on_error=False)
    def _load_categories(self) -> None:
        try:
            choices = category_choices(self.services)
        except SroError:
            return  # the filter then finds no category; the list itself still works
        self.app.call_from_thread(self._categories_loaded, choices)

    def _categories_loaded(self, choices: list[Choice]) -> None:
        self.query_one(ListFilters).typeahead.set_choices(choices)

    # -- scope and filters -----------------------------------------------------------------------

    @property
    def scopes(self) -> tuple[str, ...]:
        return SCOPES if self.actor.is_supervisor else SCOPES[:2]

    def action_cycle_scope(self) -> None:
        scopes = self.scopes
        index = scopes.index(self.scope) if self.scope in scopes else -1
        self.scope = scopes[(index + 1) % len(scopes)]
        self.reload()

    def action_filters(self) -> None:
        self.query_one(ListFilters).select.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.can_go_back()
        return True

    def action_back(self) -> None:
        self.back_to_list_or_leave()

    @on(ListFilters.Changed)
    def _filters_changed(self, event: ListFilters.Changed) -> None:
        self.reload()
        if event.to_list and not event.filters.has_error:
            self.paged_table().focus()  # picked or Enter: back to the list

    # -- paging ----------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self, *, keep_cursor: bool = False) -> None:
        """Start again from the newest report with the current scope and filters (a filter
        day that is not one is named at the filter, and the list stays as it was)."""
        values = self.query_one(ListFilters).read()
        if values is None:
            return
        self.filters = {
            "status": IncidentStatus(values.choice) if values.choice else None,
            "category_code": values.picked,
            "since": values.since,
            "until": values.until,
        }
        self._title()
        super().reload(keep_cursor=keep_cursor)

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

    def warm_first_page(self) -> None:
        self.services.incidents.warm_first_page(self.actor, scope=self.scope)

    def fetch_page(self, cursor: str | None) -> Page[IncidentSummary]:
        return self.services.incidents.page(
            self.actor, scope=self.scope, cursor=cursor, limit=self.PAGE_SIZE, **self.filters
        )

    def show_page(self, page: Page[IncidentSummary]) -> None:
        table = self.paged_table()
        tz = self.services.ctx.tz
        for row in page.items:
            struck = "strike" if row.voided else ""  # voided: kept, counted nowhere
            table.add_row(
                cell(row.number, struck),
                cell(row.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), struck),
                "voided" if row.voided else row.status.value,
                cell(row.category_name, struck),
                cell(row.location_name, struck),
                cell(row.officer_name, struck),
                cell(row.school_name, struck),
                key=str(row.id),
            )

    def page_failed(self, error: SroError) -> None:
        super().page_failed(error)
        self.query_one("#list-status", Label).update(literal(f"Could not load: {error.message}"))

    def paging_changed(self) -> None:
        status = self.query_one("#list-status", Label)
        if self.failed is not None:
            return  # page_failed said why
        if self.loaded == 0:
            status.update("No reports match. n starts one")
        else:
            more = "" if self.exhausted else " (more load as you scroll)"
            status.update(f"{self.loaded} shown{more} · Enter opens · n new report")

    # -- new and back ----------------------------------------------------------------------------

    def action_new(self) -> None:
        from .incident_form import IncidentFormScreen

        self.app.push_screen(IncidentFormScreen())

    def on_screen_resume(self) -> None:
        self.reload_on_resume()  # the question as last asked; rows kept until the answer
