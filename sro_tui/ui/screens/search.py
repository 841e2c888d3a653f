"""Search (ctrl+f from anywhere): incidents, notes, referrals, students, trespass warnings,
calls for service and threat assessment cases as the officer types.

Results arrive about a quarter second after the last key, newest first, each as two lines:
kind, date and title, then a snippet of the text with the matched words highlighted. Record
text is never read as markup: it is added to the hit's ``Content`` as plain characters, and
only the spans the service marks as matched get a style. Enter on a result opens the record (a
warning: Campus security's watch check with the person's name; a call: the report made of it,
if any; a threat case: its case screen); Enter in the search box searches at once and moves
to the results.

What the officer may not read never arrives here: the service leaves out others' confidential
notes and reports the officer may not see.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...domain.errors import SroError
from ...domain.search import SearchHit, SearchKind
from ..access import SessionAccess
from ..messages import OpenRecord, RecordKind
from ..prompt_frames import PromptFrames
from ..text import literal, literal_parts
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.status_line import StatusLine
from ..widgets.steady_scrollbars import SteadyOptionList

__all__ = ["SearchScreen", "hit_text"]

DEBOUNCE_SECONDS = 0.25
SEARCHING_NOTE_SECONDS = 0.15
"""Seconds before a search not yet answered says "Searching…": most answer in 10-20 ms, and
a note drawn and replaced within them cost the answer two frames (issue 16)."""
RESULT_LIMIT = 50
MATCH_STYLE = "bold reverse"
RECORD_KINDS: dict[SearchKind, RecordKind] = {
    SearchKind.INCIDENT: "incident",
    SearchKind.NOTE: "note",
    SearchKind.REFERRAL: "referral",
    SearchKind.STUDENT: "student",
    SearchKind.THREAT: "threat",
}
KIND_LABELS = {
    SearchKind.INCIDENT: "Incident",
    SearchKind.NOTE: "Note",
    SearchKind.REFERRAL: "Referral",
    SearchKind.STUDENT: "Student",
    SearchKind.WARNING: "Warning",
    SearchKind.CALL: "Call",
    SearchKind.THREAT: "Threat",
}


def hit_text(hit: SearchHit, tz: Any) -> Content:
    """Two lines for one hit: kind, local date and title; then the snippet, matched words
    styled. Every piece is plain text (no markup is parsed from record content); built as
    Textual ``Content`` (what the list draws), not a Rich ``Text`` converted at each showing."""
    parts: list[tuple[str, str]] = [
        (f"{KIND_LABELS.get(hit.kind, hit.kind.value):<8} ", "bold"),
        (hit.at.astimezone(tz).strftime("%Y-%m-%d"), "dim"),
        ("  ", ""),
    ]
    parts += literal_parts(hit.title)
    if hit.officer:
        parts += literal_parts(f"  · {hit.officer}", "dim")
    if hit.snippet:
        parts.append(("\n  ", ""))
        for piece, matched in hit.snippet:
            parts += literal_parts(piece, MATCH_STYLE if matched else "")
    return Content.assemble(*parts)


class SearchScreen(SessionAccess, PromptFrames, Screen[None]):
    """A search box over everything the officer may read."""

    AUTO_FOCUS = "#search-query"

    BINDINGS = [
        Binding("escape", "back", "Back", id="search.back"),
        Binding("down", "results", "Results", show=False, id="search.results"),
        Binding("slash", "query", "Search box", show=False, id="search.query"),
    ]

    CSS_PATH = "search.tcss"

    def __init__(self, query: str = "") -> None:
        super().__init__()
        self.initial = query
        self.hits: list[SearchHit] = []
        self.searched = ""
        self.generation = 0
        self._timer: Timer | None = None
        self._searching_note: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SroHeader("Search")
        yield Input(
            self.initial,
            placeholder="Words from a narrative, a note, a name, or a report number",
            id="search-query",
            compact=True,
        )
        yield SteadyOptionList(id="search-results")
        yield StatusLine(
            "Type to search · Enter goes to the results · esc back", id="search-status"
        )
        yield SroFooter()

    def on_mount(self) -> None:
        if self.initial:
            self.search_now()
        else:
            self._prepare()

    @work(thread=True, group="search-prepare", exit_on_error=False)
    def _prepare(self) -> None:
        """The service's statements made ready while the officer starts typing (nothing read
        is audited, kept or shown)."""
        try:
            self.services.search.prepare(self.actor)
        except Exception:  # a preparation only: the first real search says what is wrong
            return

    # -- typing ----------------------------------------------------------------------------------

    @on(Input.Changed, "#search-query")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.search_now)

    @on(Input.Submitted, "#search-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_now()
        self.query_one("#search-results", OptionList).focus()

    def search_now(self, *, again: bool = False) -> None:
        """Search for what is in the box now (the debounce timer calls this too). ``again``:
        the search on screen read once more; its results stay until the answer, and an
        answer equal to them changes nothing on screen."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self.query_one("#search-query", Input).value
        if text == self.searched and self.generation and not again:
            return
        self.searched = text
        self.generation += 1
        if not text.strip():
            self._show(self.generation, [])
            return
        if not again:
            self._note_searching_later()
        self._search(self.generation, text)

    def _note_searching_later(self) -> None:
        """Say "Searching…" in a moment, unless an answer comes first (:meth:`_answered`)."""
        self._answered()
        self._searching_note = self.set_timer(SEARCHING_NOTE_SECONDS, self._note_searching)

    def _note_searching(self) -> None:
        self._searching_note = None
        self.query_one("#search-status", Label).update("Searching…")

    def _answered(self) -> None:
        if self._searching_note is not None:
            self._searching_note.stop()
            self._searching_note = None

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, generation: int, text: str) -> None:
        app = self.app
        try:
            hits = self.services.search.search(
                self.actor,
                text,
                limit=RESULT_LIMIT,
            )
        except SroError as exc:
            app.call_from_thread(self._failed, generation, exc)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self._show, generation, hits)

    def _failed(self, generation: int, error: SroError) -> None:
        if generation == self.generation:
            self._answered()
            self.query_one("#search-status", Label).update(literal(error.message))

    def _show(self, generation: int, hits: list[SearchHit]) -> None:
        if generation != self.generation:
            return
        self._answered()
        if not (hits and hits == self.hits):  # the same answer: the results on screen stand
            self.hits = hits
            results = self.query_one("#search-results", OptionList)
            results.clear_options()
            tz = self.sro.tz
            results.add_options(
                Option(hit_text(hit, tz), id=f"{hit.kind.value}:{hit.record_id}") for hit in hits
            )
            if hits:
                results.highlighted = 0
        status = self.query_one("#search-status", Label)
        if not self.searched.strip():
            status.update("Type to search · Enter goes to the results · esc back")
        elif not hits:
            status.update("Nothing found")
        else:
            more = "+" if len(hits) >= RESULT_LIMIT else ""
            status.update(f"{len(hits)}{more} found, newest first · Enter opens · / search box")

    # -- opening a result ------------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            kind, _, record_id = event.option.id.partition(":")
            self.open_record(SearchKind(kind), int(record_id))

    def open_record(self, kind: SearchKind, record_id: int) -> None:
        hit = next((h for h in self.hits if h.kind is kind and h.record_id == record_id), None)
        if kind is SearchKind.WARNING:
            self._watch_check(hit.lookup if hit is not None else "")
        elif kind is SearchKind.CALL:
            if hit is not None and hit.incident_id is not None:
                self.post_message(OpenRecord("incident", hit.incident_id))
            else:
                self.notify("No report was made of this call", markup=False)
        else:
            self.post_message(OpenRecord(RECORD_KINDS[kind], record_id))

    def _watch_check(self, name: str) -> None:
        """Campus security, the person's name in its watch check."""
        from .trespass import CampusScreen

        app = self.sro
        app.action_go("campus")
        screen = app.screen
        if isinstance(screen, CampusScreen):
            screen.look_for(name)

    # -- keys ------------------------------------------------------------------------------------

    def shown_again(self) -> None:
        """ctrl+f once more (the app keeps this screen): the box selected to type over, and
        the last search read again, since records may have changed meanwhile."""
        self.focus_query()
        if self.searched.strip():
            self.search_now(again=True)

    def focus_query(self) -> None:
        box = self.query_one("#search-query", Input)
        box.focus()
        box.select_all()

    def action_query(self) -> None:
        self.focus_query()

    def action_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if results.option_count:
            results.focus()

    def action_back(self) -> None:
        self.dismiss(None)
