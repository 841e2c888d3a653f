"""Type-ahead: an input with a list of suggestions under it, filtered as the officer types.

Up/Down move through the suggestions, Enter or Tab takes the highlighted one and moves on to
the next field, Escape closes the list. Suggestions come either from a fixed list (categories,
locations: matched by code or by the start of any word of the name) or from a search function
run in a thread worker (students), so typing never waits on the store.

Typed ahead: Enter or Tab pressed before the suggestions for the text typed are in (a search
still running, the form's choices still loading) takes the first match once they arrive,
never the bare text. Text that matches nothing is kept as typed only by an explicit pick of
the "+ add … as a person not on the roster" suggestion (``allow_free_text``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..text import VISIBLE_HIGHLIGHTER
from .choice import FREE_TEXT, Choice, match_choices

__all__ = ["FREE_TEXT", "Choice", "TypeAhead", "match_choices"]


class _Suggestions(OptionList, can_focus=False):
    """The list under the input. It never takes focus: the cursor stays in the input."""


class _TypeAheadInput(Input):
    """The input part: arrows, Enter, Tab and Escape drive the suggestion list.

    Enter and Tab are priority bindings: they run as the app reads the key, so a move to the
    next field happens at once and the rest of a burst of keys lands there. The pick itself
    waits for the keys typed before Enter (still queued for this input): a marker message
    posted to the input is read after them (:meth:`_accept_now`). Up and Down are read in
    :meth:`_on_key`, in order with the characters and before that marker.
    """

    BINDINGS = [
        Binding("enter", "accept", "Accept", show=False, priority=True),
        Binding("tab", "accept_tab", "Accept and next", show=False, priority=True),
        Binding("escape", "close_list", "Close suggestions", show=False),
        Binding("backspace", "backspace", "Delete left", show=False),
    ]

    # Read here, in order with the characters typed (a binding would run only once the key
    # came back up to the app, after the Enter marker below).
    _IN_ORDER_KEYS = {"down": 1, "up": -1}

    async def _on_key(self, event: events.Key) -> None:
        step = self._IN_ORDER_KEYS.get(event.key)
        if step is not None:
            event.stop()
            event.prevent_default()
            self.action_suggest(step)

    class _Accept(Message, bubble=False):
        """Read after the keys typed before Enter/Tab: take a pick now or when it is in."""

        def __init__(self, moved_on: bool) -> None:
            super().__init__()
            self.moved_on = moved_on

    def _owner(self) -> TypeAhead:
        owner = self.parent
        while owner is not None and not isinstance(owner, TypeAhead):
            owner = owner.parent
        assert isinstance(owner, TypeAhead)
        return owner

    def action_suggest(self, step: int) -> None:
        self._owner().move_highlight(step)

    def action_accept(self) -> None:
        owner = self._owner()
        moved_on = owner.advance_on_enter
        self.post_message(self._Accept(moved_on))
        if moved_on:
            owner.after_accept()

    def action_accept_tab(self) -> None:
        self.post_message(self._Accept(True))
        self._owner().after_accept()

    @on(_Accept)
    def _accept_now(self, message: _Accept) -> None:
        owner = self._owner()
        if owner.waiting:
            # Typed faster than the suggestions came: take the first match when they do.
            owner.accept_when_ready()
        elif not owner.accept_highlighted() and not message.moved_on:
            # Enter with nothing to pick in a multi-pick: move on, as Tab does.
            owner.after_accept()

    def action_backspace(self) -> None:
        drop = self._owner().on_backspace_empty
        if not self.value and drop is not None and drop():
            return  # a multi-pick took its last pick off
        self.action_delete_left()

    def action_close_list(self) -> None:
        owner = self._owner()
        if not owner.list_open:
            raise SkipAction()
        owner.close_list(by_officer=True)


class TypeAhead(Vertical):
    """Pick one thing by typing part of it.

    Give either ``choices`` (filtered here with :func:`match_choices`) or ``search``, a function
    of the typed text returning choices; it runs in a thread worker (exclusive: only the newest
    answer counts). ``allow_free_text`` offers a last suggestion "+ add '<text>' as a person
    not on the roster": picking it keeps the text as it is (:attr:`free_chosen`).
    """

    DEFAULT_CSS = """
    TypeAhead {
        height: auto;
    }
    TypeAhead > _Suggestions {
        height: auto;
        max-height: 8;
        display: none;
        border: none;
        background: $panel;
        /* Over the fields below, not pushing them down: the form keeps its place and a key
           redraws the list alone. Where there is no room below it opens above the input
           (the margin is the input's height, so the flip clears it). */
        overlay: screen;
        constrain: none inflect;
        margin-bottom: 3;
    }
    TypeAhead.-compact > _Suggestions {
        margin-bottom: 1;
    }
    TypeAhead.-open > _Suggestions {
        display: block;
    }
    """

    class Picked(Message):
        """A choice was taken (or cleared, with ``choice`` None). ``deferred``: the first
        match of text whose Enter came before its suggestions (the input may hold newer
        text by now)."""

        def __init__(
            self, typeahead: TypeAhead, choice: Choice | None, *, deferred: bool = False
        ) -> None:
            super().__init__()
            self.typeahead = typeahead
            self.choice = choice
            self.deferred = deferred

        @property
        def control(self) -> TypeAhead:
            return self.typeahead

    def __init__(
        self,
        *,
        choices: Sequence[Choice] = (),
        search: Callable[[str], list[Choice]] | None = None,
        placeholder: str = "",
        value: Choice | None = None,
        text: str = "",
        allow_free_text: bool = False,
        advance_on_enter: bool = True,
        min_chars: int = 1,
        limit: int = 8,
        compact: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_class(compact, "-compact")
        self._choices = list(choices)
        self._search = search
        # A fixed list given later (the form loads it) is not there yet: Enter waits for it.
        self._choices_ready = bool(choices) or search is not None
        self._shown_for: str | None = None  # the text the suggestions were found for
        self._pending: list[str] = []  # Enter came before the suggestions for these texts
        self._answers: dict[str, list[Choice]] = {}  # answers in, waiting for an earlier one
        # The text the officer chose to keep as typed. A text given with no choice to a
        # free-text field comes from a saved record or draft (a non-student's name): kept.
        self._free_text: str | None = text if allow_free_text and value is None and text else None
        self._dismissed = False  # Escape closed the list: Enter picks nothing from it
        # Backspace in the empty input (a multi-pick takes its last pick off): True if done.
        self.on_backspace_empty: Callable[[], bool] | None = None
        self.allow_free_text = allow_free_text
        self.advance_on_enter = advance_on_enter
        self.min_chars = min_chars
        self.limit = limit
        self._shown: list[Choice] = []
        # The list under the input, made the first time there is something to show in it:
        # most type-aheads of a form are never opened, and a form comes up faster without.
        self._list: _Suggestions | None = None
        self._choice: Choice | None = value
        self._setting = False
        self.input = _TypeAheadInput(
            value=value.label if value else text,
            placeholder=placeholder,
            compact=compact,
            highlighter=VISIBLE_HIGHLIGHTER,  # a student's or a person's name
        )

    def compose(self) -> ComposeResult:
        yield self.input
        if self._list is not None:
            yield self._list

    # -- state ---------------------------------------------------------------------------------

    @property
    def choice(self) -> Choice | None:
        """The thing picked, or None."""
        return self._choice

    @property
    def value(self) -> Any:
        """The picked choice's value (a code, an id), or None."""
        return self._choice.value if self._choice else None

    @property
    def text(self) -> str:
        return self.input.value

    @property
    def free_text(self) -> str:
        """The text typed when nothing was picked ("" once a choice is taken)."""
        return "" if self._choice else self.input.value.strip()

    @property
    def free_chosen(self) -> bool:
        """The officer picked "+ add … as a person not on the roster" for the text now typed."""
        return (
            self._choice is None
            and self._free_text is not None
            and (self._free_text == self.input.value)
        )

    @property
    def unresolved_text(self) -> str:
        """Text typed that is neither a pick nor an explicit free-text choice ("" if none): a
        form refuses to save it ("pick from the list")."""
        if self._choice is not None or self.free_chosen:
            return ""
        return self.input.value.strip()

    @property
    def waiting(self) -> bool:
        """The suggestions for the text typed are not in yet (a search still running, the
        fixed list not loaded, or the last key not read yet)."""
        text = self.input.value
        if self._choice is not None or not text.strip() or self.free_chosen:
            return False
        return self._shown_for != text or text in self._pending

    @property
    def list_open(self) -> bool:
        return self.has_class("-open")

    @property
    def suggestions(self) -> list[Choice]:
        """The choices shown under the input now (for tests and help)."""
        return list(self._shown) if self.list_open else []

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """The fixed list (a form sets it once loaded): an Enter typed ahead of it is settled
        now, and suggestions for text already typed appear."""
        self._choices = list(choices)
        self._choices_ready = True
        if self._pending:
            for text in list(self._pending):
                self._settle(text, match_choices(self._choices, text, limit=self.limit))
        else:
            self.resume()

    def resume(self) -> None:
        """Show the suggestions for the text typed (after a form filled its fields)."""
        if self.is_mounted and self.input.has_focus and self.unresolved_text:
            self._refresh()

    def set_search(self, search: Callable[[str], list[Choice]] | None) -> None:
        """Search with this function (in a thread worker) instead of the fixed choices."""
        self._search = search

    def set_choice(
        self, choice: Choice | None, *, text: str | None = None, free: bool = False
    ) -> None:
        """Show ``choice`` as picked (or clear it; ``text`` then stays typed, ``free``: as a
        chosen free text, e.g. a saved non-student's name coming back)."""
        self._choice = choice
        self._free_text = (text or "") if choice is None and free else None
        self._setting = True
        try:
            self.input.value = choice.label if choice else (text or "")
            self.input.cursor_position = len(self.input.value)
        finally:
            self._setting = False
        self.close_list()

    def find_choice(self, value: Any) -> Choice | None:
        """The fixed choice with this value, if there is one."""
        return next((c for c in self._choices if c.value == value), None)

    # -- the list ------------------------------------------------------------------------------

    def _options(self) -> _Suggestions:
        """The suggestion list, made (and mounted under the input) when first needed."""
        if self._list is None:
            self._list = _Suggestions()
            if self.is_mounted:
                self.mount(self._list)
        return self._list

    def show(self, found: list[Choice], text: str | None = None) -> None:
        """Show ``found``, the suggestions for ``text`` (default: the text typed now)."""
        text = self.input.value if text is None else text
        self._shown_for = text
        if self.allow_free_text and text.strip():
            label = f"+ add {text.strip()!r} as a person not on the roster"
            found = [*found, Choice(FREE_TEXT, label)]
        self._shown = found
        if not found and self._list is None:
            self.remove_class("-open")  # nothing to show: no list needed yet
            return
        options = self._options()
        options.set_options(Option(c.prompt(), id=str(i)) for i, c in enumerate(found))
        if found and self.input.has_focus:
            options.highlighted = 0
            self.add_class("-open")
        else:
            self.remove_class("-open")

    def close_list(self, *, by_officer: bool = False) -> None:
        """Hide the suggestions; ``by_officer`` (Escape): Enter then picks none of them."""
        self.remove_class("-open")
        if by_officer:
            self._dismissed = True

    def move_highlight(self, step: int) -> None:
        current = bool(self._shown) and self._shown_for == self.input.value
        # (The screen's focus, not has_focus: Enter may have moved it on already.)
        if not self.list_open and (self.screen.focused is self.input or not current):
            self._dismissed = False
            self._refresh(force=True)
            return
        # Open, or hidden only because Enter already moved the focus on (a burst of keys):
        # the highlight still moves, and Enter's pick (read after it) takes it.
        if not self._shown:
            return
        options = self._options()
        current_index = options.highlighted if options.highlighted is not None else 0
        options.highlighted = max(0, min(len(self._shown) - 1, current_index + step))

    def accept_highlighted(self) -> bool:
        """Take the highlighted suggestion for the text typed; True if one was taken. (The
        list may have closed as the focus moved on at Enter: its pick still counts.)"""
        if self._choice is not None or self._dismissed or not self._shown:
            return False
        if self._shown_for != self.input.value:
            return False
        index = self._options().highlighted
        if index is None:
            return False
        self._take(self._shown[index])
        return True

    def after_accept(self) -> None:
        """After Enter or Tab: move on to the next field."""
        self.close_list()
        self.screen.focus_next()

    def _take(self, choice: Choice) -> None:
        if choice.value == FREE_TEXT:
            # Kept as typed, by the officer's explicit choice.
            self.set_choice(None, text=self.input.value, free=True)
            self.post_message(self.Picked(self, None))
            return
        self.set_choice(choice)
        self.post_message(self.Picked(self, choice))

    # -- typed ahead ----------------------------------------------------------------------------

    def accept_when_ready(self) -> None:
        """Enter or Tab before the suggestions for the text typed: take its first match once
        they are in. A multi-pick (``advance_on_enter`` False) clears the input now, so the
        next name typed starts afresh."""
        text = self.input.value
        if self.advance_on_enter:
            self._pending = [text]  # one field, one pick: the newest Enter counts
            self._answers.clear()
        else:
            self._pending.append(text)
            self.set_choice(None)
        if self._search is not None:
            self._run_pending_search(text)
        elif self._choices_ready:
            self._settle(text, match_choices(self._choices, text, limit=self.limit))

    @work(thread=True, group="typeahead-pending", exit_on_error=False)
    def _run_pending_search(self, text: str) -> None:
        # Not exclusive: the next name typed must not cancel this one.
        assert self._search is not None
        found = self._search(text)
        self.app.call_from_thread(self._settle, text, found)

    def _settle(self, text: str, found: list[Choice]) -> None:
        """The suggestions for pending ``text`` are in: settle every pending text whose
        answer is in, in the order Enter was pressed (so students are linked in the order
        typed, whichever search answered first)."""
        if text not in self._pending:
            return
        self._answers[text] = found
        while self._pending and self._pending[0] in self._answers:
            done = self._pending.pop(0)
            self._settle_one(done, self._answers.pop(done))

    def _settle_one(self, text: str, found: list[Choice]) -> None:
        """Take the first match of ``text`` (or leave the text for the officer to see when
        nothing matches)."""
        if not self.advance_on_enter:
            if found:
                self.post_message(self.Picked(self, found[0], deferred=True))
            elif not self.input.value:
                self.set_choice(None, text=text)
                self.resume()
            return
        if self.input.value == text and self._choice is None:
            if found:
                self._take(found[0])
            else:
                self.resume()

    # -- typing --------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._setting:
            return
        if self._choice is not None and event.value != self._choice.label:
            self._choice = None
            self.post_message(self.Picked(self, None))
        self.post_message(TypeAhead.Edited(self))
        self._dismissed = False
        self._refresh()

    class Edited(Message):
        """The officer typed in the input (the form marks itself changed)."""

        def __init__(self, typeahead: TypeAhead) -> None:
            super().__init__()
            self.typeahead = typeahead

    def _refresh(self, *, force: bool = False) -> None:
        text = self.input.value
        if (self._choice is not None or self.free_chosen) and not force:
            self.close_list()
            return
        if len(text.strip()) < self.min_chars and not force:
            self.show([])
            return
        if self._search is None:
            if self._choices_ready:
                self.show(match_choices(self._choices, text, limit=self.limit))
        elif text.strip():
            self._run_search(text)

    @work(thread=True, exclusive=True, group="typeahead", exit_on_error=False)
    def _run_search(self, text: str) -> None:
        assert self._search is not None
        found = self._search(text)
        if get_current_worker().is_cancelled:
            return
        self.app.call_from_thread(self._search_done, text, found)

    def _search_done(self, text: str, found: list[Choice]) -> None:
        if text == self.input.value and self._choice is None:
            self.show(found[: self.limit], text)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(self._shown[event.option_index])
        self.input.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()

    @on(Input.Blurred)
    def _blurred(self, _event: Input.Blurred) -> None:
        self.close_list()
