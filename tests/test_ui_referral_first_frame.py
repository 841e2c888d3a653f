"""The referral and student forms draw light first frames (issue 10: a form takes keys within
100 ms of the key that opened it). The referral form composes the student and mounts the rest
(two Selects, the reason, three day fields) right after the first frame, the student form
its school and grade; keys typed at once stay where they were typed, and the defaults and the
store's answer fill the fields once they are there. No timing asserted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.referral_form import ReferralFormScreen

from .test_ui_forms import FormHost, ui_officer, vhs
from .ui_shell_support import at_first_frame, until_filled

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_referral_form_mounts_its_lower_part_after_the_first_frame(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = at_first_frame(
        monkeypatch,
        ReferralFormScreen,
        lambda screen: (
            screen.student.is_mounted,
            screen.program.is_mounted or screen.reason.is_mounted,
            screen.consent.is_mounted or bool(screen.query("#referral-status")),
        ),
    )
    student = sqlite_services.students.create(
        ui_officer,
        StudentCreate(district_id="S-7", first_name="Maria", last_name="Garcia", school_id=vhs.id),
    )
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = ReferralFormScreen(prefill={"student_id": student.id, "reason": "After school"})
        await app.push_screen(screen)
        await pilot.pause()
        assert first == [(True, False, False)]  # the student only
        await until_filled(pilot, lambda: screen.follow_up.is_mounted and not screen.record_loading)
        assert screen.program.is_mounted and screen.follow_up.is_mounted
        assert screen.query_one("#referral-status")
        # The defaults and the prefill, set once the fields were there; the store's answer
        # (the programs, the prefilled student) after them.
        today = sqlite_services.ctx.today()
        assert screen.referred_on.day() == today
        assert screen.follow_up.day() == today + timedelta(days=14)
        assert screen.reason.text == "After school"
        assert screen.student.value == student.id
        assert not screen.record_loading
        assert len(screen.program._options) > 1  # the programs were set


async def test_keys_typed_at_once_stay_in_the_student(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = ReferralFormScreen()
        await app.push_screen(screen)
        await pilot.press(*"garc")  # before the rest is mounted
        await until_filled(pilot, lambda: screen.reason.is_mounted and not screen.record_loading)
        assert screen.reason.is_mounted
        assert screen.student.text == "garc"
        assert screen.focused is screen.student.input


async def test_student_form_mounts_school_and_grade_after_the_first_frame(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sro_tui.ui.forms.student_form import StudentFormScreen

    first = at_first_frame(
        monkeypatch,
        StudentFormScreen,
        lambda screen: (
            screen.district_id.is_mounted and screen.last_name.is_mounted,
            screen.school.is_mounted or screen.grade.is_mounted,
        ),
    )

    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = StudentFormScreen()
        await app.push_screen(screen)
        await pilot.press(*"100234")  # at once, maybe before the rest is mounted
        assert first == [(True, False)]  # the ids and names; no school or grade yet
        await until_filled(pilot, lambda: screen.school.is_mounted and not screen.record_loading)
        assert screen.school.is_mounted and screen.query_one("#student-status")
        assert screen.district_id.value == "100234"
        assert screen.school.value == vhs.id  # today's school, filled once it was there
        assert not screen.record_loading
