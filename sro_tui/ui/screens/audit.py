"""The audit trail (supervisors and admins): every sign-in, read, change and admin action,
newest first, a page at a time; ``v`` verifies the hash chain and its signed checkpoint.

Filters: ``/`` asks for a badge, an action or a record (e.g. ``incident 42``). Reading the
trail is itself audited by the service.
"""

from __future__ import annotations

from typing import TypedDict

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ...domain.audit import AuditEventRead
from ...domain.errors import SroError
from ...domain.paging import Page
from ..keymap import key_display
from ..text import cell, literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList
from ..widgets.prompt import PromptScreen
from ..widgets.status_line import StatusLine
from ..widgets.steady_table import SteadyTable

__all__ = ["AuditFilter", "AuditScreen", "parse_audit_filter"]


class AuditFilter(TypedDict, total=False):
    """What the audit screen asks the trail for (keywords of ``services.audit.page``)."""

    badge: str
    action: str
    record_type: str
    record_id: str


def parse_audit_filter(text: str) -> AuditFilter:
    """'1001' -> badge; 'login' or 'incident.read' -> action; 'incident 42' -> record."""
    words = text.split()
    if not words:
        return {}
    if len(words) == 2 and words[1].isdigit():
        return {"record_type": words[0].lower(), "record_id": words[1]}
    word = words[0]
    if word.isalnum() and any(c.isdigit() for c in word):
        return {"badge": word.upper()}
    return {"action": word.lower()}


class AuditScreen(PagedList, Screen[None]):
    """The audit trail, newest first."""

    PAGE_SIZE = 100
    PREFETCH_ROWS = 15

    AUTO_FOCUS = "#audit-table"

    BINDINGS = [
        Binding("v", "verify", "Verify chain", id="audit.verify"),
        Binding("slash", "filter", "Filter", id="audit.filter"),
        Binding("r", "reload", "Reload", id="audit.reload"),
        Binding("escape", "back", "Back", id="audit.back"),
    ]

    CSS_PATH = "audit.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.filters: AuditFilter = {}
        self.init_paging()

    def compose(self) -> ComposeResult:
        yield SroHeader("Audit trail")
        yield Static("Newest first", id="audit-title")
        yield SteadyTable(cursor_type="row", zebra_stripes=True, id="audit-table")
        yield StatusLine("", id="audit-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("When (local)", key="at", width=15)
        table.add_column("Badge", key="badge", width=7)
        table.add_column("Action", key="action", width=17)
        table.add_column("Record", key="record", width=16)
        table.add_column("Outcome", key="outcome", width=8)
        verify = key_display(self, "audit.verify", "v")
        filters = key_display(self, "audit.filter", "slash")
        self.query_one("#audit-title", Static).update(
            literal(f"Newest first · {verify} verifies the chain · {filters} filters")
        )
        self.reload()

    # -- loading ---------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    def fetch_page(self, cursor: str | None) -> Page[AuditEventRead]:
        return self.services.audit.page(
            self.actor,
            cursor=cursor,
            limit=self.PAGE_SIZE,
            **self.filters,
        )

    def show_page(self, page: Page[AuditEventRead]) -> None:
        table = self.query_one(DataTable)
        tz = self.sro.tz
        for event in page.items:
            record = f"{event.record_type} {event.record_id}".strip()
            table.add_row(
                event.at.astimezone(tz).strftime("%m-%d %H:%M:%S"),
                cell(event.badge),  # a failed sign-in's badge is what was typed
                event.action,
                cell(record),
                event.outcome.value,
                key=str(event.id),
            )

    def page_failed(self, error: SroError) -> None:
        self.query_one("#audit-status", Label).update(literal(error.message))

    def paging_changed(self) -> None:
        shown = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.filters.items())
        more = "" if self.exhausted else "+"
        self.query_one("#audit-status", Label).update(
            literal(f"{self.loaded}{more} events" + (f" · {shown}" if shown else ""))
        )

    # -- filter and verify -----------------------------------------------------------------------

    def action_filter(self) -> None:
        def chosen(text: str | None) -> None:
            if text is not None:
                self.filters = parse_audit_filter(text)
                self.reload()

        self.app.push_screen(
            PromptScreen(
                "Filter the audit trail",
                "A badge (1001), an action (login, incident.read) or a record (incident 42); "
                "empty shows all:",
            ),
            chosen,
        )

    def action_verify(self) -> None:
        self.query_one("#audit-title", Static).update("Verifying the chain…")
        self._verify()

    @work(thread=True, exclusive=True, group="audit-verify", exit_on_error=False)
    def _verify(self) -> None:
        app = self.app
        try:
            report = self.services.audit.verify(self.actor)
        except SroError as exc:
            app.call_from_thread(self._verified, False, exc.message)
            return
        if report.ok:
            text = f"Chain verified: {report.count} events intact. {report.checkpoint_note}"
        else:
            text = f"CHAIN BROKEN at event {report.first_bad_id}: {report.problem}"
        app.call_from_thread(self._verified, report.ok, text.strip())

    def _verified(self, ok: bool, text: str) -> None:
        title = self.query_one("#audit-title", Static)
        title.update(literal(text))
        title.set_class(not ok, "-broken")
        self.reload()  # the check itself is now the newest event
