"""Password hashing (argon2id) and the banned-password list."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id at one of the configurations OWASP's Password Storage Cheat Sheet lists as equally
# strong (19 MiB x 2 passes, 12 MiB x 3, 9 MiB x 4, 7 MiB x 5; all 1 lane): the 7 MiB one, so a
# sign-in raises the app's peak memory by 7 MiB, not 19 (issue 16). Hashes made with other
# parameters (the earlier 19 MiB x 2) still verify and are rehashed at the next sign-in.
HASHER = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)


_DUMMY_HASH: str | None = None
"""Verifying against this keeps a wrong badge as slow as a wrong password (no badge probing).
Made at the first verify, not at import: `sro` must not spend an argon2 hash before drawing."""


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash("not a real password, only for timing")
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


class BannedPasswords(Collection[str]):
    """The banned list as one text, a lower-case password a line, searched by ``in``. Kept for
    the session once a password is judged: as a set of its 26,000 strings it held about 6 MiB
    (issue 16); as one text, about 0.3 MiB, and a look-up is a substring search of it."""

    def __init__(self, passwords: Iterable[str]) -> None:
        kept = dict.fromkeys(passwords)  # once each, in the file's order
        self._count = len(kept)
        self._text = "\n" + "\n".join(kept) + "\n"

    def __contains__(self, password: object) -> bool:
        return (
            isinstance(password, str)
            and bool(password)
            and "\n" not in password
            and f"\n{password}\n" in self._text
        )

    def __iter__(self) -> Iterator[str]:
        return iter(self._text[1:-1].split("\n") if self._count else ())

    def __len__(self) -> int:
        return self._count


@cache
def banned_passwords() -> BannedPasswords:
    text = resources.files("sro_tui.data").joinpath("banned_passwords.txt").read_text("utf-8")
    return BannedPasswords(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


# Words a guesser tries first against this app's accounts, beside the officer's own badge and
# name: zxcvbn counts a password built from them as weak.
APP_WORDS = (
    "sro",
    "tui",
    "sro-tui",
    "srotui",
    "school",
    "resource",
    "officer",
    "police",
    "campus",
    "badge",
    "password",
)
MIN_STRENGTH = 3
"""zxcvbn's score (0 to 4) a new password must reach: 3 is "safely unguessable" (about 10^8
guesses or more), what zxcvbn's authors advise for accounts that an attacker can try offline."""


def strength_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why zxcvbn finds ``password`` too easy to guess, or None. ``user_inputs`` are words
    of this account (badge, name, agency) that a guesser would try."""
    from zxcvbn import zxcvbn

    # zxcvbn's matching is quadratic in the length; the policy caps passwords at 128.
    result = zxcvbn(password[:128], user_inputs=[*APP_WORDS, *user_inputs])
    if int(result["score"]) >= MIN_STRENGTH:
        return None
    feedback = result.get("feedback") or {}
    hint = str(feedback.get("warning") or "").strip()
    if not hint:
        suggestions = [str(s) for s in feedback.get("suggestions") or [] if s]
        hint = suggestions[0] if suggestions else ""
    reason = "That password is too easy to guess"
    return f"{reason}: {hint.rstrip('.')}" if hint else f"{reason}; add another word or two"
