"""Enter in a student type-ahead links a student, however fast it was typed: the first match
of the text once the search answers, never the bare text. A person not on the roster only by
picking "+ add … as a person not on the roster". Keys are fed in one burst."""

from __future__ import annotations

import threading

from textual.app import App, ComposeResult
from textual.widgets import Input

from sro_tui.ui.widgets.multi_typeahead import MultiTypeAhead
from sro_tui.ui.widgets.typeahead import FREE_TEXT, Choice, TypeAhead

from .ui_shell_support import send_keys, settle

STUDENTS = [
    Choice(1, "Okafor, Michael", "100001"),
    Choice(2, "Okafor, Mary", "100002"),
    Choice(3, "Smith, Jo", "100003"),
]


class SlowSearch:
    """A student search that answers only when the test says so (a busy store)."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.asked: list[str] = []

    def __call__(self, text: str) -> list[Choice]:
        self.asked.append(text)
        self.gate.wait(10)
        words = text.lower().replace(",", " ").split()
        return [
            c
            for c in STUDENTS
            if all(
                any(w.startswith(t) for w in c.label.lower().replace(",", " ").split())
                for t in words
            )
        ]


class Host(App[None]):
    def __init__(self, search: SlowSearch, *, multi: bool) -> None:
        super().__init__()
        self.search = search
        self.multi = multi

    def compose(self) -> ComposeResult:
        if self.multi:
            yield MultiTypeAhead(search=self.search, id="who")
        else:
            yield TypeAhead(search=self.search, allow_free_text=True, id="who")
        yield Input(id="next")


def keys(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def test_enter_before_the_search_answers_links_its_first_match() -> None:
    search = SlowSearch()
    app = Host(search, multi=True)
    async with app.run_test() as pilot:
        multi = app.query_one(MultiTypeAhead)
        multi.typeahead.input.focus()
        await pilot.pause()
        # Two students, each typed and entered faster than the store answers.
        send_keys(pilot, [*keys("okafor m"), "enter", *keys("smith"), "enter"])
        await pilot.pause()
        assert multi.picked == []  # nothing linked yet, and no free text either
        search.gate.set()
        await settle(pilot)
        assert [c.value for c in multi.picked] == [1, 3]
        assert multi.typeahead.text == ""
        assert app.focused is multi.typeahead.input


async def test_nothing_matches_keeps_the_text_unresolved() -> None:
    search = SlowSearch()
    app = Host(search, multi=True)
    async with app.run_test() as pilot:
        multi = app.query_one(MultiTypeAhead)
        multi.typeahead.input.focus()
        await pilot.pause()
        send_keys(pilot, [*keys("zz top"), "enter"])
        await pilot.pause()
        search.gate.set()
        await settle(pilot)
        assert multi.picked == []
        assert multi.typeahead.text == "zz top"
        assert multi.typeahead.unresolved_text == "zz top"


async def test_single_person_field_links_the_student_not_free_text() -> None:
    search = SlowSearch()
    app = Host(search, multi=False)
    async with app.run_test() as pilot:
        who = app.query_one(TypeAhead)
        who.input.focus()
        await pilot.pause()
        send_keys(pilot, [*keys("okafor m"), "enter", *keys("next field")])
        await pilot.pause()
        search.gate.set()
        await settle(pilot)
        assert who.value == 1
        assert not who.free_chosen
        assert app.query_one("#next", Input).value == "next field"


async def test_free_text_only_by_the_explicit_choice() -> None:
    search = SlowSearch()
    search.gate.set()
    app = Host(search, multi=False)
    async with app.run_test() as pilot:
        who = app.query_one(TypeAhead)
        who.input.focus()
        await pilot.pause()
        send_keys(pilot, keys("okafor m"))
        await settle(pilot)
        # The students first, the free-text person last.
        shown = who.suggestions
        assert [c.value for c in shown] == [1, 2, FREE_TEXT]
        assert "not on the roster" in shown[-1].label
        send_keys(pilot, ["down", "down", "enter"])
        await settle(pilot)
        assert who.value is None
        assert who.free_chosen and who.free_text == "okafor m"
        assert who.unresolved_text == ""
        # Typing again makes it plain text again, to be picked or chosen anew.
        who.input.focus()
        await pilot.press("end", "backspace")
        await settle(pilot)
        assert not who.free_chosen and who.unresolved_text == "okafor"


async def test_a_saved_non_student_name_stays_as_it_is() -> None:
    """A person field reopened with a saved non-student's name: Enter keeps it (it is not
    looked up again and turned into a student)."""
    search = SlowSearch()
    search.gate.set()

    class Saved(App[None]):
        def compose(self) -> ComposeResult:
            yield TypeAhead(search=search, allow_free_text=True, text="Okafor, Mary")
            yield Input(id="next")

    app = Saved()
    async with app.run_test() as pilot:
        who = app.query_one(TypeAhead)
        assert who.free_chosen and who.unresolved_text == ""
        who.input.focus()
        await pilot.pause()
        send_keys(pilot, ["enter"])
        await settle(pilot)
        assert who.value is None and who.free_text == "Okafor, Mary"
        assert search.asked == []
