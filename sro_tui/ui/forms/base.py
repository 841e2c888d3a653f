"""The form machinery every data-entry screen shares.

What a form gets from here:

* one validate-and-save path for ctrl+s, the Save button and Enter in a one-line field;
* errors under the field at fault, in the officer's words (``domain.validation``), the cursor
  moved to the first bad field, and nothing typed cleared;
* a draft saved (``services.drafts``) within :data:`AUTOSAVE_DELAY` seconds of the last key and
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
import threading
import uuid
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError
from textual import work
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, Select, SelectionList, Static, TextArea

from ...domain.drafts import DraftRead, DraftSave
from ...domain.errors import SroError, StoreUnavailable
from ...domain.officers import Actor
from ...domain.students import StudentRead, grade_label
from ...domain.text import check_line
from ...domain.validation import field_errors
from ..access import SessionAccess
from ..text import literal, visible
from ..unexpected import unexpected
from ..widgets.confirm import LeaveChoice, LeaveFormScreen
from ..widgets.fields import LabelledField
from ..widgets.typeahead import Choice, MultiTypeAhead, TypeAhead

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult

    from ...services.registry import Services

    _Screen = Screen[Any]
else:
    _Screen = object

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

AUTOSAVE_DELAY = 1.5
"""Seconds after the last key before the draft is written (the promise is "within 2 s")."""

M = TypeVar("M", bound=BaseModel)

FORM_BINDINGS: list[BindingType] = [
    Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
    Binding("escape", "leave", "Back", id="form.leave"),
    Binding("ctrl+r", "retry_load", "Retry", id="form.retry"),
]

LOADING = "Still loading…"


def category_choices(services: Services) -> list[Choice]:
    """Offense categories for a type-ahead: found by code, name words or NIBRS code."""
    return [
        Choice(c.code, c.name, c.code, words=f"{c.nibrs} {c.ed_code}")
        for c in services.reference.categories()
    ]


def location_choices(services: Services) -> list[Choice]:
    return [Choice(loc.code, loc.name, loc.code) for loc in services.reference.locations()]


def student_choice(student: StudentRead) -> Choice:
    grade = f", grade {grade_label(student.grade)}" if student.grade is not None else ""
    return Choice(student.id, student.display_name, f"{student.district_id}{grade}")


def student_search(
    services: Services, actor: Actor, *, limit: int = 8
) -> Callable[[str], list[Choice]]:
    """A type-ahead search over students by name or district ID (runs in a worker thread)."""

    def search(text: str) -> list[Choice]:
        try:
            page = services.students.search(actor, text, limit=limit)
        except SroError:
            return []
        return [student_choice(s) for s in page.items]

    return search


def new_draft_key() -> str:
    """A draft key for a record that does not exist yet (each new form its own draft)."""
    return "new-" + uuid.uuid4().hex[:12]


class FieldProblems(dict[str, str]):
    """Field name -> message, in the order found. ``add`` keeps the first message per field."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, message)

    def add_validation(self, error: ValidationError, model: type[BaseModel] | None) -> None:
        for problem in field_errors(error, model):
            self.add(problem.field, str(problem))


