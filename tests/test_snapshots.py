"""Snapshot tests (pytest-textual-snapshot) of every scenario in ``tests/scenarios.py``, the
same scenarios ``scripts/screenshots.py`` saves for the README, here at 80x24: the demo store
(seeded once per test process, copied per test), a fixed clock, cursor blink off.

A changed column, field or label shows as a failed test with a picture of the difference in the
report. After looking at it, accept the new screens with
``pytest tests/test_snapshots.py --snapshot-update`` (and regenerate the screenshots).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sro_tui.services.registry import Services

from .scenarios import SCENARIOS, Scenario, build_demo_template, make_app, open_demo_store


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, seeded once per test process."""
    return build_demo_template(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def demo_services(demo_template: Path, tmp_path: Path) -> Iterator[Services]:
    """Services over this test's own copy of the demo store."""
    services = open_demo_store(demo_template, tmp_path / "demo.db")
    try:
        yield services
    finally:
        services.close()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.name)
def test_scenario(
    snap_compare: Callable[..., bool], demo_services: Services, scenario: Scenario
) -> None:
    app = make_app(demo_services)
    assert snap_compare(app, run_before=scenario.run, terminal_size=(80, 24))
