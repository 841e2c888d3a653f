"""Every refusal shows its reason under the field at fault and puts the cursor there: ctrl+s
on an empty form, for each form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.color import Color
from textual.screen import Screen

import sro_tui.ui
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.forms.base import FormLogic
from sro_tui.ui.forms.note_form import NoteFormScreen
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.forms.referral_form import ReferralFormScreen
from sro_tui.ui.forms.student_form import StudentFormScreen
from sro_tui.ui.widgets.fields import LabelledField

from .test_ui_forms import FormHost, ui_officer, vhs
from .ui_shell_support import settle

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


class AppCssHost(FormHost):
    """FormHost with the real app's stylesheet: it hid every error line (app CSS outranks a
    widget's DEFAULT_CSS), which a host without it never showed."""

    CSS_PATH = str(Path(sro_tui.ui.__file__).parent / "app.tcss")


def _shown(field: LabelledField) -> bool:
    """The error line is on screen (not only set)."""
    error = field.query_one(".field-error")
    return bool(field.error) and error.display and error.region.height > 0


@pytest.mark.parametrize(
    ("make", "field", "words"),
    [
        (QuickIncidentScreen, "offenses", "What happened is required"),
        (NoteFormScreen, "student_ids", "student"),
        (ReferralFormScreen, "student_id", "Student is required"),
        (StudentFormScreen, "district_id", "District ID"),
    ],
    ids=["quick-incident", "note", "referral", "student"],
)
async def test_ctrl_s_on_an_empty_form_shows_why_at_the_field(
    sqlite_services: Services,
    ui_officer: Actor,
    vhs: SchoolRead,
    make: Callable[[], Screen[Any]],
    field: str,
    words: str,
) -> None:
    host = AppCssHost(sqlite_services, ui_officer, school=vhs, first=make)
    async with host.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        form = host.screen
        assert isinstance(form, FormLogic) and not form.record_loading
        if isinstance(form, QuickIncidentScreen):
            form.location.set_choice(None)  # nothing filled in at all
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(host.screen, type(form))  # refused, still open
        labelled = form.field(field)
        assert labelled is not None
        assert words.lower() in labelled.error.lower(), labelled.error
        assert _shown(labelled), f"{field}: the reason is set but not on screen"
        assert labelled.has_class("-invalid")
        focused = host.focused
        assert focused is not None and labelled in focused.ancestors_with_self
        # The label turns red too; the toast repeats a reason instead of pointing at colours.
        label = labelled.query_one(".field-label")
        assert label.styles.color == Color.parse(host.get_css_variables()["error"])
        toasts = [n.message for n in host._notifications]
        assert any(t.startswith("Not saved: ") for t in toasts), toasts
        assert not any("marked in red" in t for t in toasts)
