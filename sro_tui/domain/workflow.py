"""Status transitions of incidents and referrals: which moves are allowed, and why not."""

from __future__ import annotations

from .enums import IncidentStatus, ReferralStatus

INCIDENT_TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    IncidentStatus.DRAFT: frozenset({IncidentStatus.SUBMITTED}),
    IncidentStatus.SUBMITTED: frozenset({IncidentStatus.APPROVED, IncidentStatus.RETURNED}),
    IncidentStatus.RETURNED: frozenset({IncidentStatus.SUBMITTED}),
    IncidentStatus.APPROVED: frozenset(),
}

# Statuses in which the reporting officer may still change the report.
INCIDENT_EDITABLE = frozenset({IncidentStatus.DRAFT, IncidentStatus.RETURNED})


def incident_move_problem(current: IncidentStatus, target: IncidentStatus) -> str | None:
    """Why an incident cannot move from ``current`` to ``target``, or None if it can."""
    if target in INCIDENT_TRANSITIONS[current]:
        return None
    if current is IncidentStatus.APPROVED:
        return "This report is approved and locked; add a supplement instead"
    if current is IncidentStatus.SUBMITTED and target is IncidentStatus.SUBMITTED:
        return "This report is already submitted for review"
    return f"A {current.value} report cannot be marked {target.value}"


REFERRAL_TRANSITIONS: dict[ReferralStatus, frozenset[ReferralStatus]] = {
    ReferralStatus.REFERRED: frozenset(
        {ReferralStatus.CONTACTED, ReferralStatus.DECLINED, ReferralStatus.CLOSED}
    ),
    ReferralStatus.CONTACTED: frozenset(
        {
            ReferralStatus.ENROLLED,
            ReferralStatus.DECLINED,
            ReferralStatus.NO_SHOW,
            ReferralStatus.CLOSED,
        }
    ),
    ReferralStatus.ENROLLED: frozenset(
        {
            ReferralStatus.ATTENDING,
            ReferralStatus.COMPLETED,
            ReferralStatus.NO_SHOW,
            ReferralStatus.DECLINED,
            ReferralStatus.CLOSED,
        }
    ),
    ReferralStatus.ATTENDING: frozenset(
        {
            ReferralStatus.COMPLETED,
            ReferralStatus.NO_SHOW,
            ReferralStatus.DECLINED,
            ReferralStatus.CLOSED,
        }
    ),
    # A student who did not show may be reached again; the other ends are final.
    ReferralStatus.NO_SHOW: frozenset({ReferralStatus.CONTACTED, ReferralStatus.CLOSED}),
    ReferralStatus.COMPLETED: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.CLOSED: frozenset(),
}

REFERRAL_OPEN = frozenset(
    {
        ReferralStatus.REFERRED,
        ReferralStatus.CONTACTED,
        ReferralStatus.ENROLLED,
        ReferralStatus.ATTENDING,
        ReferralStatus.NO_SHOW,
    }
)

# The "next status" key walks this path.
REFERRAL_PATH = (
    ReferralStatus.REFERRED,
    ReferralStatus.CONTACTED,
    ReferralStatus.ENROLLED,
    ReferralStatus.ATTENDING,
    ReferralStatus.COMPLETED,
)


def next_referral_status(current: ReferralStatus) -> ReferralStatus | None:
    if current is ReferralStatus.NO_SHOW:
        return ReferralStatus.CONTACTED
    if current in REFERRAL_PATH[:-1]:
        return REFERRAL_PATH[REFERRAL_PATH.index(current) + 1]
    return None


def referral_move_problem(
    current: ReferralStatus,
    target: ReferralStatus,
    *,
    consent_required: bool = False,
    consent_given: bool = False,
) -> str | None:
    """Why a referral cannot move from ``current`` to ``target``, or None if it can."""
    if target not in REFERRAL_TRANSITIONS[current]:
        if not REFERRAL_TRANSITIONS[current]:
            return f"This referral is {current.value}; it cannot change any more"
        allowed = ", ".join(sorted(s.value for s in REFERRAL_TRANSITIONS[current]))
        return f"A {current.value} referral can move only to: {allowed}"
    if (
        target in (ReferralStatus.ENROLLED, ReferralStatus.ATTENDING, ReferralStatus.COMPLETED)
        and consent_required
        and not consent_given
    ):
        return "This program needs a parent's consent before the student is enrolled"
    return None
