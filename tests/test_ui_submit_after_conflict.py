"""F9 on a report saved elsewhere (issue 13 item 3): F9 saves, then submits; when the save is
refused as saved elsewhere, the merge that follows only saves. The officer checks the merged
report and presses F9 again to hand it in (SQLite and, with SRO_TEST_DATABASE_URL,
PostgreSQL: two Database objects on one store are two terminals)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sro_tui.domain.enums import IncidentStatus
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.screens.incident_form import IncidentFormScreen

from .conftest import TEST_AUDIT_KEY, Clock, make_officer
from .test_ui_merge_changes import _elsewhere, _host, _merge_screen, _report
from .ui_shell_support import settle


@pytest.fixture
def laptop(db_url: str, services: Services, clock: Clock) -> Iterator[Services]:
    """The officer's second terminal on the same store."""
    database = Database(db_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="laptop")
    finally:
        database.dispose()


async def test_f9_refused_as_saved_elsewhere_merges_and_saves_but_does_not_submit(
    services: Services, laptop: Services
) -> None:
    officer = make_officer(services, "1001")
    incident_id = _report(services, officer)
    app = _host(services, officer, incident_id)
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen) and form.version == 1
        form.narrative.focus()
        await pilot.press("end", *" Both sent to the office.")
        _elsewhere(laptop, officer, incident_id)
        await pilot.press("f9")
        merge = await _merge_screen(pilot)
        await pilot.press("o", "m")  # Where: the laptop's; Narrative: mine
        assert merge.choices()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form  # still open: the merged report is to be checked
        stored = services.incidents.get(officer, incident_id)
        assert stored.version == 3  # the merge was saved ...
        assert stored.narrative == "Two students fought. Both sent to the office."
        assert stored.status is IncidentStatus.DRAFT  # ... and not handed in
        await pilot.press("f9")  # pressed again: now it goes to review
        await settle(pilot)
    assert services.incidents.get(officer, incident_id).status is IncidentStatus.SUBMITTED
