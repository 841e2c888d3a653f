"""The form machinery every data-entry screen shares.

What a form gets from here:

* one validate-and-save path for ctrl+s, the Save button and Enter in a one-line field;
* errors under the field at fault, in the officer's words (``domain.validation``), the cursor
  moved to the first bad field, and nothing typed cleared;
* a draft saved (``services.drafts``) at most :data:`AUTOSAVE_DELAY` seconds after the first
  key not yet in it (also while typing goes on), when the cursor moves to another field, and
  again on leaving, so a crash or a lock loses nothing; saving the record discards its draft;
* Escape on a changed form asks: keep the draft, discard it, or go back to the form;
* a store that cannot be written shows its message in the form, which stays open with
  everything typed still in it.

A concrete form subclasses :class:`FormScreen` (a full screen) or :class:`FormModal` (a dialog)
and fills in the hooks of :class:`FormLogic`: ``load`` (every store read the form needs, run in
a thread worker started on mount) and ``fill`` (its result into the fields, on the UI thread),
``collect`` / ``restore`` (the draft's payload), ``build`` (typed text -> a domain schema,
collecting field errors), ``persist`` (the service call, run in a thread) and ``saved`` (what to
do afterwards). ``compose`` and ``on_mount`` of a form touch no store: the skeleton shows at
once and takes keys while ``load`` runs.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError
from textual import events, work
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from ...domain.errors import SroError, StoreUnreachable
from ...domain.text import check_line
from ..prompt_frames import PromptFrames
from ..shown_later import ShownLater
from ..text import visible
from ..unexpected import unexpected
from ..widgets.fields import LabelledField
from ..widgets.multi_typeahead import MultiTypeAhead
from ..widgets.typeahead import TypeAhead
from .choices import category_choices, location_choices, student_choice, student_search
from .core import FieldProblems, new_draft_key
from .drafting import AUTOSAVE_DELAY, FormDrafts

if TYPE_CHECKING:
    from textual.app import ComposeResult

__all__ = [
    "AUTOSAVE_DELAY",
    "FieldProblems",
    "FormLogic",
    "FormModal",
    "FormScreen",
    "category_choices",
    "location_choices",
    "new_draft_key",
    "student_choice",
    "student_search",
]

M = TypeVar("M", bound=BaseModel)

FORM_BINDINGS: list[BindingType] = [
    Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
    Binding("escape", "leave", "Back", id="form.leave"),
    Binding("ctrl+r", "retry_load", "Retry", id="form.retry"),
]

LOADING = "Still loading…"


class FormLogic(FormDrafts):
    """The behaviour of a form, mixed into a Screen or a ModalScreen (see below); for the
    type checker it is a Screen (at run time a plain mixin, like ``SessionAccess``).

    Hooks a form fills in (see :class:`~sro_tui.ui.forms.core.FormCore`): :meth:`load`,
    :meth:`fill`, :meth:`collect`, :meth:`restore`, :meth:`draft_title`, :meth:`build`,
    :meth:`persist`, :meth:`saved`. Class settings: ``FORM`` (the draft's form name, e.g.
    "quick_incident") and ``WHAT`` (how the leave dialog names the form).

    ``loading`` is True until :meth:`fill` ran: ctrl+s then says "Still loading…" and saves
    once loaded; autosave waits. A failed load shows its message in the form, which stays
    usable; ctrl+r loads again. ``from_draft``: set it in ``fill`` when a draft was restored
    (the form then counts as changed).
    """

    # -- loading -------------------------------------------------------------------------------

    def start_load(self) -> None:
        """Read the store in a thread; the skeleton takes keys meanwhile (on mount, ctrl+r)."""
        if self._pristine is None:
            # The skeleton as composed: whatever differs from it later was typed.
            self._pristine = self.collect()
            self._baseline = dict(self._pristine)
        self.record_loading = True
        self.load_failed = False
        self._status(LOADING)
        self._load_in_thread()

    @work(thread=True, exclusive=True, group="form-load", exit_on_error=False)
    def _load_in_thread(self) -> None:
        app = self.app
        try:
            loaded = self.load()
        except SroError as exc:
            app.call_from_thread(self._load_failed, exc)
            return
        except Exception as exc:  # a load must never leave the form waiting for good
            advice = "What you typed is still here: ctrl+r tries again."
            app.call_from_thread(self._load_failed, unexpected(exc, "Not loaded", advice))
            return
        app.call_from_thread(self._loaded, loaded)

    def typed_while_loading(self) -> dict[str, Any]:
        """The draft-payload keys the officer changed since the skeleton was drawn."""
        pristine = self._pristine or {}
        return {k: v for k, v in self.collect().items() if k in pristine and pristine[k] != v}

    def _loaded(self, loaded: object) -> None:
        try:
            self._fill_loaded(loaded)
        finally:
            self.first_answer_shown()  # a form made ahead: drawn now, filled

    if TYPE_CHECKING:  # ShownLater's: forms have it through their events' mixin

        def first_answer_shown(self) -> None: ...

    def _fill_loaded(self, loaded: object) -> None:
        if self._finished or not self.is_mounted:
            return
        typed = self.typed_while_loading()
        self.fill(loaded)
        # The form as loaded is what "changed" is measured against (a draft always is).
        self.take_baseline(changed=self.from_draft)
        if typed:
            # What the officer typed while it loaded wins over what was loaded.
            self.restore({**self.collect(), **typed})
        for typeahead in self.query(TypeAhead):
            typeahead.resume()  # suggestions for text typed before the choices were in
        self.record_loading = False
        self._status("")
        self.refresh_bindings()
        if typed:
            self.form_changed()
        if self._save_when_loaded:
            self._save_when_loaded = False
            self.action_save()

    def _load_failed(self, error: SroError) -> None:
        self.first_answer_shown()
        if self._finished or not self.is_mounted:
            return
        self.load_failed = True
        self._save_when_loaded = False
        self._status("")
        self.refresh_bindings()
        message = error.message
        if isinstance(error, StoreUnreachable):
            message = f"Not loaded: {message}"
        if "ctrl+r" not in message:
            message += " (ctrl+r tries again; what you typed stays)"
        self.set_message(message)

    def action_retry_load(self) -> None:
        """ctrl+r after a failed load: read the store again (typed text stays)."""
        if self.load_failed:
            self.set_message("")
            self.start_load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Retry is offered (and shown) only after a load failed."""
        if action == "retry_load":
            return self.load_failed
        return True

    # -- validation and save ---------------------------------------------------------------------

    def validate_model(self, model: type[M], problems: FieldProblems, **values: Any) -> M | None:
        """Build ``model`` from ``values``; its errors go into ``problems``."""
        try:
            return model(**values)
        except ValidationError as exc:
            problems.add_validation(exc, model)
            return None

    @staticmethod
    def check_text(problems: FieldProblems, field: str, label: str, value: str) -> str:
        """A one-line text checked for characters a store cannot hold."""
        try:
            return check_line(value)
        except ValueError as exc:
            problems.add(field, f"{label} {exc}")
            return value

    def clear_errors(self) -> None:
        for labelled in self.fields():
            labelled.set_error(None)
        self.set_message("")

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message under its field; the cursor goes to the first bad field in screen
        order. Problems with no field on this form are shown at the top."""
        first: LabelledField | None = None
        loose: list[str] = []
        for name, message in problems.items():
            labelled = self.field(name)
            if labelled is None:
                loose.append(message)
                continue
            labelled.set_error(message)
        for labelled in self.fields():
            if labelled.field in problems:
                first = labelled
                break
        if loose:
            self.set_message("; ".join(loose))
        # The toast repeats the first reason (it is also under its field, or at the top).
        first_message = next(iter(problems.values()), "")
        count = len(problems)
        more = f" ({count - 1} more, each under its field)" if count > 1 else ""
        self.notify(visible(f"Not saved: {first_message}{more}"), severity="warning", markup=False)
        if first is not None:
            labelled = first
            self.call_after_refresh(labelled.focus_control)

    def handle_error(self, error: SroError) -> None:
        """The one place a service's refusal turns into something on screen."""
        if error.field and self.field(error.field) is not None:
            self.show_problems({error.field: error.message})
            return
        if isinstance(error, StoreUnreachable):
            self.set_message(f"Not saved: {error.message}. Everything you typed is still here.")
        else:
            self.set_message(error.message)
        self.notify(visible(error.message), severity="error", timeout=8, markup=False)

    def action_save(self) -> None:
        """ctrl+s, the Save button and Enter in a one-line field all come here."""
        if self._saving or self._finished:
            return
        if self.record_loading:
            if self.load_failed:
                self.set_message("Not loaded, so not saved yet: ctrl+r tries to load again.")
            else:
                # Saved the moment the form has what it needs (keys typed ahead count).
                self._save_when_loaded = True
                self._status(LOADING + " it saves once loaded")
            self.notify(LOADING, severity="information", markup=False)
            return
        self.clear_errors()
        problems = FieldProblems()
        try:
            data = self.build(problems)
        except SroError as exc:
            self.handle_error(exc)
            return
        if problems:
            self.show_problems(problems)
            return
        self._stop_autosave()
        self._saving = True
        self._save_in_thread(data)

    @work(thread=True, group="form-save", exit_on_error=False)
    def _save_in_thread(self, data: Any) -> None:
        app = self.app
        try:
            with self._draft_lock:
                result = self.persist(data)
                self._saves += 1
                # The record is safe: its draft is no longer needed.
                if self.draft_id is not None:
                    # A stale draft is harmless (Today still lists it); the record is saved.
                    with contextlib.suppress(SroError):
                        self.services.drafts.discard(self.actor, self.draft_id)
                    self.draft_id = None
                self._last_draft = None
        except SroError as exc:
            app.call_from_thread(self._save_failed, exc)
            return
        except Exception as exc:  # never leave the form stuck in "saving"
            app.call_from_thread(self._save_failed, unexpected(exc, "Not saved"))
            return
        app.call_from_thread(self._save_done, result)

    def _save_failed(self, error: SroError) -> None:
        self._saving = False
        self.handle_error(error)
        # Keep the draft up to date: the officer's text must survive whatever comes next.
        self.schedule_autosave()

    def _save_done(self, result: Any) -> None:
        self._saving = False
        self._baseline = self.collect()
        self.saved(result)


