"""Officer accounts and sign-in, on a real store."""

from __future__ import annotations

import pytest

from sro_tui.domain.errors import AuthenticationFailed, Conflict, PermissionDenied, SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, Clock


def test_create_and_sign_in(services: Services) -> None:
    created = services.officers.create(
        SYSTEM_ACTOR, OfficerCreate(badge="1001", name="Ana Ruiz", role="officer"), TEST_PASSWORD
    )
    actor = services.officers.authenticate(" 1001 ", TEST_PASSWORD)
    assert actor.officer_id == created.id
    assert actor.role == "officer"
    assert [o.badge for o in services.officers.all_officers()] == ["1001"]


def test_duplicate_badge_is_refused(services: Services) -> None:
    data = OfficerCreate(badge="1001", name="Ana Ruiz")
    services.officers.create(SYSTEM_ACTOR, data, TEST_PASSWORD)
    with pytest.raises(Conflict, match="already in use"):
        services.officers.create(SYSTEM_ACTOR, data, TEST_PASSWORD)


@pytest.mark.parametrize("password", ["short", "password123", "Qwerty123"])
def test_weak_password_is_refused(services: Services, password: str) -> None:
    with pytest.raises(SroError) as info:
        services.officers.create(
            SYSTEM_ACTOR, OfficerCreate(badge="1001", name="Ana Ruiz"), password
        )
    assert info.value.field == "password"


def test_officer_cannot_manage_officers(services: Services, officer) -> None:
    with pytest.raises(PermissionDenied):
        services.officers.create(officer, OfficerCreate(badge="9", name="X"), TEST_PASSWORD)
    denied = [e for e in services.audit.recent() if e.outcome == "denied"]
    assert denied and denied[0].action == "officer.create"


def test_five_failures_lock_until_admin_unlocks(
    services: Services,
    officer,
    admin,
    clock: Clock,
) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate("1001", "wrong password!")
        clock.advance(minutes=1)
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.officers.authenticate("1001", TEST_PASSWORD)
    clock.advance(hours=5)
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.officers.authenticate("1001", TEST_PASSWORD)
    services.officers.unlock(admin, "1001")
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"


def test_failures_outside_the_window_do_not_lock(services: Services, officer, clock: Clock) -> None:
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate("1001", "wrong password!")
    clock.advance(minutes=16)
    with pytest.raises(AuthenticationFailed, match="not right"):
        services.officers.authenticate("1001", "wrong password!")
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"


def test_unknown_badge_gets_the_same_message(services: Services) -> None:
    with pytest.raises(AuthenticationFailed, match="Badge or password is not right"):
        services.officers.authenticate("4040", "whatever it is")
