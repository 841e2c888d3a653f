"""The app freezes its long-lived objects once the store has opened and the screens are
imported (behind the sign-in screen), and runs full collections less often after that: full
collections of the whole heap cost 40-110 ms on the UI thread between a key and its screen
(issue 16)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sro_tui.services.registry import Services
from sro_tui.ui import gc_freeze
from sro_tui.ui.screens.login import LoginScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle


@pytest.fixture
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process as it starts: nothing frozen yet, Python's thresholds."""
    threshold = gc.get_threshold()
    gc.unfreeze()
    monkeypatch.setattr(gc_freeze, "_frozen", False)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


async def test_the_sign_in_screen_freezes_what_the_app_keeps(
    unfrozen: None, services: Services, clock: Clock
) -> None:
    make_officer(services, "1001")
    young, middle, _ = gc.get_threshold()
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)  # nobody has signed in, no form opened
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (young, middle, gc_freeze.FULL_EVERY)


def test_freezing_happens_once_per_process(unfrozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted by the calls to gc.freeze, not by the size of the frozen generation: a frozen
    object freed meanwhile (another test's thread ending) leaves it, which is not a freeze."""
    freezes: list[None] = []
    freeze = gc.freeze

    def counted() -> None:
        freezes.append(None)
        freeze()

    monkeypatch.setattr(gc, "freeze", counted)
    gc_freeze.freeze_long_lived()
    assert len(freezes) == 1 and gc.get_freeze_count() > 0
    kept = [object() for _ in range(10)]  # made after: never frozen by a second call
    gc_freeze.freeze_long_lived()
    assert len(freezes) == 1
    assert kept