class _FormEvents(ShownLater, FormLogic):
    """Message handlers shared by both screen kinds. Textual finds handlers by name along the
    class's MRO, so they work from this plain mixin (``@on`` handlers would not); a form's
    own handler of the same message runs first, then these."""

    FIRST_ANSWER_WAIT = 0.1
    """A form made ahead (ui/area_prebuild.py) is drawn at its first showing once its
    choices are read, 100 ms at most: one frame, not the skeleton and then the filled form."""

    def on_mount(self) -> None:
        """After the form's own on_mount (the skeleton is drawn): read the store, once the
        form is shown (a form made ahead reads nothing before)."""
        self.when_shown(self.start_load)

    def _changed(self) -> None:
        self.form_changed()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._changed()

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        self._changed()

    def on_type_ahead_edited(self, _event: TypeAhead.Edited) -> None:
        self._changed()

    def on_type_ahead_picked(self, _event: TypeAhead.Picked) -> None:
        self._changed()

    def on_multi_type_ahead_changed(self, _event: MultiTypeAhead.Changed) -> None:
        self._changed()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._changed()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._changed()

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged) -> None:
        self._changed()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Moving to another field writes the pending draft at once."""
        self.focus_moved(event.widget)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a one-line field saves (type-aheads use Enter to pick, and stop it)."""
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            event.stop()
            self.action_save()
        elif event.button.id == "cancel":
            event.stop()
            self.action_leave()

    def on_unmount(self) -> None:
        self.save_draft_on_exit()


FORM_CSS = """
.form-message {
    display: none;
    height: auto;
    padding: 0 1;
}
.form-message.-shown {
    display: block;
}
.form-message.-error {
    background: $error 30%;
    color: $text;
}
.draft-status {
    color: $text-muted;
    width: auto;
    height: 1;
}
"""


def message_line() -> Static:
    """The line where a form says what went wrong with the store."""
    return Static("", classes="form-message", markup=False)


class FormScreen(_FormEvents, FormLogic, PromptFrames, Screen[Any]):
    """A full-screen form (the incident form, later mentoring and referrals)."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = FORM_BINDINGS

    def compose_message(self) -> ComposeResult:
        yield message_line()


class FormModal(_FormEvents, FormLogic, PromptFrames, ModalScreen[Any]):
    """A form in a dialog over the current screen (the quick incident)."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = FORM_BINDINGS

    def compose_message(self) -> ComposeResult:
        yield message_line()
