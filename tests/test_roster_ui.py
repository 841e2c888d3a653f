"""The app's roster import form (issue 11 items 1 and 2): school numbers and columns as the
command's --map-school and --map, known students' name or school changes shown and applied
only after y, an unclosed quote reported by its line; at 80x24."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Label, Static

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.roster_import import RosterImportScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in

ROSTER = [
    "Student Number,Perm ID,First Name,Last Name,School,Grade",
    "1,P-1,Eva,Lee,1,10",  # line 2: P-1 was Maria Garcia
    '2,P-2,"Beta, Bob,1,10',  # line 3: the quote is never closed
    "3,P-3,Luis,Garza,1,11",  # line 4: the line after it still goes in
    "4,P-4,Kim,Ng,9,11",  # line 5: no school has number 9
]


async def open_dialog(pilot: Pilot[object]) -> RosterImportScreen:
    await sign_in(pilot, "2001")
    await pilot.press("f7")
    await settle(pilot)
    await pilot.press("escape", "i")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, RosterImportScreen)
    return dialog


async def wait_until_asked(pilot: Pilot[object], dialog: RosterImportScreen) -> None:
    for _ in range(400):  # the worker waits for the answer: no settle() here
        if dialog.asking:
            return
        await pilot.pause(0.05)
    raise AssertionError("the changes were never shown")


def summary(dialog: RosterImportScreen) -> str:
    return str(dialog.query_one("#roster-summary", Static).content)


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_changes_are_shown_and_applied_only_after_yes(
    sqlite_services: Services, clock: Clock, tmp_path: Path, answer: str
) -> None:
    services = sqlite_services
    make_officer(services, "2001", "supervisor", ("VHS", "BHS"))
    vhs = services.reference.school_by_code("VHS").id
    services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(district_id="P-1", first_name="Maria", last_name="Garcia", school_id=vhs),
    )
    roster = tmp_path / "aeries.csv"
    roster.write_text("\n".join(ROSTER) + "\n", encoding="utf-8")
    app = make_app(services, clock)
    async with app.run_test() as pilot:  # 80x24
        dialog = await open_dialog(pilot)
        dialog.path.value = str(roster)
        dialog.school_numbers.value = "1=VHS"
        dialog.path.focus()
        await pilot.press("enter")
        await wait_until_asked(pilot, dialog)
        shown = summary(dialog)
        assert "1 known students would change name or school:" in shown
        assert "line 2: P-1 Garcia, Maria -> Lee, Eva" in shown
        assert dialog.check_action("answer", (True,)) is True
        keys = dialog.query_one("#roster-keys", Label)
        assert "y applies these changes" in str(keys.content)
        assert keys.region.bottom <= 24 and keys.region.height == 1  # on screen at 80x24
        assert services.students.by_district_id(SYSTEM_ACTOR, "P-1").last_name == "Garcia"
        await pilot.press(answer)
        await settle(pilot)
        done = summary(dialog)
        assert dialog.check_action("answer", (True,)) is False
    applied = answer == "y"
    assert "4 rows: 1 added" in done
    assert ("changed line 2" in done) is applied and ("held line 2" in done) is not applied
    assert 'line 3: a quote (") is not closed' in done
    assert "line 5: School '9' is not known" in done
    assert services.students.by_district_id(SYSTEM_ACTOR, "P-3").school_id == vhs
    stored = services.students.by_district_id(SYSTEM_ACTOR, "P-1").last_name
    assert stored == ("Lee" if applied else "Garcia")


async def test_two_id_columns_and_a_bad_school_map_are_said_under_their_fields(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    make_officer(sqlite_services, "2001", "supervisor", ("VHS", "BHS"))
    roster = tmp_path / "two.csv"
    roster.write_text("SSID,Perm ID,First Name,Last Name\nS1,P1,Ana,Ruiz\n", encoding="utf-8")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        dialog = await open_dialog(pilot)
        dialog.path.value = str(roster)
        dialog.school_numbers.value = "1"
        dialog.path.focus()
        await pilot.press("enter")
        await settle(pilot)
        school_map = dialog.query_one("#roster-school-map")
        assert "should look like 1=VHS" in school_map.error  # type: ignore[attr-defined]
        dialog.school_numbers.value = ""
        await pilot.press("enter")
        await settle(pilot)
        error = dialog.query_one("#roster-path").error  # type: ignore[attr-defined]
        assert "more than one student ID column ('SSID', 'Perm ID')" in error
        dialog.columns.value = "district_id='Perm ID'"
        await pilot.press("enter")
        await settle(pilot)
        assert "1 rows: 1 added" in summary(dialog)
    assert sqlite_services.students.by_district_id(SYSTEM_ACTOR, "P1").first_name == "Ana"
