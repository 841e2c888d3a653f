"""The password hashing the app ships with (the tests themselves hash more cheaply)."""

from __future__ import annotations

from argon2 import Type
from argon2.exceptions import VerifyMismatchError

from sro_tui.services import passwords

from .conftest import PRODUCTION_HASHER


def test_production_hashing_is_argon2id_at_owasp_minimum_or_above() -> None:
    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.time_cost >= 2
    assert PRODUCTION_HASHER.memory_cost >= 19 * 1024  # KiB
    assert PRODUCTION_HASHER.parallelism >= 1


def test_a_production_hash_verifies_only_its_own_password() -> None:
    stored = PRODUCTION_HASHER.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored
    assert PRODUCTION_HASHER.verify(stored, "correct horse battery")
    try:
        PRODUCTION_HASHER.verify(stored, "correct horse batterz")
    except VerifyMismatchError:
        pass
    else:  # pragma: no cover - the point of the test
        raise AssertionError("a wrong password verified")


def test_hashes_made_with_other_parameters_are_upgraded_at_sign_in() -> None:
    """A hash made with the tests' cheap parameters is one the app would rehash."""
    cheap = passwords.HASHER.hash("correct horse battery")
    assert PRODUCTION_HASHER.check_needs_rehash(cheap)
    assert not PRODUCTION_HASHER.check_needs_rehash(PRODUCTION_HASHER.hash("x" * 12))
