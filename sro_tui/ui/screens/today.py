"""Today (f2): the officer's home. Today's shift and checklist progress, reports returned for
changes, own open incidents, drafts waiting, follow-ups due and, for a supervisor, the review
queue. Every row opens its record.

The screen draws its skeleton at once and fills it from one worker call,
``services.today.summary`` (a typed :class:`~sro_tui.domain.today.TodaySummary`). It reloads
by itself when another terminal changes a record it shows (``ui/live.py``), the cursor staying
on the same record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...domain.errors import SroError
from ...domain.incidents import IncidentSummary
from ...domain.today import Bounded, TodaySummary
from ..access import SessionAccess
from ..kept_styles import KeptStyles
from ..keymap import key_display
from ..live import StoreChanged
from ..messages import OpenRecord, RecordKind
from ..text import literal
from ..unexpected import unexpected
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.status_line import StatusLine
from ..widgets.steady_scrollbars import SteadyOptionList

__all__ = ["Row", "Section", "TodayScreen", "sections_of"]

T = TypeVar("T")
REVIEW = "review"
"""The ``area`` of the review-queue line (the supervisors' queue is a screen, not a mode)."""
WATCH_KINDS = frozenset(
    {
        "incident",
        "draft",
        "referral",
        "note",
        "shift",
        "checklist_item",
        "trespass",
        "call",
        "threat",
    }
)
"""Record types whose changes on another terminal reload Today."""


@dataclass(frozen=True)
class Row:
    """One line of Today. Enter opens ``record`` #``record_id``, or goes to ``area`` (a mode,
    or ``REVIEW``); a line with neither only informs."""

    text: str
    record: RecordKind | None = None
    record_id: int = 0
    area: str = ""
    late: bool = False

    @property
    def opens(self) -> bool:
        return self.record is not None or bool(self.area)


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    empty: str = "nothing"
    total: int = 0
    """How many there are in all (more than the rows when the list is long)."""


def _hhmm(moment: datetime, tz: ZoneInfo, today: date) -> str:
    local = moment.astimezone(tz)
    return f"{local:%H:%M}" if local.date() == today else f"{local:%b %-d %H:%M}"


def _day(day: date | None, today: date) -> str:
    if day is None:
        return ""
    return "today" if day == today else f"{day:%a %b %-d}"


def _incident_text(incident: IncidentSummary, tz: ZoneInfo, today: date) -> str:
    parts = [
        incident.number,
        str(incident.status),
        _hhmm(incident.occurred_at, tz, today),
        incident.category_name or "(no category yet)",
        incident.location_name,
    ]
    return "  ".join(p for p in parts if p)


def _section(
    title: str,
    found: Bounded[T],
    row: Callable[[T], Row],
    *,
    empty: str,
    more: tuple[str, str] | None = None,
) -> Section:
    """A section of ``found``'s rows; a longer list ends in a line saying how many more
    there are (``more``: the area listing them all, and its key)."""
    section = Section(title, [row(item) for item in found.rows], empty=empty, total=found.total)
    if found.more:
        if more is None:
            section.rows.append(Row(f"… {found.more} more"))
        else:
            mode, key = more
            section.rows.append(Row(f"… {found.more} more ({key} lists them all)", area=mode))
    return section


def sections_of(
    summary: TodaySummary, tz: ZoneInfo, supervisor: bool, terminal: str = ""
) -> list[Section]:
    """The summary as Today's sections, in the order an officer works through them
    (``terminal``: this one; a draft typed on another says where)."""
    today = summary.day
    shift = Section("Today's shift", empty="no school chosen", total=len(summary.shifts))
    for progress in summary.shifts:
        text = (
            f"{progress.school_name}: checklist {progress.settled} of {progress.total} settled"
            if progress.started
            else f"{progress.school_name}: checklist not started (Enter)"
        )
        shift.rows.append(Row(text, "checklist", progress.school_id))

    def returned(incident: IncidentSummary) -> Row:
        text = f"{incident.number}  {incident.status}"
        if incident.review_comment:
            text += f": {incident.review_comment.splitlines()[0][:80]}"
        return Row(text, "incident", incident.id, late=True)

    sections = [
        shift,
        _section(
            "Needs attention",
            summary.returned,
            returned,
            empty="nothing returned to you",
            more=("incidents", "f4"),
        ),
    ]
    if supervisor:
        waiting = summary.review_waiting or 0
        review = Section("Review queue", empty="no reports waiting", total=waiting)
        if waiting:
            text = f"{waiting} report(s) waiting for your review (v)"
            review.rows.append(Row(text, area=REVIEW))
        sections.append(review)
    sections += [
        _section(
            "My open incidents",
            summary.open_incidents,
            lambda i: Row(_incident_text(i, tz, today), "incident", i.id),
            empty="none open",
            more=("incidents", "f4"),
        ),
        _section(
            "Drafts waiting",
            summary.drafts,
            lambda d: Row(
                f"{d.title or d.form.replace('_', ' ').capitalize()}  "
                f"(saved {_hhmm(d.updated_at, tz, today)}"
                f"{f' on {d.terminal}' if d.terminal and d.terminal != terminal else ''})",
                "draft",
                d.id,
            ),
            empty="no drafts",
        ),
        _section(
            "Referral follow-ups due",
            summary.referrals_due,
            lambda r: Row(
                f"{_day(r.next_follow_up_on, today)}{' (overdue)' if r.overdue(today) else ''}: "
                f"{r.student_name} — {r.program_name}",
                "referral",
                r.id,
                late=r.overdue(today),
            ),
            empty="none due",
            more=("referrals", "f6"),
        ),
        _section(
            "Mentoring follow-ups due",
            summary.notes_due,
            lambda n: Row(
                f"{_day(n.follow_up_on, today)}"
                f"{' (overdue)' if n.follow_up_on and n.follow_up_on < today else ''}: "
                f"{str(n.kind).capitalize()} of {n.occurred_at.astimezone(tz):%b %-d}",
                "note",
                n.id,
                late=n.follow_up_on is not None and n.follow_up_on < today,
            ),
            empty="none due",
            more=("mentoring", "f5"),
        ),
    ]
    if summary.threat_follow_ups.total:  # shown only to an officer with one due
        sections.append(
            _section(
                "Threat case follow-ups due",
                summary.threat_follow_ups,
                lambda f: Row(
                    f"{_day(f.due_on, today)}{' (overdue)' if f.overdue(today) else ''}: "
                    f"{f.student_name} — {f.what.splitlines()[0][:60] if f.what else ''}",
                    "threat",
                    f.case_id,
                    late=f.overdue(today),
                ),
                empty="none due",
            )
        )
    campus = Section("Campus security", empty="", total=1)
    campus.rows.append(
        Row(
            f"{summary.warnings_in_force} trespass warning(s) in force · "
            f"{summary.calls_today} call(s) logged today (Enter: ctrl+g)",
            area="campus",
        )
    )
    sections.append(campus)
    return sections


class TodayScreen(SessionAccess, KeptStyles, WholeFrame, Screen[None]):
    """The home screen after sign-in."""

    CSS_PATH = "today.tcss"

    BINDINGS = [
        Binding("r", "reload", "Refresh", show=False, id="today.reload"),
        Binding("j", "cursor_down", "Down", show=False, id="today.down"),
        Binding("k", "cursor_up", "Up", show=False, id="today.up"),
        Binding("v", "app.review", "Review queue", id="today.review"),
    ]
    AUTO_FOCUS = "#today-list"

    FIRST_ANSWER_WAIT = 0.08
    """The first showing waits this long at most for the day's summary, to be drawn once,
    filled, instead of "Loading…" and then the lines (issue 16)."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[Section] = []
        self.rows: dict[str, Row] = {}
        self._first_answer: Callable[[], None] | None = None
        self._answered = False

    def compose(self) -> ComposeResult:
        yield SroHeader("Today")
        yield StatusLine("Loading…", id="today-summary")
        yield SteadyOptionList(id="today-list")
        yield SroFooter(compact=True)

    def on_screen_resume(self) -> None:
        self.query_one(SroHeader).redraw_with_screen()
        if not self._answered:
            if self._first_answer is not None:
                return  # Textual resumes a new mode's screen twice: its first read is under way
            hold = getattr(self.app, "hold_drawing", None)
            if hold is not None:
                self._first_answer = hold(self.FIRST_ANSWER_WAIT)
        self.action_reload()

    def _first_answer_shown(self) -> None:
        self._answered = True
        release, self._first_answer = self._first_answer, None
        if release is not None:
            release()

    def on_store_changed(self, message: StoreChanged) -> None:
        """Another terminal changed something Today may show: read it again (a worker)."""
        if message.concerns(WATCH_KINDS):
            self.action_reload()

    def action_reload(self) -> None:
        if self.sro.actor is None or self.sro.services is None:
            return
        school = self.sro.school
        self.load(school.id if school is not None else None, self.sro.local_now().date())

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load(self, school_id: int | None, day: date) -> None:
        """Everything Today shows, in one call off the UI thread."""
        try:
            summary = self.services.today.summary(self.actor, school_id, day)
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        except Exception as exc:  # said on the screen, not only in a toast that fades
            problem = unexpected(exc, "Today could not be read", "r tries again.")
            self.app.call_from_thread(self._failed, problem.message)
            return
        self.app.call_from_thread(self.show, summary)

    def _failed(self, message: str) -> None:
        self.query_one("#today-summary", StatusLine).update(literal(message, "bold red"))
        self._first_answer_shown()

    def show(self, summary: TodaySummary) -> None:
        """Today's lines; read again with the same answer (back on Today, another terminal's
        change that Today does not show), nothing on screen is drawn again (issue 16)."""
        sections = sections_of(
            summary, self.sro.tz, self.actor.is_supervisor, self.services.ctx.terminal
        )
        if sections != self.sections:
            self.show_sections(sections)
        self.query_one("#today-summary", StatusLine).update(
            f"{summary.day:%A %B %-d}: {summary.waiting} thing(s) waiting. "
            f"Enter opens, {key_display(self, 'today.reload', 'r')} refreshes."
        )
        self._first_answer_shown()

    def show_sections(self, sections: Sequence[Section]) -> None:
        self.sections = list(sections)
        options = self.query_one("#today-list", OptionList)
        keep = None
        if options.highlighted is not None:
            keep = options.get_option_at_index(options.highlighted).id
        # The cursor stays on the same record (or area line), wherever the reload moved it.
        kept = self.rows.get(keep or "")
        options.clear_options()
        self.rows = {}
        first_row: str | None = None
        for number, section in enumerate(sections):
            count = f" ({section.total})" if section.total else ""
            heading = Text(f"{section.title}{count}", style="bold")
            options.add_option(Option(heading, id=f"h{number}", disabled=True))
            if not section.rows:
                text = Text(f"  {section.empty}", style="dim")
                options.add_option(Option(text, id=f"e{number}", disabled=True))
            for position, row in enumerate(section.rows):
                row_id = f"r{number}-{position}"
                self.rows[row_id] = row
                style = "bold red" if row.late else ""
                text = literal(f"  {row.text}", style, no_wrap=True, overflow="ellipsis")
                options.add_option(Option(text, id=row_id, disabled=not row.opens))
                if first_row is None and row.opens:
                    first_row = row_id
        same = [
            row_id
            for row_id, row in self.rows.items()
            if kept is not None
            and (row.record, row.record_id, row.area) == (kept.record, kept.record_id, kept.area)
        ]
        target = same[0] if same else keep if keep is not None and keep in self.rows else first_row
        if target is not None:
            options.highlighted = options.get_option_index(target)

    @on(OptionList.OptionSelected, "#today-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        row = self.rows.get(event.option.id or "")
        if row is not None:
            self.open_row(row)

    def open_row(self, row: Row) -> None:
        if row.record is not None:
            self.post_message(OpenRecord(row.record, row.record_id))
        elif row.area == REVIEW:
            self.sro.action_review()
        elif row.area:
            self.sro.action_go(row.area)

    def action_cursor_down(self) -> None:
        self.query_one("#today-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#today-list", OptionList).action_cursor_up()
