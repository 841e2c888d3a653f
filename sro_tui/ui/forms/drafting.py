"""Drafts of a form: written at most :data:`AUTOSAVE_DELAY` seconds after the first key not yet
in a draft (so also while typing goes on), when the cursor moves to another field, and again on
leaving, so a crash or a lock loses nothing; Escape on a changed form asks whether to keep or
discard it."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from textual import work
from textual.widget import Widget
from textual.widgets import Static

from ...domain.drafts import DraftRead, DraftSave
from ...domain.errors import SroError
from ..text import visible
from ..unexpected import unexpected
from ..widgets.confirm import LeaveChoice, LeaveFormScreen
from .core import FormCore

if TYPE_CHECKING:
    from ...domain.officers import Actor
    from ...services.registry import Services

__all__ = ["AUTOSAVE_DELAY", "FormDrafts"]

AUTOSAVE_DELAY = 1.5
"""Seconds after the first unsaved key before the draft is written, however long typing goes
on (the promise is "within 2 s"; the rest is for the write itself)."""


def _same_content(payload: dict[str, Any], baseline: dict[str, Any] | None) -> bool:
    """The same typing, whatever version it names: a snapshot taken while the record was being
    saved (the fields put back by a merge) holds nothing the save did not keep."""
    if baseline is None:
        return False
    return {k: v for k, v in payload.items() if k != "version"} == {
        k: v for k, v in baseline.items() if k != "version"
    }


class FormDrafts(FormCore):
    """The draft half of a form (see :class:`~sro_tui.ui.forms.base.FormLogic`)."""

    # -- drafts ----------------------------------------------------------------------------------

    def take_baseline(self, *, changed: bool = False) -> None:
        """Remember the fields as loaded; ``changed`` marks a form opened from a draft."""
        self._baseline = None if changed else self.collect()
        self._last_draft = self.collect() if changed else None

    def is_changed(self) -> bool:
        """Differs from the record as loaded (a form restored from a draft always does)."""
        return self._baseline is None or self.collect() != self._baseline

    def schedule_autosave(self) -> None:
        """Called on every change: start the countdown to the draft write unless one runs
        already. Later keys do not restart it (a debounce would never write while typing
        goes on); the write takes the fields as they are when it fires. Not while the form
        loads: a draft written then could hide the one being loaded."""
        if self._finished or self.record_loading or self._autosave_timer is not None:
            return
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
        self._draft_seq += 1
        self._write_draft(
            payload,
            self.draft_title(),
            then_close=False,
            saves=self._saves,
            seq=self._draft_seq,
            session=(self.services, self.actor),
        )

    @work(thread=True, group="form-draft", exit_on_error=False)
    def _write_draft(
        self,
        payload: dict[str, Any],
        title: str,
        then_close: bool,
        saves: int | None = None,
        seq: int | None = None,
        session: tuple[Services, Actor] | None = None,
    ) -> None:
        app = self.app
        try:
            draft = self.write_draft_now(payload, title, saves=saves, seq=seq, session=session)
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
        self,
        payload: dict[str, Any],
        title: str,
        *,
        saves: int | None = None,
        seq: int | None = None,
        session: tuple[Services, Actor] | None = None,
    ) -> DraftRead | None:
        """Write the draft (blocking; from a thread, or on the way out). ``saves`` is the
        record-save count the payload was taken at: a payload from before a save that has
        since happened is not written (it would bring back a draft the save discarded).
        ``seq`` numbers autosaves: a slow write must not land over a newer one. ``session``
        is the store and the officer, taken on the UI thread when the write was asked for: a
        screen closed meanwhile (sign-out, quit) no longer reaches the app, and its draft must
        still be written."""
        with self._draft_lock:
            if self._finished or (saves is not None and saves != self._saves):
                return None
            if seq is not None and seq <= self._draft_seq_written:
                return None
            services, actor = session if session is not None else (self.services, self.actor)
            draft = services.drafts.save(
                actor,
                DraftSave(form=self.FORM, key=self.draft_key, title=title[:200], payload=payload),
            )
            if seq is not None:
                self._draft_seq_written = seq
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
                self._write_draft(
                    self.collect(),
                    self.draft_title(),
                    then_close=True,
                    session=(self.services, self.actor),
                )
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
        if payload == self._last_draft or _same_content(payload, self._baseline):
            return
        with contextlib.suppress(SroError):  # nothing more can be done on the way out
            self.write_draft_now(payload, title)

    # -- change tracking ---------------------------------------------------------------------------

    def form_changed(self) -> None:
        """Any edit: note what the form holds now and (re)start the autosave countdown."""
        if self._finished or not self.is_mounted:
            return
        self._snapshot = (self.collect(), self.draft_title())
        self._edited_in = self.focused
        self.schedule_autosave()

    def focus_moved(self, widget: Widget) -> None:
        """The cursor left the field typed in: what was typed so far goes into the draft now.
        (Focus arriving where the keys already went, e.g. a late focus event, writes nothing.)"""
        if (
            self._autosave_timer is not None
            and not self.record_loading
            and widget is not self._edited_in
        ):
            self.flush_autosave()
