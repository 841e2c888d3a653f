"""Which screen shows what: each area's screen (the app's modes), the screen of one record
(for :class:`~sro_tui.ui.messages.OpenRecord`), and the form that reopens a draft.

Every screen is imported here by name, inside the function that makes it: a renamed or
broken screen fails mypy and the tests (``preload`` imports them all), never as a
placeholder at run time, and `sro` draws its sign-in screen without importing the others
(issue 16: about half of the app's import). The app imports them all in a worker once the
store is open (``preload``), so the first F4 or ctrl+n does not wait for an import. The app
(``ui/app.py``) only looks things up.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from .messages import RecordKind

__all__ = [
    "AREA_SCREENS",
    "DRAFT_FORMS",
    "admin_screen",
    "draft_form",
    "load_area_css",
    "preload",
    "record_screen",
]


def preload() -> None:
    """Import every screen and form the app may show (not administration: administrators
    only). Run in a thread worker behind the sign-in screen; importing twice costs nothing."""
    from .forms import (
        call_form,
        note_form,
        quick_incident,
        referral_form,
        student_form,
        threat_form,
    )
    from .screens import (
        audit,
        checklist,
        export,
        first_admin,
        help,
        incident_form,
        incidents,
        lock,
        mentoring,
        note_view,
        referral_detail,
        referrals,
        review_queue,
        school_pick,
        search,
        student_timeline,
        students,
        threat_case,
        threats,
        today,
        trespass,
        trespass_warning,
    )

    del note_form, quick_incident, referral_form, student_form, audit, checklist, export
    del first_admin, help, incident_form, incidents, lock, mentoring, note_view
    del referral_detail, referrals, review_queue, school_pick, search, student_timeline
    del students, today, call_form, trespass, trespass_warning
    del threat_form, threat_case, threats


def today_screen() -> Screen[Any]:
    from .screens.today import TodayScreen

    return TodayScreen()


def checklist_screen() -> Screen[Any]:
    from .screens.checklist import ChecklistScreen

    return ChecklistScreen()


def incidents_screen() -> Screen[Any]:
    from .screens.incidents import IncidentListScreen

    return IncidentListScreen()


def mentoring_screen() -> Screen[Any]:
    from .screens.mentoring import MentoringScreen

    return MentoringScreen()


def referrals_screen() -> Screen[Any]:
    from .screens.referrals import ReferralListScreen

    return ReferralListScreen()


def students_screen() -> Screen[Any]:
    from .screens.students import StudentListScreen

    return StudentListScreen()


def reports_screen() -> Screen[Any]:
    """The reports area. Imported on first use: its chart library and report schemas cost
    about 60 ms (a fifth of the app's import), which the sign-in screen should not wait for."""
    from .screens.reports import ReportsScreen

    return ReportsScreen()


def campus_screen() -> Screen[Any]:
    """Campus security (ctrl+g): the trespass watch check."""
    from .screens.trespass import CampusScreen

    return CampusScreen()


def _trespass_warning_form(draft_id: int) -> Screen[Any]:
    from .screens.trespass_warning import TrespassWarningForm

    return TrespassWarningForm(draft_id=draft_id)


def _call_form(draft_id: int) -> Screen[Any]:
    from .forms.call_form import CallFormScreen

    return CallFormScreen(draft_id=draft_id)


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


AREA_CSS: tuple[str, ...] = ("today", "checklist", "incidents", "mentoring", "referrals")
AREA_CSS += ("students", "reports", "trespass")
"""The area screens' stylesheets (``screens/<name>.tcss``, every rule scoped to its screen)."""


FORM_CSS = (
    "screens/incident_form",
    "forms/quick_incident",
    "forms/note_form",
    "forms/referral_form",
    "forms/student_form",
)
"""The forms' stylesheets, read with the areas': a form's first opening then reparses no
stylesheet and restyles no screen (issue 10: a form takes keys within 100 ms)."""


def load_area_css(app: App[Any]) -> None:
    """Read every area screen's stylesheet into the app's at once (UI thread, behind the
    sign-in screen). Textual reads a screen's CSS file when that screen first shows, then
    parses the whole stylesheet again and restyles every screen alive: on each area's first
    visit, a cost that grew with every screen kept (issue 16). Here it is one pass, with
    only the sign-in screen alive."""
    ui = Path(__file__).parent
    names = [f"screens/{name}" for name in AREA_CSS] + list(FORM_CSS)
    stylesheet = app.stylesheet
    added = False
    for name in names:
        path = (ui / f"{name}.tcss").resolve()  # as Textual names a screen's CSS_PATH
        if not stylesheet.has_source(str(path), ""):
            stylesheet.read(path)
            added = True
    if added:
        app.refresh_css(animate=False)


def _styled_now(build: Callable[[], Screen[Any]]) -> Callable[[], Screen[Any]]:
    """``build``, with the new screen marked as styled by the app's current stylesheet.

    Textual restyles every screen alive (and parses the stylesheet again) when a mode's new
    screen shows, twice, because a new screen's CSS counter starts behind the app's. A new
    screen's widgets are styled as they mount, by the stylesheet as it is (a theme change
    moves the app's counter on, and is applied on the next switch as before), so the
    restyle adds nothing but time: about half of an area's first opening. If Textual drops
    the counter, this does nothing."""

    def area() -> Screen[Any]:
        screen = build()
        count = getattr(screen.app, "_css_update_count", None)
        if isinstance(count, int) and hasattr(screen, "_css_update_count"):
            screen._css_update_count = count
        return screen

    return area


AREA_SCREENS: dict[str, Callable[[], Screen[Any]]] = {
    mode: _styled_now(build)
    for mode, build in {
        "today": today_screen,
        "checklist": checklist_screen,
        "incidents": incidents_screen,
        "mentoring": mentoring_screen,
        "referrals": referrals_screen,
        "students": students_screen,
        "reports": reports_screen,
        "campus": campus_screen,
    }.items()
}
"""Each area's screen (a mode of the app, one stack each)."""


def _incident_form(*, draft_id: int | None = None, incident_id: int | None = None) -> Screen[Any]:
    from .screens.incident_form import IncidentFormScreen

    if incident_id is not None:
        return IncidentFormScreen(incident_id=incident_id)
    return IncidentFormScreen(draft_id=draft_id)


def _quick_incident_form(draft_id: int) -> Screen[Any]:
    from .forms.quick_incident import QuickIncidentScreen

    return QuickIncidentScreen(draft_id=draft_id)


def _student_form(draft_id: int) -> Screen[Any]:
    from .forms.student_form import StudentFormScreen

    return StudentFormScreen(draft_id=draft_id)


def _referral_form(draft_id: int) -> Screen[Any]:
    from .forms.referral_form import ReferralFormScreen

    return ReferralFormScreen(draft_id=draft_id)


def _note_form(draft_id: int) -> Screen[Any]:
    from .forms.note_form import NoteFormScreen

    return NoteFormScreen(draft_id=draft_id)


def _note_view(record_id: int) -> Screen[Any]:
    from .screens.note_view import NoteViewScreen

    return NoteViewScreen(record_id)


def _referral_view(record_id: int) -> Screen[Any]:
    from .screens.referral_detail import ReferralScreen

    return ReferralScreen(record_id)


def threat_cases_screen() -> Screen[Any]:
    """Threat assessment cases (palette, or ctrl+t in Campus security)."""
    from .screens.threats import ThreatCasesScreen

    return ThreatCasesScreen()


def _threat_case(record_id: int) -> Screen[Any]:
    from .screens.threat_case import ThreatCaseScreen

    return ThreatCaseScreen(record_id)


def _student_timeline(record_id: int) -> Screen[Any]:
    from .screens.student_timeline import StudentTimelineScreen

    return StudentTimelineScreen(record_id)


DRAFT_FORMS: dict[str, Callable[[int], Screen[Any]]] = {
    "incident": lambda draft_id: _incident_form(draft_id=draft_id),
    "quick_incident": _quick_incident_form,
    "student": _student_form,
    "referral": _referral_form,
    "note": _note_form,
    "trespass_warning": _trespass_warning_form,
    "call": _call_form,
    **{form: partial(admin_form, form) for form in ADMIN_FORMS},
}
"""Which form reopens a draft, by the draft's form name."""

_RECORD_SCREENS: dict[RecordKind, Callable[[int], Screen[Any]]] = {
    "incident": lambda record_id: _incident_form(incident_id=record_id),
    "note": _note_view,
    "referral": _referral_view,
    "student": _student_timeline,
    "threat": _threat_case,
}


def record_screen(kind: RecordKind, record_id: int) -> Screen[Any]:
    """The screen showing record ``kind`` #``record_id`` (not for drafts and the checklist:
    a draft's form depends on the draft, the checklist is an area)."""
    return _RECORD_SCREENS[kind](record_id)


def draft_form(form: str, draft_id: int, key: str = "") -> Screen[Any] | None:
    """The form that reopens a draft of ``form``; None for a form this version lacks. A
    correction's draft (an incident draft keyed ``<id>-correction``) reopens the correction
    form of that report, not the approved report itself (read-only)."""
    number, _, rest = key.partition("-")
    if form == "incident" and rest == "correction" and number.isdigit():
        from .screens.incident_correction import IncidentCorrectionScreen

        return IncidentCorrectionScreen(int(number))
    build = DRAFT_FORMS.get(form)
    return build(draft_id) if build is not None else None
