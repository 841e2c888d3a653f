"""Which screen shows what: each area's screen (the app's modes), the screen of one record
(for :class:`~sro_tui.ui.messages.OpenRecord`), and the form that reopens a draft.

Every screen is imported here by name, so a renamed or broken screen fails at start-up (and
in mypy), never as a placeholder at run time. The app (``ui/app.py``) only looks things up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.screen import Screen

from .forms.note_form import NoteFormScreen
from .forms.quick_incident import QuickIncidentScreen
from .forms.referral_form import ReferralFormScreen
from .forms.student_form import StudentFormScreen
from .messages import RecordKind
from .screens.checklist import ChecklistScreen
from .screens.incident_form import IncidentFormScreen
from .screens.incidents import IncidentListScreen
from .screens.mentoring import MentoringScreen
from .screens.note_view import NoteViewScreen
from .screens.referral_detail import ReferralScreen
from .screens.referrals import ReferralListScreen
from .screens.student_timeline import StudentTimelineScreen
from .screens.students import StudentListScreen
from .screens.today import TodayScreen

__all__ = ["AREA_SCREENS", "DRAFT_FORMS", "admin_screen", "draft_form", "record_screen"]


def reports_screen() -> Screen[Any]:
    """The reports area. Imported on first use: its chart library and report schemas cost
    about 60 ms (a fifth of the app's import), which the sign-in screen should not wait for."""
    from .screens.reports import ReportsScreen

    return ReportsScreen()


ADMIN_FORMS = (
    "admin_school",
    "admin_officer",
    "admin_setting",
    "admin_reference",
    "admin_template",
)


def admin_screen() -> Screen[Any]:
    """Administration (F12). Imported on first use, like reports: only administrators open
    it, and its forms cost about 20 ms of every terminal's start-up."""
    from .screens.admin import AdminScreen

    return AdminScreen()


def admin_form(form: str, draft_id: int) -> Screen[Any]:
    """The administration form that reopens a draft of ``form`` (one of ADMIN_FORMS)."""
    from .screens.admin_forms import OfficerAdminForm, SchoolAdminForm
    from .screens.admin_lists_forms import (
        ReferenceAdminForm,
        SettingAdminForm,
        TemplateAdminForm,
    )

    forms: dict[str, Callable[..., Screen[Any]]] = {
        "admin_school": SchoolAdminForm,
        "admin_officer": OfficerAdminForm,
        "admin_setting": SettingAdminForm,
        "admin_reference": ReferenceAdminForm,
        "admin_template": TemplateAdminForm,
    }
    return forms[form](draft_id=draft_id)


AREA_SCREENS: dict[str, Callable[[], Screen[Any]]] = {
    "today": TodayScreen,
    "checklist": ChecklistScreen,
    "incidents": IncidentListScreen,
    "mentoring": MentoringScreen,
    "referrals": ReferralListScreen,
    "students": StudentListScreen,
    "reports": reports_screen,
}
"""Each area's screen (a mode of the app, one stack each)."""

DRAFT_FORMS: dict[str, Callable[[int], Screen[Any]]] = {
    "incident": lambda draft_id: IncidentFormScreen(draft_id=draft_id),
    "quick_incident": lambda draft_id: QuickIncidentScreen(draft_id=draft_id),
    "student": lambda draft_id: StudentFormScreen(draft_id=draft_id),
    "referral": lambda draft_id: ReferralFormScreen(draft_id=draft_id),
    "note": lambda draft_id: NoteFormScreen(draft_id=draft_id),
    **{form: partial(admin_form, form) for form in ADMIN_FORMS},
}
"""Which form reopens a draft, by the draft's form name."""

_RECORD_SCREENS: dict[RecordKind, Callable[[int], Screen[Any]]] = {
    "incident": lambda record_id: IncidentFormScreen(incident_id=record_id),
    "note": NoteViewScreen,
    "referral": ReferralScreen,
    "student": StudentTimelineScreen,
}


def record_screen(kind: RecordKind, record_id: int) -> Screen[Any]:
    """The screen showing record ``kind`` #``record_id`` (not for drafts and the checklist:
    a draft's form depends on the draft, the checklist is an area)."""
    return _RECORD_SCREENS[kind](record_id)


def draft_form(form: str, draft_id: int) -> Screen[Any] | None:
    """The form that reopens a draft of ``form``; None for a form this version lacks."""
    build = DRAFT_FORMS.get(form)
    return build(draft_id) if build is not None else None
