"""Today (f2): the officer's home. Today's shift and checklist progress, own open incidents,
drafts waiting, reports returned for changes, follow-ups due. Every row opens its record.

Everything is read in one thread worker; a part whose service is not there yet says so
instead of inventing rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...domain.errors import SroError
from ...domain.officers import Actor
from ...domain.schools import SchoolRead
from ..access import SroAccess
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader

if TYPE_CHECKING:
    from ...services.registry import Services

NOT_YET = "not available yet"


class Unavailable(Exception):
    """A service (or one of its calls) that is not in this build yet."""


@dataclass
class Row:
    """One line of Today. ``kind`` says what Enter opens, ``ref`` which record."""

    kind: str
    ref: Any
    text: str
    late: bool = False


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    problem: str = ""
    empty: str = "nothing"


def call(services: Services, area: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """``services.<area>.<name>(...)``, or Unavailable if that service or call is missing."""
    try:
        service = getattr(services, area)
    except ImportError as exc:
        raise Unavailable(area) from exc
    method = getattr(service, name, None)
    if method is None:
        raise Unavailable(f"{area}.{name}")
    try:
        return method(*args, **kwargs)
    except NotImplementedError as exc:
        raise Unavailable(f"{area}.{name}") from exc


def items_of(result: Any) -> tuple[list[Any], bool]:
    """The rows of a list or a Page, and whether more pages follow."""
    if isinstance(result, list | tuple):
        return list(result), False
    items = getattr(result, "items", None)
    if isinstance(items, list | tuple):
        return list(items), getattr(result, "next_cursor", None) is not None
    return [], False


def _hhmm(moment: datetime | None, tz: ZoneInfo, today: date) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    return f"{local:%H:%M}" if local.date() == today else f"{local:%b %-d %H:%M}"


def _day(day: date | None, today: date) -> str:
    if day is None:
        return ""
    if day == today:
        return "today"
    return f"{day:%a %b %-d}"


def _incident_text(incident: Any, tz: ZoneInfo, today: date) -> str:
    category = getattr(incident, "category_name", "") or next(
        (o.category_name for o in getattr(incident, "offenses", ()) if o.most_severe),
        next((o.category_name for o in getattr(incident, "offenses", ())), ""),
    )
    parts = [
        incident.number,
        str(incident.status),
        _hhmm(incident.occurred_at, tz, today),
        category or "(no category yet)",
        getattr(incident, "location_name", ""),
    ]
    return "  ".join(p for p in parts if p)


def load_today(
    services: Services, actor: Actor, school: SchoolRead | None, today: date
) -> list[Section]:
    """Every part of Today, read through the services (runs in a thread)."""
    tz = services.ctx.tz
    sections: list[Section] = []

    def part(title: str, build: Callable[[Section], None], empty: str = "nothing") -> None:
        section = Section(title, empty=empty)
        try:
            build(section)
        except Unavailable:
            section.problem = NOT_YET
        except SroError as exc:
            section.problem = str(exc)
        sections.append(section)

    def shift(section: Section) -> None:
        shifts = call(services, "checklist", "shifts_on", actor, today)
        for item in shifts:
            settled, total = item.progress
            section.rows.append(
                Row(
                    "checklist",
                    item.school_id,
                    f"{item.school_name or 'Shift'}: checklist {settled} of {total} settled",
                )
            )
        if not shifts and school is not None:
            section.rows.append(
                Row("checklist", school.id, f"{school.name}: checklist not started (Enter)")
            )

    def open_incidents(section: Section) -> None:
        found, more = items_of(call(services, "incidents", "open_for", actor))
        section.rows.extend(Row("incident", i.id, _incident_text(i, tz, today)) for i in found)
        if more:
            section.rows.append(Row("incidents", None, "more… (f4 lists them all)"))

    def drafts(section: Section) -> None:
        found, _more = items_of(call(services, "drafts", "for_actor", actor))
        for draft in found:
            when = _hhmm(draft.updated_at, tz, today)
            title = draft.title or draft.form.replace("_", " ").capitalize()
            section.rows.append(Row("draft", draft, f"{title}  (saved {when})"))

    def attention(section: Section) -> None:
        found, _more = items_of(call(services, "incidents", "needs_attention", actor))
        for incident in found:
            comment = incident.review_comment
            text = f"{incident.number}  {incident.status}"
            if comment:
                text += f": {comment.splitlines()[0][:80]}"
            section.rows.append(Row("incident", incident.id, text, late=True))

    def review(section: Section) -> None:
        found, more = items_of(call(services, "incidents", "review_queue", actor))
        count = f"{len(found)}+" if more else str(len(found))
        if found:
            section.rows.append(
                Row("review", None, f"{count} report(s) waiting for your review (v)")
            )

    def referrals(section: Section) -> None:
        for referral in call(services, "referrals", "due", actor, today):
            late = referral.next_follow_up_on is not None and referral.next_follow_up_on < today
            text = (
                f"{_day(referral.next_follow_up_on, today)}{' (overdue)' if late else ''}: "
                f"{referral.student_name} — {referral.program_name}"
            )
            section.rows.append(Row("referral", referral.id, text, late=late))

    def notes(section: Section) -> None:
        for note in call(services, "notes", "follow_ups_due", actor, today):
            late = note.follow_up_on is not None and note.follow_up_on < today
            text = (
                f"{_day(note.follow_up_on, today)}{' (overdue)' if late else ''}: "
                f"{str(note.kind).capitalize()} of {note.occurred_at.astimezone(tz):%b %-d}"
            )
            section.rows.append(Row("note", note.id, text, late=late))

    part("Today's shift", shift, empty="no school chosen")
    part("Needs attention", attention, empty="nothing returned to you")
    if actor.is_supervisor:
        part("Review queue", review, empty="no reports waiting")
    part("My open incidents", open_incidents, empty="none open")
    part("Drafts waiting", drafts, empty="no drafts")
    part("Referral follow-ups due", referrals, empty="none due")
    part("Mentoring follow-ups due", notes, empty="none due")
    return sections


class TodayScreen(SroAccess, Screen[None]):
    """The home screen after sign-in."""

    BINDINGS = [
        Binding("r", "reload", "Refresh", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("v", "app.review", "Review queue", id="today.review"),
    ]
    AUTO_FOCUS = "#today-list"

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[Section] = []
        self.rows: dict[str, Row] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Today")
        yield Static("", id="today-summary")
        yield OptionList(id="today-list")
        yield SroFooter(compact=True)

    def on_screen_resume(self) -> None:
        self.query_one(SroHeader).refresh()
        self.action_reload()

    def action_reload(self) -> None:
        if self.sro.actor is None or self.sro.services is None:
            return
        self.query_one("#today-summary", Static).update("Loading…")
        self.load(self.sro.actor, self.sro.school, self.sro.local_now().date())

    @work(thread=True, exclusive=True, group="today")
    def load(self, actor: Actor, school: SchoolRead | None, today: date) -> None:
        services = self.sro.services
        assert services is not None
        try:
            sections = load_today(services, actor, school, today)
        except Exception as exc:
            from ..app import store_problem

            self.app.call_from_thread(self._failed, store_problem(exc))
            return
        self.app.call_from_thread(self.show, sections, today)

    def _failed(self, message: str) -> None:
        self.query_one("#today-summary", Static).update(literal(message, "bold red"))

    def show(self, sections: list[Section], today: date) -> None:
        self.sections = sections
        options = self.query_one("#today-list", OptionList)
        keep = None
        if options.highlighted is not None:
            keep = options.get_option_at_index(options.highlighted).id
        options.clear_options()
        self.rows = {}
        first_row: int | None = None
        index = 0
        for number, section in enumerate(sections):
            count = f" ({len(section.rows)})" if section.rows else ""
            heading = Text(f"{section.title}{count}", style="bold")
            options.add_option(Option(heading, id=f"h{number}", disabled=True))
            index += 1
            if section.problem:
                text = literal(f"  {section.problem}", "italic dim")
                options.add_option(Option(text, id=f"p{number}", disabled=True))
                index += 1
            elif not section.rows:
                text = Text(f"  {section.empty}", style="dim")
                options.add_option(Option(text, id=f"e{number}", disabled=True))
                index += 1
            for position, row in enumerate(section.rows):
                row_id = f"r{number}-{position}"
                self.rows[row_id] = row
                style = "bold red" if row.late else ""
                text = literal(f"  {row.text}", style, no_wrap=True, overflow="ellipsis")
                options.add_option(Option(text, id=row_id))
                if first_row is None:
                    first_row = index
                index += 1
        waiting = sum(len(s.rows) for s in sections if s.title != "Today's shift")
        self.query_one("#today-summary", Static).update(
            f"{today:%A %B %-d}: {waiting} thing(s) waiting. Enter opens, r refreshes."
        )
        target = None
        if keep is not None and keep in self.rows:
            target = options.get_option_index(keep)
        elif first_row is not None:
            target = first_row
        if target is not None:
            options.highlighted = target

    @on(OptionList.OptionSelected, "#today-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        row = self.rows.get(event.option.id or "")
        if row is not None:
            self.open_row(row)

    def open_row(self, row: Row) -> None:
        app = self.sro
        if row.kind == "incident":
            app.open_incident(row.ref)
        elif row.kind == "draft":
            app.open_draft(row.ref)
        elif row.kind == "checklist":
            app.open_checklist()
        elif row.kind == "incidents":
            app.action_go("incidents")
        elif row.kind == "review":
            app.action_review()
        elif row.kind == "referral":
            app.open_referral(row.ref)
        elif row.kind == "note":
            app.open_note(row.ref)

    def action_cursor_down(self) -> None:
        self.query_one("#today-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#today-list", OptionList).action_cursor_up()