class FormLogic(SessionAccess, _Screen):
    """The behaviour of a form, mixed into a Screen or a ModalScreen (see below); for the
    type checker it is a Screen (at run time a plain mixin, like ``SessionAccess``).

    Hooks a form fills in: :meth:`load`, :meth:`fill`, :meth:`collect`, :meth:`restore`,
    :meth:`draft_title`, :meth:`build`, :meth:`persist`, :meth:`saved`. Class settings:
    ``FORM`` (the draft's form name, e.g. "quick_incident") and ``WHAT`` (how the leave dialog
    names the form).

    ``loading`` is True until :meth:`fill` ran: ctrl+s then says "Still loading…" and saves
    once loaded; autosave waits. A failed load shows its message in the form, which stays
    usable; ctrl+r loads again. ``from_draft``: set it in ``fill`` when a draft was restored
    (the form then counts as changed).
    """

    FORM: ClassVar[str] = "form"
    WHAT: ClassVar[str] = "this form"

    # Set by init_form(); typed here for the mixin.
    draft_id: int | None
    draft_key: str
    _baseline: dict[str, Any] | None
    _last_draft: dict[str, Any] | None
    _autosave_timer: Timer | None
    _draft_lock: threading.Lock
    _finished: bool
    _saving: bool
    _snapshot: tuple[dict[str, Any], str] | None
    _saves: int
    loading: bool
    load_failed: bool
    from_draft: bool
    _pristine: dict[str, Any] | None
    _save_when_loaded: bool

    def init_form(self, *, draft_id: int | None = None, draft_key: str | None = None) -> None:
        self.draft_id = draft_id
        self.draft_key = draft_key or new_draft_key()
        self._baseline = {}
        self._last_draft = None
        self._autosave_timer = None
        self._draft_lock = threading.Lock()
        self._finished = False
        self._saving = False
        self._snapshot = None
        self._saves = 0
        self.loading = True
        self.load_failed = False
        self.from_draft = False
        self._pristine = None
        self._save_when_loaded = False

    # -- hooks -------------------------------------------------------------------------------

    def load(self) -> object:
        """Every store read the form needs (choices, the record, its draft, the school name).
        Runs in a thread worker started on mount: touch no widget here."""
        return None

    def fill(self, loaded: object) -> None:
        """Put what :meth:`load` returned into the skeleton (on the UI thread). Fields the
        officer typed into while it loaded get their text back afterwards (see
        :meth:`_loaded`), so fill may set every field."""

    def collect(self) -> dict[str, Any]:
        """Everything typed, as JSON-ready values (the draft's payload)."""
        raise NotImplementedError

    def restore(self, payload: dict[str, Any]) -> None:
        """Put a draft's payload back into the fields."""
        raise NotImplementedError

    def draft_title(self) -> str:
        """How the draft is listed on Today, e.g. "Quick incident — Trespass, 10:40"."""
        return self.WHAT.capitalize()

    def build(self, problems: FieldProblems) -> Any:
        """Turn the fields into what ``persist`` takes. Add a message per bad field to
        ``problems`` (return anything; it is ignored when there are problems)."""
        raise NotImplementedError

    def persist(self, data: Any) -> Any:
        """Save ``data`` through a service. Runs in a thread: touch no widget here."""
        raise NotImplementedError

    def saved(self, result: Any) -> None:
        """After a successful save (on the UI thread): notify, close or go on editing."""

    def close_form(self, result: Any = None) -> None:
        """Leave the form (its draft already kept or discarded)."""
        self.dismiss(result)

    # -- fields --------------------------------------------------------------------------------

    def fields(self) -> list[LabelledField]:
        """The form's fields in screen order."""
        return list(self.query(LabelledField))

    def field(self, name: str) -> LabelledField | None:
        return next((f for f in self.fields() if f.field == name), None)

    # -- loading -------------------------------------------------------------------------------

    def start_load(self) -> None:
        """Read the store in a thread; the skeleton takes keys meanwhile (on mount, ctrl+r)."""
        if self._pristine is None:
            # The skeleton as composed: whatever differs from it later was typed.
            self._pristine = self.collect()
            self._baseline = dict(self._pristine)
        self.loading = True
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
        self.loading = False
        self._status("")
        self.refresh_bindings()
        if typed:
            self.form_changed()
        if self._save_when_loaded:
            self._save_when_loaded = False
            self.action_save()

    def _load_failed(self, error: SroError) -> None:
        if self._finished or not self.is_mounted:
            return
        self.load_failed = True
        self._save_when_loaded = False
        self._status("")
        self.refresh_bindings()
        message = error.message
        if isinstance(error, StoreUnavailable):
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

    def _status(self, text: str) -> None:
        for marker in self.query(".draft-status"):
            assert isinstance(marker, Static)
            marker.update(text)

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

    def set_message(self, text: str, *, error: bool = True) -> None:
        """The line at the top of the form (store trouble, problems with no field)."""
        for message in self.query(".form-message"):
            assert isinstance(message, Static)
            message.update(literal(text, multiline=True))
            message.set_class(bool(text), "-shown")
            message.set_class(error, "-error")

    def handle_error(self, error: SroError) -> None:
        """The one place a service's refusal turns into something on screen."""
        if error.field and self.field(error.field) is not None:
            self.show_problems({error.field: error.message})
            return
        if isinstance(error, StoreUnavailable):
            self.set_message(f"Not saved: {error.message}. Everything you typed is still here.")
        else:
            self.set_message(error.message)
        self.notify(visible(error.message), severity="error", timeout=8, markup=False)

    def action_save(self) -> None:
        """ctrl+s, the Save button and Enter in a one-line field all come here."""
        if self._saving or self._finished:
            return
        if self.loading:
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

    # -- drafts ----------------------------------------------------------------------------------

    def take_baseline(self, *, changed: bool = False) -> None:
        """Remember the fields as loaded; ``changed`` marks a form opened from a draft."""
        self._baseline = None if changed else self.collect()
        self._last_draft = self.collect() if changed else None

    def is_changed(self) -> bool:
        """Differs from the record as loaded (a form restored from a draft always does)."""
        return self._baseline is None or self.collect() != self._baseline

    def schedule_autosave(self) -> None:
        """Called on every change: (re)start the countdown to the draft write (not while the
        form loads: a draft written then could hide the one being loaded)."""
        if self._finished or self.loading:
            return
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
        self._autosave_timer = self.set_timer(AUTOSAVE_DELAY, self.autosave, name="autosave")

    def _stop_autosave(self) -> None:
        if self._autosave_timer is not None:
            self._autosave_timer.stop()
            self._autosave_timer = None

    @property
    def autosave_pending(self) -> bool:
        return self._autosave_timer is not None

    def flush_autosave(self) -> None:
        """Write the draft now if a write is pending (tests; leaving the screen)."""
        if self._autosave_timer is not None:
            self._stop_autosave()
            self.autosave()

    def autosave(self) -> None:
        self._autosave_timer = None
        if self._finished or self._saving or not self.is_changed():
            return
        payload = self.collect()
        if payload == self._last_draft:
            return
        self._write_draft(payload, self.draft_title(), then_close=False, saves=self._saves)

    @work(thread=True, group="form-draft", exit_on_error=False)
    def _write_draft(
        self, payload: dict[str, Any], title: str, then_close: bool, saves: int | None = None
    ) -> None:
        app = self.app
        try:
            draft = self.write_draft_now(payload, title, saves=saves)
        except SroError as exc:
            app.call_from_thread(self._draft_failed, exc, then_close)
            return
        except Exception as exc:
            app.call_from_thread(
                self._draft_failed,
                unexpected(exc, "Draft not saved", "What you typed is still here."),
                then_close,
            )
            return
        app.call_from_thread(self._draft_written, draft, then_close)

    def write_draft_now(
        self, payload: dict[str, Any], title: str, *, saves: int | None = None
    ) -> DraftRead | None:
        """Write the draft (blocking; from a thread, or on the way out). ``saves`` is the
        record-save count the payload was taken at: a payload from before a save that has
        since happened is not written (it would bring back a draft the save discarded)."""
        with self._draft_lock:
            if self._finished or (saves is not None and saves != self._saves):
                return None
            draft = self.services.drafts.save(
                self.actor,
                DraftSave(form=self.FORM, key=self.draft_key, title=title[:200], payload=payload),
            )
            self.draft_id = draft.id
            self._last_draft = payload
            return draft

    def _draft_written(self, draft: DraftRead | None, then_close: bool) -> None:
        if self.has_class("-draft-failed"):
            self.remove_class("-draft-failed")
            self.set_message("")
        for marker in self.query(".draft-status"):
            assert isinstance(marker, Static)
            now = self.services.ctx.now().astimezone(self.services.ctx.tz)
            marker.update(f"Draft saved {now:%H:%M:%S}" if draft is not None else "")
        if then_close:
            self._finished = True
            self.close_form(None)

    def _draft_failed(self, error: SroError, then_close: bool) -> None:
        self.add_class("-draft-failed")
        verb = "kept" if then_close else "saved"
        self.set_message(
            f"Draft not {verb}: {error.message}. What you typed is still here; the form stays open."
        )
        self.notify(visible(error.message), severity="error", timeout=8, markup=False)

    # -- leaving ---------------------------------------------------------------------------------

    def action_leave(self) -> None:
        """Escape: leave at once if nothing changed, otherwise ask what to do with the draft."""
        if self._saving:
            return
        if not self.is_changed():
            self._stop_autosave()
            self._finished = True
            self.close_form(None)
            return

        def chosen(choice: LeaveChoice | None) -> None:
            if choice == "keep":
                self._stop_autosave()
                self._write_draft(self.collect(), self.draft_title(), then_close=True)
            elif choice == "discard":
                self._stop_autosave()
                self._discard_and_close()

        self.app.push_screen(LeaveFormScreen(self.WHAT), chosen)

    @work(thread=True, group="form-draft", exit_on_error=False)
    def _discard_and_close(self) -> None:
        app = self.app
        problem: SroError | None = None
        with self._draft_lock:
            self._finished = True
            if self.draft_id is not None:
                try:
                    self.services.drafts.discard(self.actor, self.draft_id)
                    self.draft_id = None
                except SroError as exc:
                    problem = exc
                except Exception as exc:
                    problem = unexpected(exc, "Draft not removed", "It stays on Today.")
        app.call_from_thread(self._discarded, problem)

    def _discarded(self, problem: SroError | None) -> None:
        if problem is not None:
            self.notify(
                visible(f"The draft could not be removed: {problem.message}"),
                severity="warning",
                markup=False,
            )
        self.close_form(None)

    def save_draft_on_exit(self) -> None:
        """Last chance (the screen is going away without Escape, e.g. the app quits).

        Writes the snapshot taken at the last edit if its autosave had not run yet: by the
        time a screen unmounts, its widgets may already be gone, so they are not read here.
        """
        pending = self._autosave_timer is not None
        self._stop_autosave()
        snapshot = self._snapshot
        if self._finished or self._saving or not pending or snapshot is None:
            return
        payload, title = snapshot
        if payload == self._last_draft or payload == self._baseline:
            return
        with contextlib.suppress(SroError):  # nothing more can be done on the way out
            self.write_draft_now(payload, title)

    # -- change tracking ---------------------------------------------------------------------------

    def form_changed(self) -> None:
        """Any edit: note what the form holds now and (re)start the autosave countdown."""
        if self._finished or not self.is_mounted:
            return
        self._snapshot = (self.collect(), self.draft_title())
        self.schedule_autosave()


class _FormEvents(FormLogic):
    """Message handlers shared by both screen kinds. Textual finds handlers by name along the
    class's MRO, so they work from this plain mixin (``@on`` handlers would not); a form's
    own handler of the same message runs first, then these."""

    def on_mount(self) -> None:
        """After the form's own on_mount (the skeleton is drawn): read the store."""
        self.start_load()

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


class FormScreen(_FormEvents, FormLogic, Screen[Any]):
    """A full-screen form (the incident form, later mentoring and referrals)."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = FORM_BINDINGS

    def compose_message(self) -> ComposeResult:
        yield message_line()


class FormModal(_FormEvents, FormLogic, ModalScreen[Any]):
    """A form in a dialog over the current screen (the quick incident)."""

    DEFAULT_CSS = FORM_CSS
    BINDINGS = FORM_BINDINGS

    def compose_message(self) -> ComposeResult:
        yield message_line()
