"""Referrals (F6): every open referral with the most overdue follow-up first, a page at a time.

Rows show the status and the next follow-up (overdue ones marked). ``a`` moves the highlighted
referral to its next status with a dated note; ``x`` chooses another status (declined, no-show,
closed); Enter opens the referral with its history; ``n`` refers a student. ``o`` switches
between open referrals and all of them, ``t`` shows one status at a time (the board's
columns, one by one); ``s`` (supervisors) switches between own and everyone's.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label, Static

from ...domain.enums import ReferralStatus
from ...domain.errors import SroError
from ...domain.paging import Page
from ...domain.referrals import ReferralRead
from ..kept_styles import KeptStyles
from ..text import cell, literal
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList, PagedTable
from ..widgets.status_line import StatusLine
from .referral_actions import ReferralActions

__all__ = ["STATUS_ORDER", "ReferralListScreen"]

STATUS_ORDER = (
    ReferralStatus.REFERRED,
    ReferralStatus.CONTACTED,
    ReferralStatus.ENROLLED,
    ReferralStatus.ATTENDING,
    ReferralStatus.NO_SHOW,
    ReferralStatus.COMPLETED,
    ReferralStatus.DECLINED,
    ReferralStatus.CLOSED,
)
"""The ``t`` key's order: the usual path, then the ends."""


class ReferralListScreen(PagedList, ReferralActions, KeptStyles, WholeFrame, Screen[None]):
    """Referrals by next follow-up, overdue first."""

    CSS_PATH = "referrals.tcss"
    AUTO_FOCUS = "#referrals"
    RECORD_KIND = "referral"
    WATCH_KINDS = frozenset({"referral"})

    BINDINGS = [
        Binding("n", "new", "Refer", id="referrals.new"),
        Binding("a", "advance", "Next status", id="referrals.advance"),
        Binding("x", "move", "Other status", id="referrals.move"),
        Binding("c", "consent", "Consent", id="referrals.consent"),
        Binding("o", "toggle_open", "Open/all", id="referrals.open"),
        Binding("t", "cycle_status", "Status", id="referrals.status"),
        Binding("s", "cycle_scope", "Own/all", id="referrals.scope"),
        Binding("r", "reload", "Reload", id="referrals.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.scope = "own"
        self.open_only = True
        self.status: ReferralStatus | None = None
        self.shown: dict[int, ReferralRead] = {}
        """Each listed referral as its row shows it: a change is made against its version."""
        self.init_paging()

    def compose(self) -> ComposeResult:
        yield SroHeader("Referrals")
        yield Static("", id="referral-title", markup=False)
        yield PagedTable(id="referrals")
        yield StatusLine("", id="referral-list-status")
        yield SroFooter()

    def on_mount(self) -> None:
        table = self.paged_table()
        # Fits 80 columns: the referral date and history are on the referral's own screen.
        table.add_column("Follow-up", key="follow", width=14)
        table.add_column("Status", key="status", width=9)
        table.add_column("Student", key="student", width=17)
        table.add_column("Program", key="program", width=17)
        table.add_column("Consent", key="consent", width=7)
        self.when_shown(self.reload)  # read when opened, not when made ahead

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cycle_scope":
            actor = self.sro.actor
            return bool(actor and actor.is_supervisor)
        if action in ("advance", "move", "consent") and self.highlighted_key() is None:
            return None  # nothing to act on: dimmed
        return True

    # -- loading ---------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    def action_cycle_status(self) -> None:
        """One status at a time, in the order of the path (then the ends), then all again."""
        order: list[ReferralStatus | None] = [None, *STATUS_ORDER]
        self.status = order[(order.index(self.status) + 1) % len(order)]
        self.reload()

    def action_cycle_scope(self) -> None:
        self.scope = "all" if self.scope == "own" else "own"
        self.reload()

    def reload(self, *, keep_cursor: bool = False) -> None:
        who = "My referrals" if self.scope == "own" else "All referrals"
        if self.status is not None:
            which = f"{self.status.value} only"
        else:
            which = "open, soonest follow-up first" if self.open_only else "all statuses"
        self.query_one("#referral-title", Static).update(f"{who} · {which}")
        super().reload(keep_cursor=keep_cursor)

    def fetch_page(self, cursor: str | None) -> Page[ReferralRead]:
        return self.services.referrals.page(
            self.actor,
            scope=self.scope,
            status=self.status,
            open_only=self.open_only and self.status is None,
            cursor=cursor,
            limit=self.PAGE_SIZE,
        )

    def show_page(self, page: Page[ReferralRead]) -> None:
        table = self.paged_table()
        today = self.services.ctx.today()
        for read in page.items:
            # A page read while this screen's own change was saving may be older than what
            # that change returned: keep the newer (its version is what the next change names).
            known = self.shown.get(read.id)
            referral = known if known is not None and known.version > read.version else read
            self.shown[referral.id] = referral
            table.add_row(*self.cells(referral, today), key=str(referral.id))

    def page_failed(self, error: SroError) -> None:
        self.query_one("#referral-list-status", Label).update(
            literal(f"Could not load: {error.message}")
        )

    def paging_changed(self) -> None:
        status = self.query_one("#referral-list-status", Label)
        if self.failed is not None:
            return  # page_failed said why
        if not self.loaded:
            status.update("No referrals here. n refers a student; o shows closed ones too")
        else:
            more = "" if self.exhausted else "+"
            status.update(
                f"{self.loaded}{more} · Enter opens · a next status · x other · c consent"
            )

    @staticmethod
    def cells(referral: ReferralRead, today: date) -> tuple[str | Text, ...]:
        follow = referral.next_follow_up_on
        if follow is None:
            follow_text = "—"
        elif follow < today:
            follow_text = f"{follow:%m-%d} OVERDUE"
        elif follow == today:
            follow_text = f"{follow:%m-%d} today"
        else:
            follow_text = f"{follow:%Y-%m-%d}"
        return (
            follow_text,
            referral.status.value,
            cell(referral.student_name),
            cell(referral.program_name),
            referral.consent.value,
        )

    # -- acting on the highlighted referral ------------------------------------------------------

    def current_referral_id(self) -> int | None:
        return self.highlighted_id()

    def shown_referral(self) -> ReferralRead | None:
        referral_id = self.highlighted_id()
        return None if referral_id is None else self.shown.get(referral_id)

    def referral_changed(self, referral: ReferralRead) -> None:
        table = self.paged_table()
        today = self.services.ctx.today()
        key = str(referral.id)
        self.shown[referral.id] = referral
        if key not in table.rows:  # a reload (live or on resume) is replacing the rows
            return
        for column, value in zip(
            ("follow", "status", "student", "program", "consent"),
            self.cells(referral, today),
            strict=True,
        ):
            table.update_cell(key, column, value)

    def action_new(self) -> None:
        from ..forms.referral_form import ReferralFormScreen

        self.app.push_screen(ReferralFormScreen(), self._after_form)

    def _after_form(self, result: ReferralRead | None) -> None:
        if result:  # a referral was made (None: the form was left)
            self.reload()

    def on_screen_resume(self) -> None:
        self.reload_on_resume()  # the question as last asked; rows kept until the answer
