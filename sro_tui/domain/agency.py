"""Agency settings an administrator keeps in the store (the same on every terminal): what
each one is, and how a typed value is checked and written. No SQL here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .text import check_line
from .trespass import check_notice_days

MAX_IDLE_LOCK_MINUTES = 30  # CJIS Security Policy: lock after at most 30 minutes idle
MAX_LOCKOUT_MINUTES = 24 * 60
MIN_TIMED_LOCKOUT_MINUTES = 10  # CJIS 5.9: a timed lockout lasts at least 10 minutes

AGENCY_NAME = "agency_name"
TIMEZONE = "timezone"
SUPERVISORS_READ_CONFIDENTIAL = "supervisors_read_confidential"
LOCKOUT_MINUTES = "lockout_minutes"
IDLE_LOCK_MINUTES = "idle_lock_minutes"
# The retention schedule (services/retention.py), in years.
RETENTION_INCIDENT_YEARS = "retention_incident_years"
RETENTION_NOTE_YEARS = "retention_note_years"
RETENTION_REFERRAL_YEARS = "retention_referral_years"
RETENTION_TRESPASS_YEARS = "retention_trespass_years"
RETENTION_CALL_YEARS = "retention_call_years"
# Longer trespass notices than the statutory 7 days (domain/trespass.py), in days.
TRESPASS_NOTICE_DAYS = "trespass_notice_days"

AGENCY_NAME_UNSET = "(agency name not set)"

_YES = {"1", "yes", "y", "true", "on"}
_NO = {"0", "no", "n", "false", "off"}


def _agency_name(value: str) -> str:
    text = check_line(value)
    if not text:
        raise ValueError("is required")
    if len(text) > 200:
        raise ValueError("is too long (at most 200 characters)")
    return text


def _timezone(value: str) -> str:
    name = value.strip()
    try:
        if not name or name.startswith("/") or ".." in name:
            raise ValueError
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError) as exc:
        raise ValueError(f"{name!r} is not a time zone; give one like America/Los_Angeles") from exc
    return name


def _yes_no(value: str) -> str:
    word = value.strip().lower()
    if word in _YES:
        return "1"
    if word in _NO:
        return "0"
    raise ValueError("must be yes or no")


def _minutes(low: int, high: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            number = int(value.strip())
        except ValueError as exc:
            raise ValueError("must be a whole number of minutes") from exc
        if not low <= number <= high:
            raise ValueError(f"must be {low} to {high} minutes")
        return str(number)

    return check


def _years(value: str) -> str:
    text = value.strip()
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise ValueError("must be a whole number of years, 1 to 100")
    return str(int(text))


def _lockout(value: str) -> str:
    minutes = _minutes(0, MAX_LOCKOUT_MINUTES)(value)
    if 0 < int(minutes) < MIN_TIMED_LOCKOUT_MINUTES:
        raise ValueError(
            f"must be 0 (until an administrator unlocks) or {MIN_TIMED_LOCKOUT_MINUTES} to "
            f"{MAX_LOCKOUT_MINUTES} minutes"
        )
    return minutes


@dataclass(frozen=True)
class SettingSpec:
    key: str
    title: str
    help: str
    check: Callable[[str], str]
    """Turns what was typed into the stored value, or raises ValueError saying why not."""
    yes_no: bool = False
    unset: str = "the default"
    """What applies while the store holds no value."""

    def shown(self, stored: str) -> str:
        if self.yes_no:
            return "yes" if stored in _YES else "no"
        return stored


SETTINGS: dict[str, SettingSpec] = {
    spec.key: spec
    for spec in (
        SettingSpec(
            AGENCY_NAME, "Agency name", "printed at the head of every report", _agency_name
        ),
        SettingSpec(
            TIMEZONE,
            "Time zone",
            "the agency's days and times on every terminal (an IANA name)",
            _timezone,
            unset="each terminal's SRO_TIMEZONE",
        ),
        SettingSpec(
            SUPERVISORS_READ_CONFIDENTIAL,
            "Supervisors read confidential notes",
            "yes: supervisors read the text of every confidential mentoring note",
            _yes_no,
            yes_no=True,
        ),
        SettingSpec(
            LOCKOUT_MINUTES,
            "Lockout minutes",
            "after 5 failed sign-ins an account stays locked this long; 0: until an "
            "administrator unlocks it",
            _lockout,
        ),
        SettingSpec(
            IDLE_LOCK_MINUTES,
            "Idle lock minutes",
            f"lock a terminal left idle this long (1 to {MAX_IDLE_LOCK_MINUTES}, CJIS)",
            _minutes(1, MAX_IDLE_LOCK_MINUTES),
            unset="each terminal's SRO_IDLE_LOCK_MINUTES",
        ),
        SettingSpec(
            RETENTION_INCIDENT_YEARS,
            "Keep incident reports (years)",
            "after the end of the school year they happened in (sro retention)",
            _years,
        ),
        SettingSpec(
            RETENTION_NOTE_YEARS,
            "Keep mentoring notes (years)",
            "after the last record of the students they name (sro retention)",
            _years,
        ),
        SettingSpec(
            RETENTION_REFERRAL_YEARS,
            "Keep ended referrals (years)",
            "after they ended (sro retention)",
            _years,
        ),
        SettingSpec(
            RETENTION_TRESPASS_YEARS,
            "Keep trespass warnings (years)",
            "after their last day in force (sro retention)",
            _years,
        ),
        SettingSpec(
            RETENTION_CALL_YEARS,
            "Keep calls for service (years)",
            "after the call (sro retention)",
            _years,
        ),
        SettingSpec(
            TRESPASS_NOTICE_DAYS,
            "Longer trespass notices (days)",
            "periods a school's own trespass notice may run beside the statutory 7 days, "
            "comma-separated (e.g. 30,365)",
            check_notice_days,
        ),
    )
}


def setting_spec(key: str) -> SettingSpec:
    spec = SETTINGS.get(key.strip().lower().replace("-", "_"))
    if spec is None:
        raise KeyError(key)
    return spec


@dataclass(frozen=True)
class SettingValue:
    key: str
    title: str
    value: str
    """As shown (yes/no for a flag); empty when the store has none and there is no default."""
    help: str
    stored: bool
    """False: the store holds no value, the default (or the terminal's own setting) applies."""
    unset: str = ""
