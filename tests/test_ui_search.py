"""Search (ctrl+f): a word typed into a narrative a moment before is found and highlighted,
Enter opens the incident; another officer's confidential note never shows; record text is
never read as markup."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from textual.content import Content
from textual.widgets import OptionList

from sro_tui.domain.enums import ContactKind
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.search import SearchHit, SearchKind
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.store.models import AuditEvent
from sro_tui.ui.screens import search as search_module
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.screens.note_view import NoteViewScreen
from sro_tui.ui.screens.search import MATCH_STYLE, SearchScreen, hit_text
from sro_tui.ui.screens.today import TodayScreen
from sro_tui.ui.widgets.status_line import StatusLine

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def prompts(screen: SearchScreen) -> list[Content]:
    results = screen.query_one("#search-results", OptionList)
    return [results.get_option_at_index(i).prompt for i in range(results.option_count)]


def highlighted_words(text: Content) -> list[str]:
    return [text.plain[s.start : s.end] for s in text.spans if s.style == MATCH_STYLE]


async def open_search(pilot: Any) -> SearchScreen:
    """ctrl+f, signed in: the search screen, settled."""
    await pilot.press("ctrl+f")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    return screen


async def test_a_word_just_typed_into_a_narrative_is_found_and_opens(
    services: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    vhs = services.reference.school_by_code("VHS").id
    older = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(days=2),
            location_code="GYM",
            offenses=[OffenseIn(category_code="THEFT")],
            narrative="A skateboard was taken from the rack by the gym.",
        ),
    )
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, TodayScreen)
        # Typed a moment ago, through the same service the form uses.
        newer = services.incidents.create(
            officer,
            IncidentCreate(
                school_id=vhs,
                occurred_at=clock.now - timedelta(minutes=10),
                location_code="PARKING",
                offenses=[OffenseIn(category_code="VANDALISM")],
                narrative="Student rode a [bold]Skateboard[/bold] into the fence and bent it.",
            ),
        )
        await pilot.press("ctrl+f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await type_text(pilot, "skateb")
        # As-you-type: a search waits for a pause in the typing, not one per key.
        assert screen.generation == 0 and screen._timer is not None
        await pilot.press("enter")  # search now and go to the results
        await settle(pilot)
        assert [(h.kind, h.record_id) for h in screen.hits] == [
            (SearchKind.INCIDENT, newer.id),
            (SearchKind.INCIDENT, older.id),
        ]  # newest first
        first, second = prompts(screen)
        assert highlighted_words(first) == ["Skateboard"]
        assert highlighted_words(second) == ["skateboard"]
        # The record's own brackets are shown as typed, not read as markup.
        assert "[bold]Skateboard[/bold]" in first.plain
        assert newer.number in first.plain
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen) and form.incident_id == newer.id


async def test_another_officers_confidential_note_is_never_shown(
    services: Services, clock: Clock
) -> None:
    make_officer(services, "1001")
    author = make_officer(services, "1002")
    make_officer(services, "2001", "supervisor", ("VHS",))
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(district_id="S-7", first_name="Lee", last_name="Park", school_id=vhs),
    ).id

    def note(text: str, confidential: bool) -> int:
        return services.notes.create(
            author,
            NoteCreate(
                kind=ContactKind.MENTORING,
                school_id=vhs,
                occurred_at=clock.now - timedelta(hours=1),
                minutes=15,
                student_ids=[student],
                text=text,
                confidential=confidential,
            ),
        ).id

    note("Talked about the pottery class and grades", confidential=False)
    note("Disclosed trouble at home; pottery helps", confidential=True)
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "2001")  # a supervisor reads every note, but not these words
        await pilot.press("ctrl+f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await type_text(pilot, "pottery")
        await pilot.press("enter")
        await settle(pilot)
        shown = "\n".join(p.plain for p in prompts(screen))
        assert len(screen.hits) == 1 and "pottery class" in shown
        assert "Disclosed" not in shown and "trouble at home" not in shown
        await pilot.press("slash")  # back to the box
        await pilot.press("ctrl+u")
        await type_text(pilot, "disclosed")
        await pilot.press("enter")
        await settle(pilot)
        assert screen.hits == [] and prompts(screen) == []
        # The other note opens in the note view.
        await pilot.press("slash", "ctrl+u")
        await type_text(pilot, "grades")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, NoteViewScreen)


def test_hit_text_styles_only_the_matched_pieces() -> None:
    hit = SearchHit(
        kind=SearchKind.REFERRAL,
        record_id=3,
        at=datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
        title="PAL · [red]x[/red]",
        snippet=(("wants a ", False), ("mentor", True), (" [link=x]now[/link]", False)),
    )
    text = hit_text(hit, UTC)
    assert "PAL · [red]x[/red]" in text.plain and "[link=x]now[/link]" in text.plain
    assert highlighted_words(text) == ["mentor"]


async def test_search_needs_a_session(services: Services, clock: Clock) -> None:
    make_officer(services, "1001")
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await sign_in(pilot)
        app.lock()
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert not isinstance(app.screen, SearchScreen)


async def test_searching_is_said_only_when_the_answer_is_slow(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer in the usual few milliseconds replaces the hint line at once; one that keeps
    the officer waiting says "Searching…" until it comes."""
    make_officer(services, "1001")
    gate = threading.Event()
    search = services.search.search

    def slow(*args: Any, **kwargs: Any) -> Any:
        gate.wait(10)
        return search(*args, **kwargs)

    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        screen = await open_search(pilot)
        status = screen.query_one("#search-status", StatusLine)
        hint = str(status.content)
        monkeypatch.setattr(services.search, "search", slow)
        await type_text(pilot, "rack")
        await pilot.press("enter")
        await pilot.pause()
        assert str(status.content) == hint  # not said at once
        await pilot.pause(search_module.SEARCHING_NOTE_SECONDS + 0.2)
        assert str(status.content) == "Searching…"
        gate.set()
        await settle(pilot)
        assert str(status.content) == "Nothing found"


async def test_opening_search_prepares_its_reads_and_audits_no_search(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_officer(services, "1001")
    prepared: list[str] = []
    prepare = services.search.prepare

    def spy(actor: Any) -> None:
        prepared.append(actor.badge)
        prepare(actor)

    monkeypatch.setattr(services.search, "prepare", spy)
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await open_search(pilot)
        assert prepared == ["1001"]
        with services.db.read() as session:
            searches = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "search.run")
            ).all()
        assert searches == []  # the preparation is no search the trail records
