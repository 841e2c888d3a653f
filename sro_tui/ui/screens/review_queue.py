"""The supervisor's review queue: submitted reports, oldest submitted first.

On the highlighted report ``p`` approves it (after a yes/no question) and ``r`` returns it with
a comment: the same questions as inside the report, which Enter opens. The queue reloads when
the supervisor comes back to it, after each decision, and by itself within about two seconds
of a report being submitted (or decided) on another terminal (``ui/live.py``).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ...domain.enums import IncidentStatus
from ...domain.errors import SroError
from ...domain.incidents import IncidentRead, IncidentSummary, ReviewDecision
from ...domain.paging import Page
from ..keymap import key_display
from ..text import cell, literal, visible
from ..unexpected import unexpected
from ..widgets.confirm import ConfirmScreen
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList
from ..widgets.status_line import StatusLine
from ..widgets.steady_table import SteadyTable
from ..widgets.write_dialog import WriteScreen

__all__ = ["ReviewQueueScreen"]

HINT = "Submitted reports, oldest first · Enter opens · {approve} approves · {back} returns"


class ReviewQueueScreen(PagedList, Screen[None]):
    """Reports waiting for a supervisor's decision."""

    CSS_PATH = "review_queue.tcss"
    RECORD_KIND = "incident"  # Enter opens the report
    WATCH_KINDS = frozenset({"incident"})  # a report submitted elsewhere shows by itself
    AUTO_FOCUS = "#review-queue"

    BINDINGS = [
        Binding("p", "approve", "Approve", id="review.approve"),
        Binding("r", "return_report", "Return", id="review.return"),
        Binding("ctrl+r", "reload", "Reload", id="review.reload"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.init_paging()
        self.summaries: dict[int, IncidentSummary] = {}
        self.corrections: set[int] = set()  # rows that are corrections of approved reports

    def compose(self) -> ComposeResult:
        yield SroHeader("Review queue")
        yield Static("", id="review-title", markup=False)
        yield SteadyTable(cursor_type="row", zebra_stripes=True, id="review-queue")
        yield StatusLine("", id="review-status")
        yield SroFooter()

    def on_mount(self) -> None:
        self.query_one("#review-title", Static).update(self.hint())
        table = self.query_one(DataTable)
        table.add_column("Number", key="number", width=16)
        table.add_column("Occurred", key="occurred", width=11)
        table.add_column("Officer", key="officer", width=16)
        table.add_column("Category", key="category", width=22)
        self.reload()

    def hint(self) -> str:
        """What the keys do here, named as they are bound now (after the keymap)."""
        return HINT.format(
            approve=key_display(self, "review.approve", "p"),
            back=key_display(self, "review.return", "r"),
        )

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    # -- the list ----------------------------------------------------------------------------

    def fetch_page(self, cursor: str | None) -> Page[IncidentSummary]:
        page = self.services.incidents.review_queue(
            self.actor,
            cursor=cursor,
            limit=self.PAGE_SIZE,
        )
        if cursor is not None:
            return page
        # Corrections of approved reports waiting for review come first (services/corrections).
        corrections = self.services.corrections
        waiting = corrections.pending_queue(self.actor)
        self.corrections = {row.id for row in waiting}
        return Page(items=[*waiting, *page.items], next_cursor=page.next_cursor)

    def show_page(self, page: Page[IncidentSummary]) -> None:
        table = self.query_one(DataTable)
        tz = self.sro.tz
        for row in page.items:
            self.summaries[row.id] = row
            table.add_row(
                row.number,
                row.occurred_at.astimezone(tz).strftime("%m-%d %H:%M"),
                cell(row.officer_name),
                cell(("Correction · " if row.id in self.corrections else "") + row.category_name),
                key=str(row.id),
            )

    def page_failed(self, error: SroError) -> None:
        self.query_one("#review-status", Label).update(literal(error.message))

    def paging_changed(self) -> None:
        more = "" if self.exhausted else "+"
        self.query_one("#review-status", Label).update(
            f"{self.loaded}{more} waiting" if self.loaded else "Nothing waiting for review."
        )

    def on_screen_resume(self) -> None:
        """Back from a report or a question: the queue may have changed; the cursor stays on
        the report it was on while that one is still waiting."""
        if self.loaded or self.exhausted:
            self.reload(keep_cursor=True)

    # -- deciding on the highlighted report --------------------------------------------------

    def highlighted(self) -> IncidentSummary | None:
        record_id = self.highlighted_id()
        return self.summaries.get(record_id) if record_id is not None else None

    def action_approve(self) -> None:
        """Confirm, then approve (the report is locked from then on)."""
        report = self.highlighted()
        if report is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.decide(report, approve=True, comment="")

        self.app.push_screen(
            ConfirmScreen(f"Approve {report.number}? It is locked from then on.", yes="Approve"),
            answered,
        )

    def action_return_report(self) -> None:
        """Ask what needs to change, then return the report to its officer."""
        report = self.highlighted()
        if report is None:
            return

        def written(comment: str | None) -> None:
            if comment is not None:
                self.decide(report, approve=False, comment=comment)

        self.app.push_screen(
            WriteScreen(
                f"Return {report.number}: what needs to change?",
                verb="return",
                required="Say what needs to change before returning the report",
            ),
            written,
        )

    @work(thread=True, group="review", exit_on_error=False)
    def decide(self, report: IncidentSummary, *, approve: bool, comment: str) -> None:
        incidents = self.services.incidents
        try:
            decision = ReviewDecision(comment=comment)
            if report.id in self.corrections:
                corrections = self.services.corrections
                decide = corrections.approve if approve else corrections.return_for_changes
                result = decide(self.actor, report.id, decision)
                done = "correction approved" if approve else "correction declined"
                self.app.call_from_thread(self._decided, result, done)
                return
            elif approve:
                result = incidents.approve(self.actor, report.id, decision)
            else:
                result = incidents.return_for_changes(self.actor, report.id, decision)
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            self.app.call_from_thread(
                self._refused, unexpected(exc, "Review not recorded", "Try again.")
            )
            return
        self.app.call_from_thread(self._decided, result)

    def _decided(self, record: IncidentRead, done: str = "") -> None:
        if not done:
            approved = record.status is IncidentStatus.APPROVED
            done = "approved" if approved else "returned to its officer"
        self.notify(visible(f"{record.number} {done}"), markup=False)
        self.reload(keep_cursor=True)

    def _refused(self, error: SroError) -> None:
        self.notify(visible(error.message), markup=False, severity="error")
