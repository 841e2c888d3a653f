"""Search (ctrl+f) in the real app at 80x24 (Pilot, SQLite): a threat assessment case found by
a word of its summary is labelled Threat, and Enter on it opens the case screen."""

from __future__ import annotations

from sro_tui.domain.students import StudentCreate
from sro_tui.domain.threats import ThreatCaseCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.search import SearchScreen
from sro_tui.ui.screens.threat_case import ThreatCaseScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

SIZE = (80, 24)


async def test_enter_on_a_threat_case_found_by_search_opens_it(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    vhs = sqlite_services.reference.school_by_code("VHS").id
    student = sqlite_services.students.create(
        officer,
        StudentCreate(district_id="S1", first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id
    case = sqlite_services.threats.open(
        officer,
        ThreatCaseCreate(student_id=student, summary="Drew a hit list in the margin of a quiz"),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=SIZE) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        await type_text(pilot, "hit lis")
        await pilot.press("enter")  # search now, to the results
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert [(h.kind.value, h.record_id) for h in screen.hits] == [("threat", case.id)]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreatCaseScreen)
        assert app.screen.case_id == case.id
