"""The shared form machinery, the time field and the type-ahead, on a real SQLite store.

Also home of ``FormHost``, the small app the incident UI tests mount their screens in: it
carries ``services``, ``actor`` and ``school`` the way the real app does, and binds ctrl+n.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import Field
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from sro_tui.domain.base import Schema
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.domain.text import RequiredLine
from sro_tui.services.registry import Services
from sro_tui.ui.forms.base import FieldProblems, FormModal, location_choices
from sro_tui.ui.widgets.confirm import LeaveFormScreen
from sro_tui.ui.widgets.fields import LabelledField, TimeField
from sro_tui.ui.widgets.typeahead import Choice, TypeAhead, match_choices

from .conftest import Clock, make_officer
from .ui_shell_support import type_text


class Home(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Label("home", id="home")


class FormHost(App[None]):
    """Stands in for the real app in UI tests: services, actor, today's school, ctrl+n."""

    BINDINGS = [Binding("ctrl+n", "quick_incident", "Quick incident")]

    def __init__(
        self,
        services: Services,
        actor: Actor,
        school: SchoolRead | None = None,
        first: Callable[[], Screen[Any]] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        self.school = school
        self.first = first
        self.results: list[Any] = []
        self.demo = False

    def local_now(self) -> datetime:
        return self.services.ctx.now().astimezone(self.services.ctx.tz)

    def on_mount(self) -> None:
        self.push_screen(Home())
        if self.first is not None:
            self.push_screen(self.first(), self.results.append)

    def action_quick_incident(self) -> None:
        from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

        self.push_screen(QuickIncidentScreen(), self.results.append)

    def open_incident(self, incident_id: int) -> None:
        from sro_tui.ui.screens.incident_form import IncidentFormScreen

        self.push_screen(IncidentFormScreen(incident_id=incident_id))


@pytest.fixture
def ui_officer(sqlite_services: Services) -> Actor:
    return make_officer(sqlite_services, "1001", "officer")


@pytest.fixture
def vhs(sqlite_services: Services) -> SchoolRead:
    return sqlite_services.reference.school_by_code("VHS")


# --- a small form built on the machinery, as later forms (mentoring, referrals) will be ------


class ContactIn(Schema):
    where: RequiredLine = Field(title="Location")
    minutes: int = Field(ge=1, le=600, title="Minutes")
    topic: RequiredLine = Field(title="Topic")


class ContactForm(FormModal):
    """One field of each kind: time, required type-ahead, a number, a line of text."""

    FORM = "test_contact"
    WHAT = "this contact"
    AUTO_FOCUS = "#when Input"

    def __init__(self, draft_id: int | None = None) -> None:
        super().__init__()
        self.init_form(draft_id=draft_id)
        self.when = TimeField()
        self.where = TypeAhead()
        self.minutes = Input(id="minutes-input")
        self.topic = Input(id="topic-input")
        self.saved_data: list[Any] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield from self.compose_message()
            yield LabelledField("When", self.when, field="when", required=True, id="when")
            yield LabelledField("Where", self.where, field="where", required=True, id="where")
            yield LabelledField("Minutes", self.minutes, field="minutes", id="minutes")
            yield LabelledField("Topic", self.topic, field="topic", id="topic")
            yield Static("", classes="draft-status")

    def load(self) -> Any:
        draft = None
        if self.draft_id is not None:
            draft = self.services.drafts.get(self.actor, self.draft_id)
        return location_choices(self.services), draft

    def fill(self, loaded: Any) -> None:
        choices, draft = loaded
        self.where.set_choices(choices)
        if draft is not None:
            self.draft_key = draft.key
            self.from_draft = True
            self.restore(draft.payload)

    def collect(self) -> dict[str, Any]:
        return {
            "when": self.when.text,
            "where": self.where.value,
            "where_text": self.where.text,
            "minutes": self.minutes.value,
            "topic": self.topic.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        self.when.text = payload["when"]
        self.where.set_choice(self.where.find_choice(payload["where"]), text=payload["where_text"])
        self.minutes.value = payload["minutes"]
        self.topic.value = payload["topic"]

    def draft_title(self) -> str:
        return f"Contact — {self.topic.value}"

    def build(self, problems: FieldProblems) -> Any:
        moment = None
        problem = self.when.problem()
        if problem:
            problems.add("when", f"When {problem}")
        else:
            moment = self.when.parse()
        if self.where.value is None:
            problems.add("where", "Location: pick one from the list")
        data = self.validate_model(
            ContactIn,
            problems,
            where=self.where.value or "?",
            minutes=self.minutes.value,
            topic=self.topic.value,
        )
        return (moment, data)

    def persist(self, data: Any) -> Any:
        self.saved_data.append(data)
        return data

    def saved(self, result: Any) -> None:
        self._finished = True
        self.close_form(result)


def contact_host(services: Services, actor: Actor, **kwargs: Any) -> FormHost:
    return FormHost(services, actor, first=lambda: ContactForm(**kwargs))


def _form(app: App[Any]) -> ContactForm:
    screen = app.screen
    assert isinstance(screen, ContactForm)
    return screen


# --- widgets on their own ---------------------------------------------------------------------


def test_match_choices_by_code_and_words() -> None:
    choices = [
        Choice("TRESPASS", "Trespass / unauthorized adult"),
        Choice("TRUANCY", "Truancy / leaving campus"),
        Choice("DRUG-SALE", "Drugs: sale"),
        Choice("DRUG-POSS", "Drugs: possession"),
    ]
    assert [c.value for c in match_choices(choices, "tre")] == ["TRESPASS"]
    assert [c.value for c in match_choices(choices, "tr")] == ["TRESPASS", "TRUANCY"]
    assert [c.value for c in match_choices(choices, "dru sal")] == ["DRUG-SALE"]
    assert [c.value for c in match_choices(choices, "drug-p")] == ["DRUG-POSS"]
    assert [c.value for c in match_choices(choices, "leaving")] == ["TRUANCY"]
    assert match_choices(choices, "zzz") == []


async def test_time_field_reads_what_officers_type(
    sqlite_services: Services, ui_officer: Actor, clock: Clock
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        form = _form(app)
        await pilot.press("t")
        await pilot.pause()
        assert form.when.text == "2026-09-14 08:30"  # now, in Ventura
        preview = form.when.query_one(".time-preview", Static)
        assert "today 08:30" in str(preview.content)
        for typed, expected in [
            ("-15m", datetime(2026, 9, 14, 15, 15, tzinfo=UTC)),
            ("-2h", datetime(2026, 9, 14, 13, 30, tzinfo=UTC)),
            ("07:40", datetime(2026, 9, 14, 14, 40, tzinfo=UTC)),
            ("0740", datetime(2026, 9, 14, 14, 40, tzinfo=UTC)),
            ("10:40", datetime(2026, 9, 13, 17, 40, tzinfo=UTC)),  # later than now: yesterday
            ("2026-09-10 10:40", datetime(2026, 9, 10, 17, 40, tzinfo=UTC)),
        ]:
            form.when.text = ""
            await pilot.press(*typed)
            await pilot.pause()
            assert form.when.parse() == expected, typed
        assert "yesterday" not in str(preview.content)
        form.when.text = ""
        await pilot.press(*"25:99")
        await pilot.press("tab")
        await pilot.pause()
        labelled = form.query_one("#when", LabelledField)
        assert "not a time of day" in labelled.error
        assert str(preview.content) == "?"


async def test_typeahead_filters_and_picks_with_keys(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        form = _form(app)
        form.where.input.focus()
        await pilot.press(*"par")
        await pilot.pause()
        assert [c.value for c in form.where.suggestions] == ["PARKING"]
        form.where.input.value = ""
        await pilot.press(*"o")
        await pilot.pause()
        shown = [c.value for c in form.where.suggestions]
        assert shown == ["OFFICE", "ONLINE", "EVENT"]  # codes first, then name words
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert form.where.value == "EVENT"
        assert form.where.text == "Off-campus school event"
        assert app.focused is form.minutes  # Enter took it and moved on
        # Editing the text un-picks it.
        form.where.input.focus()
        await pilot.press("end", "backspace")
        await pilot.pause()
        assert form.where.value is None
        assert form.where.list_open  # "Off-campus school even" still finds it
        # Escape closes the list without leaving the form.
        await pilot.press("escape")
        await pilot.pause()
        assert not form.where.list_open
        assert app.screen is form


# --- validation --------------------------------------------------------------------------------


async def test_bad_input_on_every_field_kind_is_shown_under_it(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        form = _form(app)
        await pilot.press(*"99:99")
        form.where.input.focus()
        await pilot.press(*"nowhere")
        form.minutes.focus()
        await pilot.press(*"ten")
        form.topic.focus()
        # A control character can only arrive by pasting; it must be refused, not saved.
        app.post_message(events.Paste("Drug \x07talk"))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = {f.field: f.error for f in form.fields()}
        assert "not a time of day" in errors["when"]
        assert "pick one from the list" in errors["where"]
        assert errors["minutes"] == "Minutes must be a whole number"
        assert "control character" in errors["topic"]
        # The cursor is in the first bad field, and nothing typed was cleared.
        assert app.focused is form.when.input
        assert form.when.text == "99:99"
        assert form.where.text == "nowhere"
        assert form.minutes.value == "ten"
        assert form.topic.value == "Drug \x07talk"
        assert form.saved_data == []
        # Fix the time only: the cursor moves to the next bad field.
        form.when.text = "t"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.query_one("#when", LabelledField).error == ""
        assert app.focused is form.where.input
        # A number out of range speaks the officer's language too.
        form.minutes.value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.query_one("#minutes", LabelledField).error == "Minutes must be at least 1"


async def test_enter_in_a_line_field_saves_through_the_same_path(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        form = _form(app)
        await pilot.press("t", "tab", *"cafe", "enter", *"20", "tab", *"Mentoring")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not form
        _moment, data = app.results[-1]
        assert data.where == "CAFETERIA" and data.minutes == 20 and data.topic == "Mentoring"


# --- drafts ------------------------------------------------------------------------------------


async def test_autosave_is_debounced_and_escape_offers_three_choices(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    drafts = sqlite_services.drafts
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        form = _form(app)
        # An unchanged form closes on Escape without a question.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Home)

        app.push_screen(ContactForm())
        await pilot.pause()
        form = _form(app)
        form.topic.focus()
        await type_text(pilot, "Gate check")  # one burst: well inside the 1.5 s to the draft
        assert form.autosave_pending  # a write is scheduled, not done on every key
        assert drafts.for_actor(ui_officer) == []
        form.flush_autosave()
        await app.workers.wait_for_complete()
        [draft] = drafts.for_actor(ui_officer)
        assert draft.form == "test_contact"
        assert draft.title == "Contact — Gate check"
        assert draft.payload["topic"] == "Gate check"

        # Escape -> go back: still in the form, text intact.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveFormScreen)
        await pilot.press("b")
        await pilot.pause()
        assert app.screen is form and form.topic.value == "Gate check"

        # Escape -> keep: the draft holds what was typed last, the form closes.
        await pilot.press(*" and lot")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("k")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
        [draft] = drafts.for_actor(ui_officer)
        assert draft.payload["topic"] == "Gate check and lot"

        # Reopen from the draft: everything is back; Escape -> discard removes it.
        app.push_screen(ContactForm(draft_id=draft.id))
        await pilot.pause()
        form = _form(app)
        assert form.topic.value == "Gate check and lot"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
        assert drafts.for_actor(ui_officer) == []


async def test_saving_the_record_discards_its_draft(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        form = _form(app)
        await pilot.press("t", "tab", *"gym", "enter", *"5", "tab", *"Lunch")
        form.flush_autosave()
        await app.workers.wait_for_complete()
        assert len(sqlite_services.drafts.for_actor(ui_officer)) == 1
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
        assert sqlite_services.drafts.for_actor(ui_officer) == []
