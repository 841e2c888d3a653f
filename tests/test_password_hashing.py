"""The password hashing the app ships with (the tests themselves hash more cheaply)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import text

from sro_tui.domain.officers import Actor
from sro_tui.services import passwords
from sro_tui.services.registry import Services

from .conftest import PRODUCTION_HASHER, TEST_PASSWORD

# OWASP's Password Storage Cheat Sheet: argon2id configurations of equal strength (memory in
# KiB, passes), all with one lane. A hasher at or above one of them is at the minimum.
OWASP_ARGON2ID = ((19 * 1024, 2), (12 * 1024, 3), (9 * 1024, 4), (7 * 1024, 5))
# What the app hashed with before issue 16 (OWASP's first configuration).
EARLIER_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def test_production_hashing_is_argon2id_at_owasp_minimum_or_above() -> None:
    assert PRODUCTION_HASHER.type is Type.ID
    assert PRODUCTION_HASHER.parallelism >= 1
    assert any(
        PRODUCTION_HASHER.memory_cost >= memory and PRODUCTION_HASHER.time_cost >= passes
        for memory, passes in OWASP_ARGON2ID
    )


def test_a_sign_in_needs_no_more_than_7_mib_for_its_hash() -> None:
    """Issue 16: the hash is the app's largest single allocation; OWASP's 7 MiB x 5 passes
    is as strong as its 19 MiB x 2."""
    assert PRODUCTION_HASHER.memory_cost <= 7 * 1024


def test_a_production_hash_verifies_only_its_own_password() -> None:
    stored = PRODUCTION_HASHER.hash("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "m=7168,t=5,p=1" in stored
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


def test_an_earlier_hash_still_signs_in_and_is_rehashed_with_the_current_parameters(
    services: Services, officer: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "HASHER", PRODUCTION_HASHER)
    query = text("SELECT password_hash FROM officers WHERE id = :i")
    with services.db.write() as session:
        session.execute(
            text("UPDATE officers SET password_hash = :h WHERE id = :i"),
            {"h": EARLIER_HASHER.hash(TEST_PASSWORD), "i": officer.officer_id},
        )
    services.officers.authenticate(officer.badge, TEST_PASSWORD)
    with services.db.read() as session:
        stored = session.execute(query, {"i": officer.officer_id}).scalar_one()
    assert "m=7168,t=5,p=1" in stored
    assert PRODUCTION_HASHER.verify(stored, TEST_PASSWORD)
    services.officers.authenticate(officer.badge, TEST_PASSWORD)  # and signs in again
    with services.db.read() as session:
        assert session.execute(query, {"i": officer.officer_id}).scalar_one() == stored
