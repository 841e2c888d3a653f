"""A form on a record that other terminals may change meanwhile (issue 13, items 2 and 3).

* **Saved elsewhere.** A save refused because the record changed since the form's version
  (``Conflict`` on the field "version") reads the record as it is now and shows it beside the
  typing, field by field (:class:`~sro_tui.ui.screens.merge_changes.MergeChangesScreen`); the
  officer's choices are put into the form, which then checks against the CURRENT version and
  saves. A kept draft reopened against a record saved since gets the same dialog (without the
  save: the officer goes on typing).
* **A newer draft on another terminal.** Opening a record whose newest draft was typed on
  another terminal of the same officer says so and offers to take that draft.

A form mixes :class:`MergeChanges` in before ``FormScreen`` and fills in the ``merge_*`` hooks
(:mod:`sro_tui.ui.incident_merge`, :mod:`sro_tui.ui.forms.note_merge`). Every store read runs
in a thread worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual import work

from ...domain.drafts import DraftRead
from ...domain.errors import Conflict, SroError
from ...domain.merge import MergeField, Side, differences, merge
from ..screens.merge_changes import MergeChangesScreen, ShownDifference
from ..text import visible
from ..unexpected import unexpected
from ..widgets.confirm import ConfirmScreen
from .base import FormLogic

if TYPE_CHECKING:
    from ...domain.officers import Actor
    from ...services.registry import Services

__all__ = ["MergeChanges", "MergeFound"]


@dataclass
class MergeFound:
    """What the merge worker read: the record now, its content as the form holds content, the
    fields that differ from the typing (shown), and a newer draft of another terminal."""

    record: Any
    version: int
    other: dict[str, Any] = field(default_factory=dict)
    shown: list[ShownDifference] = field(default_factory=list)
    stale: bool = False
    elsewhere: DraftRead | None = None


class MergeChanges(FormLogic):
    """The merge half of a form on a versioned record (see the module docstring)."""

    # -- hooks a form fills in -------------------------------------------------------------------

    def merge_fields(self) -> Sequence[MergeField]:
        """The fields the officer may choose between, in screen order."""
        raise NotImplementedError

    def merge_record_key(self) -> str | None:
        """The draft key of the saved record the form edits (None: a new record)."""
        raise NotImplementedError

    def merge_loaded(self) -> Any | None:
        """The record as the form loaded it (UI thread)."""
        raise NotImplementedError

    def merge_form_version(self) -> int | None:
        """The version the form's typing is checked against."""
        raise NotImplementedError

    def merge_read(self, services: Services, actor: Actor) -> Any:
        """The record as it is now (a thread: an audited read)."""
        raise NotImplementedError

    def merge_version(self, record: Any) -> int:
        raise NotImplementedError

    def merge_payload(self, services: Services, actor: Actor, record: Any) -> dict[str, Any]:
        """The record as the form's content (what ``collect`` would give for it; a thread)."""
        raise NotImplementedError

    def merge_show(self, services: Services, key: str, value: Any) -> str:
        """A field's value as the dialog shows it (a thread: may read reference data)."""
        return "" if value is None else str(value)

    def merge_take(self, record: Any, version: int) -> None:
        """From now on the form edits ``record`` at ``version`` (UI thread)."""
        raise NotImplementedError

    # -- when it happens -------------------------------------------------------------------------

    def handle_error(self, error: SroError) -> None:
        super().handle_error(error)
        if isinstance(error, Conflict) and error.field == "version":
            self.start_merge(then_save=True)

    def _loaded(self, loaded: object) -> None:
        super()._loaded(loaded)
        if self._finished or self.load_failed or not self.is_mounted:
            return
        record = self.merge_loaded()
        if record is not None and self.merge_record_key() is not None:
            self.start_merge(record=record, check_drafts=True)

    def start_merge(
        self, *, record: Any = None, then_save: bool = False, check_drafts: bool = False
    ) -> None:
        """Read what the merge needs in a thread: the record now (unless given, as loaded)."""
        key = self.merge_record_key()
        if key is None:
            return
        self._merge_worker(
            self.collect(),
            record,
            key,
            self.merge_form_version(),
            then_save=then_save,
            check_drafts=check_drafts,
            shown_draft=self.draft_id if self.from_draft else None,
            session=(self.services, self.actor),
        )

    @work(thread=True, group="form-merge", exit_on_error=False)
    def _merge_worker(
        self,
        mine: dict[str, Any],
        record: Any,
        key: str,
        form_version: int | None,
        *,
        then_save: bool,
        check_drafts: bool,
        shown_draft: int | None,
        session: tuple[Services, Actor],
    ) -> None:
        app = self.app
        services, actor = session
        try:
            found = self._find(
                services, actor, mine, record, key, form_version, then_save, check_drafts
            )
            if found.elsewhere is not None and found.elsewhere.id == shown_draft:
                found.elsewhere = None  # the draft the form was opened on
        except SroError as exc:
            app.call_from_thread(self._merge_failed, exc)
            return
        except Exception as exc:
            app.call_from_thread(
                self._merge_failed, unexpected(exc, "Could not read the record saved elsewhere")
            )
            return
        app.call_from_thread(self._merge_ready, found, then_save)

    def _find(
        self,
        services: Services,
        actor: Actor,
        mine: dict[str, Any],
        record: Any,
        key: str,
        form_version: int | None,
        then_save: bool,
        check_drafts: bool,
    ) -> MergeFound:
        if record is None:
            record = self.merge_read(services, actor)
        version = self.merge_version(record)
        found = MergeFound(record=record, version=version)
        if check_drafts:
            own = services.drafts.find(actor, self.FORM, key)
            newer_than = own.updated_at if own is not None else None
            found.elsewhere = services.drafts.elsewhere(
                actor, self.FORM, key, newer_than=newer_than
            )
        found.stale = then_save or (form_version is not None and form_version < version)
        if found.stale:
            found.other = self.merge_payload(services, actor, record)
            found.shown = [
                ShownDifference(
                    d.key,
                    d.field.label,
                    self.merge_show(services, d.key, d.mine),
                    self.merge_show(services, d.key, d.other),
                )
                for d in differences(mine, found.other, self.merge_fields())
            ]
        return found

    def _merge_failed(self, error: SroError) -> None:
        if self._finished or not self.is_mounted:
            return
        self.set_message(
            f"The record saved elsewhere could not be read: {error.message}. "
            "Your typing is kept in the draft."
        )

    # -- on the UI thread ------------------------------------------------------------------------

    def _merge_ready(self, found: MergeFound, then_save: bool) -> None:
        if self._finished or not self.is_mounted:
            return
        draft = found.elsewhere
        if draft is None:
            self._offer_merge(found, then_save)
            return
        moment = draft.updated_at.astimezone(self.services.ctx.tz)
        question = (
            f"A newer draft of {self.WHAT} was typed on terminal {draft.terminal} "
            f"at {moment:%Y-%m-%d %H:%M}. Take that draft instead of what this terminal shows?"
        )

        def answered(take: bool | None) -> None:
            if self._finished or not self.is_mounted:
                return
            if not take:
                self._offer_merge(found, then_save)
                return
            payload = dict(draft.payload)
            typed_against = payload.get("version")
            self.restore(payload)
            if isinstance(typed_against, int):
                self.merge_take(found.record, typed_against)  # checked against it, as typed
            self.from_draft = True
            self._baseline = None  # a form restored from a draft counts as changed
            self.set_message(f"Took the draft typed on terminal {draft.terminal}.", error=False)
            self.form_changed()
            # That draft may have been typed against an older version of the record.
            self.call_after_refresh(self.start_merge, record=found.record)

        self.app.push_screen(
            ConfirmScreen(visible(question), yes="Take that draft", no="Keep this one"), answered
        )

    def _offer_merge(self, found: MergeFound, then_save: bool) -> None:
        if not found.stale:
            return
        if not found.shown:
            # Saved elsewhere with the same content as the typing: go on from that version.
            self._take_merged({}, found, then_save)
            return
        then = "save" if then_save else "go on typing"

        def chosen(choices: dict[str, Side] | None) -> None:
            if self._finished or not self.is_mounted:
                return
            if choices is None:
                self.set_message(
                    "Not merged: your typing is kept in the draft; "
                    "ctrl+s shows the changes saved elsewhere again."
                )
                return
            self._take_merged(choices, found, then_save)

        self.app.push_screen(MergeChangesScreen(self.WHAT, found.shown, then=then), chosen)

    def _take_merged(self, choices: dict[str, Side], found: MergeFound, then_save: bool) -> None:
        merged = merge(self.collect(), found.other, self.merge_fields(), choices)
        merged["version"] = found.version
        self.merge_take(found.record, found.version)
        self.restore(merged)
        self.merge_take(found.record, found.version)
        self.form_changed()
        taken = sum(1 for side in choices.values() if side is Side.OTHER)
        if choices:
            said = (
                f"Merged with the version saved elsewhere ({taken} of {len(choices)} "
                "fields that differed taken from it)"
            )
        else:
            said = "Saved elsewhere with the same content as yours: your changes go on from it"
        self.set_message(said + ("; saving." if then_save else "; ctrl+s saves."), error=False)
        if then_save:
            self.call_after_refresh(self.action_save)
