"""Today's campus security line on a real store: the warnings in force the officer may see
(a juvenile's of another school's officer not counted, an expired one not counted) and the
officer's calls logged today (agency day); Enter on the line opens Campus security."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import OptionList

from sro_tui.domain.calls import CallCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.today import TodayScreen, sections_of
from sro_tui.ui.screens.trespass import CampusScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in


def test_today_counts_warnings_in_force_and_calls_today(services: Services, clock: Clock) -> None:
    officer = make_officer(services, "1001", "officer", ("VHS",))
    other = make_officer(services, "1002", "officer", ("BHS",))
    vhs = services.reference.school_by_code("VHS").id
    bhs = services.reference.school_by_code("BHS").id

    def warn(who: Actor, name: str, school: int, age: int) -> None:
        data = TrespassWarningCreate(person_name=name, age=age, school_ids=[school])
        services.trespass.warn(who, data)

    clock.now = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
    warn(officer, "Long Gone", vhs, 40)  # expired by the 14th
    clock.now = datetime(2026, 9, 14, 6, 30, tzinfo=UTC)  # 13 Sept 23:30 PDT: yesterday
    warn(officer, "Adult Here", vhs, 40)
    services.calls.add(officer, CallCreate(caller="Office", school_id=vhs, what="late call"))
    warn(other, "Young Elsewhere", bhs, 15)  # a juvenile: BHS only
    clock.now = datetime(2026, 9, 14, 15, 30, tzinfo=UTC)
    services.calls.add(officer, CallCreate(caller="Office", school_id=vhs, what="call"))
    services.calls.add(other, CallCreate(caller="Office", school_id=bhs, what="call"))

    summary = services.today.summary(officer, vhs)
    assert (summary.warnings_in_force, summary.calls_today) == (1, 1)
    assert services.today.summary(other, bhs).warnings_in_force == 2
    sections = {s.title: s for s in sections_of(summary, services.ctx.tz, False)}
    [line] = sections["Campus security"].rows
    assert line.area == "campus"
    assert line.text.startswith("1 trespass warning(s) in force · 1 call(s) logged today")


async def test_enter_on_the_campus_line_opens_campus_security(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, TodayScreen)
        campus_row = next(k for k, r in app.screen.rows.items() if r.area == "campus")
        options = app.screen.query_one("#today-list", OptionList)
        options.highlighted = options.get_option_index(campus_row)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CampusScreen)
