"""What the referral list and the referral screen both do to one referral: move it to its next
status with a dated note, choose another status, record the parent's consent.

Each asks in a small dialog, calls the referral service in a thread worker, and shows a
refusal (an illegal move, consent missing) as the service words it.
"""

from __future__ import annotations

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
from .choice_prompt import ChoiceScreen

__all__ = ["ReferralActions"]


class ReferralActions(SessionAccess):
    """Mixed into a Screen that knows which referral is meant."""

    def current_referral_id(self) -> int | None:
        raise NotImplementedError

    def referral_changed(self, referral: ReferralRead) -> None:
        """Show the referral as it is now."""

    # -- the keys --------------------------------------------------------------------------------

    def action_advance(self) -> None:
        referral_id = self.current_referral_id()
        if referral_id is None:
            return

        def with_note(note: str | None) -> None:
            if note is not None:
                self._run(referral_id, "advance", note)

        self.app.push_screen(
            PromptScreen("Next status", "Note for this step (optional), Enter to save:"),
            with_note,
        )

    def action_move(self) -> None:
        referral_id = self.current_referral_id()
        if referral_id is None:
            return
        self._choose_move(referral_id)

    @work(thread=True, group="referral-act", exit_on_error=False)
    def _choose_move(self, referral_id: int) -> None:
        app = self.app
        try:
            referral = self.services.referrals.get(self.actor, referral_id)
        except SroError as exc:
            app.call_from_thread(app.notify, visible(exc.message), markup=False, severity="error")
            return
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
            if value is None:
                return

            def with_note(note: str | None) -> None:
                if note is not None:
                    self._run(referral_id, "move", note, ReferralStatus(value))

            app.push_screen(PromptScreen(f"Mark {value}", "Note (optional):"), with_note)

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

        def chosen(value: str | None) -> None:
            if value is not None:
                self._run(referral_id, "consent", "", ConsentStatus(value))

        self.app.push_screen(ChoiceScreen("Parent consent", options), chosen)

    # -- the service calls -----------------------------------------------------------------------

    @work(thread=True, group="referral-act", exit_on_error=False)
    def _run(
        self,
        referral_id: int,
        what: str,
        note: str,
        target: ReferralStatus | ConsentStatus | None = None,
    ) -> None:
        app = self.app
        services, actor = self.services, self.actor
        today: date = services.ctx.today()
        try:
            if what == "advance":
                result = services.referrals.advance(actor, referral_id, note=note, on=today)
            elif what == "move":
                assert isinstance(target, ReferralStatus)
                result = services.referrals.move(
                    actor, referral_id, ReferralMove(to_status=target, on=today, note=note)
                )
            else:
                assert isinstance(target, ConsentStatus)
                consent_on = None if target is ConsentStatus.PENDING else today
                result = services.referrals.set_consent(
                    actor, referral_id, ConsentUpdate(consent=target, consent_on=consent_on)
                )
        except SroError as exc:
            app.call_from_thread(
                app.notify,
                visible(exc.message),
                title="Not changed",
                severity="error",
                markup=False,
            )
            return
        except ValueError as exc:  # a note with a character the store cannot hold
            message = first_message(exc) if isinstance(exc, ValidationError) else str(exc)
            app.call_from_thread(
                app.notify, visible(message), title="Not changed", severity="error", markup=False
            )
            return
        app.call_from_thread(self._changed, result, what)

    def _changed(self, referral: ReferralRead, what: str) -> None:
        if what == "consent":
            text = f"Consent: {referral.consent.value}"
        else:
            text = f"{referral.student_name}: now {referral.status.value}"
        self.app.notify(visible(text), title="Referral", markup=False)
        self.referral_changed(referral)
