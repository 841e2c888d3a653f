"""How the app opens records and new forms: a screen posts ``OpenRecord(kind, id)`` and the app
knows which screen shows that kind (``navigation.py``); a draft's form is read off the UI
thread; the openers of new records take what the form starts with (the checklist item's
place and time, the timeline's student). Mixed into :class:`~sro_tui.ui.app.SroApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App

from ..domain.characters import visible
from ..domain.errors import SroError
from .messages import OpenRecord
from .navigation import draft_form, record_screen
from .unexpected import unexpected

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.screen import Screen

    from ..domain.actor import Actor
    from ..domain.drafts import DraftRead
    from ..domain.schools import SchoolRead
    from ..services.registry import Services

__all__ = ["RecordOpeners"]


class RecordOpeners(App[int]):
    """The app's record and form openers; the session they need is the app's (SroApp)."""

    if TYPE_CHECKING:
        services: Services | None
        actor: Actor | None
        school: SchoolRead | None
        locked: bool

        @property
        def signed_in(self) -> bool: ...

        def action_go(self, mode: str) -> None: ...

        def _push(self, screen: Screen[Any]) -> None: ...

        def take_form_ahead(self, wanted: Callable[[Screen[Any]], bool]) -> Screen[Any] | None: ...

    def on_open_record(self, message: OpenRecord) -> None:
        """A screen asks for a record: the app knows which screen shows that kind."""
        message.stop()
        if not self.signed_in or self.locked:
            return
        if message.kind == "checklist":
            self.action_go("checklist")
        elif message.kind == "draft":
            self._open_draft(message.record_id)
        else:
            self.push_screen(record_screen(message.kind, message.record_id))

    @work(thread=True, group="open-draft", exit_on_error=False)
    def _open_draft(self, draft_id: int) -> None:
        """Which form a draft belongs to is in the store: read it off the UI thread."""
        if self.services is None or self.actor is None:
            return
        try:
            draft = self.services.drafts.get(self.actor, draft_id)
        except Exception as exc:  # the app has no screen's worker handler: said here, once
            problem = (
                exc if isinstance(exc, SroError) else unexpected(exc, "Not opened", "It is kept.")
            )
            self.call_from_thread(self.notify, visible(problem), severity="error", markup=False)
            return
        self.call_from_thread(self._show_draft, draft)

    def _show_draft(self, draft: DraftRead) -> None:
        form = draft_form(draft.form, draft.id, draft.key)
        if form is None:  # a draft written by a newer sro-tui: kept, not opened here
            self.notify(
                visible(f"This version cannot open a draft of {draft.form!r}"),
                severity="warning",
                markup=False,
            )
            return
        self._push(form)

    def open_quick_incident(self, prefill: dict[str, Any] | None = None) -> None:
        data = dict(prefill or {})
        from .forms.quick_incident import QuickIncidentScreen

        def same(form: Screen[Any]) -> bool:
            # The one made ahead has no prefill: it takes today's school when shown.
            return isinstance(form, QuickIncidentScreen) and form.prefill == data

        made = self.take_form_ahead(same)  # made while the officer was idle: drawn at once
        if made is None:
            if self.school is not None:
                data.setdefault("school_id", self.school.id)
            made = QuickIncidentScreen(prefill=data)
        self._push(made)

    def open_new_referral(self, prefill: dict[str, Any] | None = None) -> None:
        """Refer a student, prefilled (student_id, incident_id / incident_number, note_id)."""
        from .forms.referral_form import ReferralFormScreen

        self._push(ReferralFormScreen(prefill=dict(prefill or {})))

    def action_log_call(self) -> None:
        """Log a call for service (ctrl+y, from any screen)."""
        from .forms.call_form import CallFormScreen

        if not isinstance(self.screen, CallFormScreen):
            self._push(CallFormScreen())

    def open_new_note(self, prefill: dict[str, Any] | None = None) -> None:
        """A new mentoring note or contact, prefilled (student_ids, kind)."""
        from .forms.note_form import NoteFormScreen

        self._push(NoteFormScreen(prefill=dict(prefill or {})))
