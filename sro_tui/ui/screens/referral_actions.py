"""What the referral list and the referral screen both do to one referral: move it to its next
status with a dated note, choose another status, record the parent's consent.

Each asks in a small dialog, calls the referral service in a thread worker, and shows a
refusal (an illegal move, consent missing) as the service words it.

A change names the version of the referral the screen showed (the referral screen's, or the
one read for the choice of status); one refused because another terminal changed the referral
since reloads it and asks again with the typed note kept and the reason under the field.
Changes to one referral are saved one after another: one made while this screen's previous
change is on its way waits for it and goes against the version that change returned.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from datetime import date

from pydantic import ValidationError
from textual import work

from ...domain.enums import ConsentStatus, ReferralStatus
from ...domain.errors import SroError
from ...domain.referrals import ConsentUpdate, ReferralMove, ReferralRead
from ...domain.validation import first_message
from ...domain.workflow import REFERRAL_TRANSITIONS
from ..access import SessionAccess
from ..text import visible
from ..widgets.prompt import PromptScreen
from ..widgets.retry_prompt import CHANGED_ELSEWHERE, RetryPrompt, saved_elsewhere
from .choice_prompt import ChoiceScreen

__all__ = ["CHANGED_ELSEWHERE", "ReferralActions", "ReferralChange"]


@dataclass(frozen=True)
class ReferralChange:
    """One change asked for: ``advance`` or ``move`` (to ``target``) with a note, or
    ``consent`` (``target``), against ``version`` (None: checked against none)."""

    referral_id: int
    what: str
    note: str = ""
    target: ReferralStatus | ConsentStatus | None = None
    version: int | None = None


class ReferralActions(SessionAccess):
    """Mixed into a Screen that knows which referral is meant."""

    _referral_waiting: dict[int, deque[ReferralChange]] | None = None
    """Referrals with a change on its way, each with the changes waiting for it."""

    def current_referral_id(self) -> int | None:
        raise NotImplementedError

    def referral_changed(self, referral: ReferralRead) -> None:
        """Show the referral as it is now."""

    def shown_referral(self) -> ReferralRead | None:
        """The referral as this screen shows it (its version is what a change is made
        against); None: the screen keeps no version (the change is checked against none)."""
        return None

    def _shown_version(self, referral_id: int) -> int | None:
        shown = self.shown_referral()
        return shown.version if shown is not None and shown.id == referral_id else None

    # -- the keys --------------------------------------------------------------------------------

    def action_advance(self) -> None:
        referral_id = self.current_referral_id()
        if referral_id is None:
            return

        self._ask_note(referral_id, "advance", None, self._shown_version(referral_id))

    def _ask_note(
        self,
        referral_id: int,
        what: str,
        target: ReferralStatus | None,
        version: int | None,
        *,
        typed: str = "",
        problem: str = "",
    ) -> None:
        """The note for a status change (``advance``, or ``move`` to ``target``), then the
        change; after a refusal, again with ``typed`` in the field and ``problem`` under it."""
        if target is None:
            title, label = "Next status", "Note for this step (optional), Enter to save:"
        else:
            title, label = f"Mark {target.value}", "Note (optional):"

        def with_note(note: str | None) -> None:
            if note is not None:
                self._send(ReferralChange(referral_id, what, note, target, version))

        prompt = (
            RetryPrompt(title, label, value=typed, problem=problem)
            if problem
            else PromptScreen(title, label, value=typed)
        )
        self.app.push_screen(prompt, with_note)

    def action_move(self) -> None:
        referral_id = self.current_referral_id()
        if referral_id is None:
            return
        shown = self.shown_referral()
        self._choose_move(referral_id, shown if shown and shown.id == referral_id else None)

    @work(thread=True, group="referral-act", exit_on_error=False)
    def _choose_move(self, referral_id: int, shown: ReferralRead | None) -> None:
        """The statuses the referral may move to: from the one the screen shows (``shown``),
        else from the referral read now; the move is made against that version."""
        app = self.app
        referral = shown
        if referral is None:
            try:
                referral = self.services.referrals.get(self.actor, referral_id)
            except SroError as exc:
                app.call_from_thread(
                    app.notify, visible(exc.message), markup=False, severity="error"
                )
                return
        version = referral.version
        targets = sorted(REFERRAL_TRANSITIONS[referral.status], key=lambda s: s.value)
        if not targets:
            app.call_from_thread(
                app.notify,
                f"This referral is {referral.status.value}; it cannot change any more",
                markup=False,
            )
            return
        options = [(s.value.capitalize(), s.value) for s in targets]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._ask_note(referral_id, "move", ReferralStatus(value), version)

        app.call_from_thread(
            app.push_screen, ChoiceScreen(f"Move from {referral.status.value} to", options), chosen
        )

    def action_consent(self) -> None:
        referral_id = self.current_referral_id()
        if referral_id is None:
            return
        options = [
            ("Yes, consent given today", "yes"),
            ("No, refused today", "no"),
            ("Pending (not asked yet)", "pending"),
        ]

        version = self._shown_version(referral_id)

        def chosen(value: str | None) -> None:
            if value is not None:
                self._send(
                    ReferralChange(referral_id, "consent", "", ConsentStatus(value), version)
                )

        self.app.push_screen(ChoiceScreen("Parent consent", options), chosen)

    # -- the service calls -----------------------------------------------------------------------

    def _send(self, change: ReferralChange) -> None:
        """Start the change, or queue it behind this screen's change of the same referral
        that is still on its way."""
        if self._referral_waiting is None:
            self._referral_waiting = {}
        waiting = self._referral_waiting.get(change.referral_id)
        if waiting is not None:
            waiting.append(change)
            return
        self._referral_waiting[change.referral_id] = deque()
        self._run(change)

    def _ended(self, change: ReferralChange, version: int | None, *, drop: bool = False) -> None:
        """A change ended (``version``: the one it saved, None: not saved). The next change
        waiting starts; one made against the same version as this one goes against the saved
        version instead. ``drop``: changed elsewhere, so those waiting are dropped too."""
        queues = self._referral_waiting or {}
        waiting = queues.pop(change.referral_id, deque())
        if drop or not waiting:
            return
        following = waiting.popleft()
        if version is not None and following.version == change.version:
            following = replace(following, version=version)
        queues[change.referral_id] = waiting
        self._run(following)

    @work(thread=True, group="referral-act", exit_on_error=False)
    def _run(self, change: ReferralChange) -> None:
        app = self.app
        services, actor = self.services, self.actor
        today: date = services.ctx.today()
        referral_id, note, target, version = (
            change.referral_id,
            change.note,
            change.target,
            change.version,
        )
        try:
            if change.what == "advance":
                result = services.referrals.advance(
                    actor, referral_id, note=note, on=today, version=version
                )
            elif change.what == "move":
                assert isinstance(target, ReferralStatus)
                result = services.referrals.move(
                    actor,
                    referral_id,
                    ReferralMove(to_status=target, on=today, note=note),
                    version=version,
                )
            else:
                assert isinstance(target, ConsentStatus)
                consent_on = None if target is ConsentStatus.PENDING else today
                result = services.referrals.set_consent(
                    actor,
                    referral_id,
                    ConsentUpdate(consent=target, consent_on=consent_on),
                    version=version,
                )
        except SroError as exc:
            if saved_elsewhere(exc):
                self._reload_after_refusal(change)
                return
            app.call_from_thread(self._not_changed, change, exc.message)
            return
        except ValueError as exc:  # a note with a character the store cannot hold
            message = first_message(exc) if isinstance(exc, ValidationError) else str(exc)
            app.call_from_thread(self._not_changed, change, message)
            return
        app.call_from_thread(self._changed, change, result)

    def _not_changed(self, change: ReferralChange, message: str, *, drop: bool = False) -> None:
        self.app.notify(visible(message), title="Not changed", severity="error", markup=False)
        self._ended(change, None, drop=drop)

    def _reload_after_refusal(self, change: ReferralChange) -> None:
        """Saved elsewhere (in the worker thread): read the referral as it is now, show it,
        and ask again with the typed note kept (consent: say so; c asks again)."""
        app = self.app
        try:
            fresh = self.services.referrals.get(self.actor, change.referral_id)
        except SroError as exc:
            message = f"{CHANGED_ELSEWHERE}: {exc.message}"
            app.call_from_thread(self._not_changed, change, message, drop=True)
            return
        app.call_from_thread(self._refused_as_stale, change, fresh)

    def _refused_as_stale(self, change: ReferralChange, fresh: ReferralRead) -> None:
        self._ended(change, None, drop=True)
        self.referral_changed(fresh)
        if change.what == "consent":
            self.app.notify(
                f"{CHANGED_ELSEWHERE} (consent now {fresh.consent.value})",
                title="Not changed",
                severity="error",
                markup=False,
            )
            return
        status = change.target if isinstance(change.target, ReferralStatus) else None
        problem = f"{CHANGED_ELSEWHERE}: it is {fresh.status.value} now"
        self._ask_note(
            fresh.id, change.what, status, fresh.version, typed=change.note, problem=problem
        )

    def _changed(self, change: ReferralChange, referral: ReferralRead) -> None:
        self._ended(change, referral.version)
        if change.what == "consent":
            text = f"Consent: {referral.consent.value}"
        else:
            text = f"{referral.student_name}: now {referral.status.value}"
        self.app.notify(visible(text), title="Referral", markup=False)
        self.referral_changed(referral)
