"""The core of a form: its state, the hooks a concrete form fills in, its fields and the
message line. :mod:`.drafting` adds the drafts, :mod:`.base` loading and saving."""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from ...domain.validation import field_errors
from ..access import SessionAccess
from ..gc_freeze import freeze_long_lived
from ..text import literal
from ..widgets.fields import LabelledField

if TYPE_CHECKING:
    _Screen = Screen[Any]
else:
    _Screen = object

__all__ = ["FieldProblems", "FormCore", "new_draft_key"]


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


class FormCore(SessionAccess, _Screen):
    """A form's state and hooks (the base of :class:`~sro_tui.ui.forms.base.FormLogic`); for
    the type checker a Screen, at run time a plain mixin like ``SessionAccess``.

    Hooks a form fills in: :meth:`load`, :meth:`fill`, :meth:`collect`, :meth:`restore`,
    :meth:`draft_title`, :meth:`build`, :meth:`persist`, :meth:`saved`. Class settings:
    ``FORM`` (the draft's form name, e.g. "quick_incident") and ``WHAT`` (how the leave dialog
    names the form).
    """

    FORM: ClassVar[str] = "form"
    WHAT: ClassVar[str] = "this form"

    # Set by init_form(); typed here for the mixin.
    draft_id: int | None
    draft_key: str
    _baseline: dict[str, Any] | None
    _last_draft: dict[str, Any] | None
    _autosave_timer: Timer | None
    _draft_seq: int
    _draft_seq_written: int
    _edited_in: Widget | None
    _draft_lock: threading.Lock
    _finished: bool
    _saving: bool
    _snapshot: tuple[dict[str, Any], str] | None
    _saves: int
    record_loading: bool
    """The store is being read for the form. Not Textual's ``Widget.loading``: that reactive
    draws the whole screen again at each change, and its indicator would cover the form."""
    load_failed: bool
    from_draft: bool
    _pristine: dict[str, Any] | None
    _save_when_loaded: bool
    status_text: str

    def init_form(self, *, draft_id: int | None = None, draft_key: str | None = None) -> None:
        freeze_long_lived()  # the first form: full collections skip the app's lasting objects
        self.draft_id = draft_id
        self.draft_key = draft_key or new_draft_key()
        self._baseline = {}
        self._last_draft = None
        self._autosave_timer = None
        self._draft_seq = 0
        self._draft_seq_written = 0
        self._edited_in = None
        self._draft_lock = threading.Lock()
        self._finished = False
        self._saving = False
        self._snapshot = None
        self._saves = 0
        self.record_loading = True
        self.load_failed = False
        self.from_draft = False
        self._pristine = None
        self._save_when_loaded = False
        self.status_text = ""

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

    def _status(self, text: str) -> None:
        # Kept for a status line mounted later (a form's lower part comes after its first frame).
        self.status_text = text
        for marker in self.query(".draft-status"):
            assert isinstance(marker, Static)
            marker.update(text)

    def set_message(self, text: str, *, error: bool = True) -> None:
        """The line at the top of the form (store trouble, problems with no field)."""
        for message in self.query(".form-message"):
            assert isinstance(message, Static)
            message.update(literal(text, multiline=True))
            message.set_class(bool(text), "-shown")
            message.set_class(error, "-error")
