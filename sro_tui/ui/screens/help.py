"""Help (f1): every key, read from the bindings themselves (the app's command table and each
screen's BINDINGS), so this page cannot go stale; and the quick-incident sequence as the
quick-incident form documents it."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ..keys import COMMANDS, class_bindings
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader

# (title, module, class): the screens whose keys the help lists, in the order an officer
# meets them. A screen that is not built yet is left out.
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("Sign-in and lock", "sro_tui.ui.screens.login", "LoginScreen"),
    ("Today's school", "sro_tui.ui.screens.school_pick", "SchoolPickScreen"),
    ("Today (f2)", "sro_tui.ui.screens.today", "TodayScreen"),
    ("Duty checklist (f3)", "sro_tui.ui.screens.checklist", "ChecklistScreen"),
    ("Incidents (f4)", "sro_tui.ui.screens.incidents", "IncidentListScreen"),
    ("Incident report", "sro_tui.ui.screens.incident_form", "IncidentFormScreen"),
    ("Quick incident (ctrl+n)", "sro_tui.ui.forms.quick_incident", "QuickIncidentScreen"),
    ("Review queue (supervisors)", "sro_tui.ui.screens.review_queue", "ReviewQueueScreen"),
    ("Mentoring (f5)", "sro_tui.ui.screens.mentoring", "MentoringScreen"),
    ("Mentoring note", "sro_tui.ui.forms.note_form", "NoteFormScreen"),
    ("Referrals (f6)", "sro_tui.ui.screens.referrals", "ReferralListScreen"),
    ("Referral", "sro_tui.ui.screens.referral_detail", "ReferralScreen"),
    ("Referral form", "sro_tui.ui.forms.referral_form", "ReferralFormScreen"),
    ("Students (f7)", "sro_tui.ui.screens.students", "StudentListScreen"),
    ("Student timeline", "sro_tui.ui.screens.student_timeline", "StudentTimelineScreen"),
    ("Reports (f8)", "sro_tui.ui.screens.reports", "ReportsScreen"),
    ("Search (ctrl+f)", "sro_tui.ui.screens.search", "SearchScreen"),
    ("Audit trail (supervisors)", "sro_tui.ui.screens.audit", "AuditScreen"),
    ("Small dialogs", "sro_tui.ui.widgets.prompt", "PromptScreen"),
)

EXTRA_KEYS: dict[str, list[tuple[str, str]]] = {
    # Keys handled by widgets rather than bindings, said once here.
    "Everywhere": [
        ("ctrl+p", "Command palette: every command by name"),
        ("tab / shift+tab", "Next / previous field"),
    ],
    "Today (f2)": [("enter", "Open the record on the highlighted line")],
    "Duty checklist (f3)": [
        ("enter", "Mark done (on a done item: says when; u resets)"),
        ("up / down", "Move between items"),
    ],
    "Sign-in and lock": [("enter", "Next field; on the password: sign in")],
    "Today's school": [("enter", "Confirm the highlighted school")],
}


def _key(key: str) -> str:
    return {"slash": "/", "space": "space", "escape": "esc"}.get(key, key)


def key_sections() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every key the officer can press, by where it applies."""
    from importlib import import_module

    everywhere = [(_key(c.key), c.help) for c in COMMANDS if c.key]
    everywhere += [
        ("ctrl+p", f"{c.help} (type “{c.label}” in the palette)") for c in COMMANDS if not c.key
    ]
    everywhere += EXTRA_KEYS["Everywhere"]
    sections: list[tuple[str, list[tuple[str, str]]]] = [("Everywhere", everywhere)]
    for title, module, name in SCREENS:
        try:
            cls: Any = getattr(import_module(module), name)
        except (ImportError, AttributeError):
            continue
        rows = [
            (_key(key), description or action.replace("_", " "))
            for key, action, description in class_bindings(cls, own_package="sro_tui")
        ]
        rows += EXTRA_KEYS.get(title, [])
        if rows:
            sections.append((title, rows))
    return sections


def quick_incident_keys() -> list[tuple[str, str]]:
    """The quick-incident sequence from the form's module, or nothing if not built yet."""
    try:
        from ..forms import quick_incident
    except ImportError:
        return []
    return list(getattr(quick_incident, "QUICK_INCIDENT_KEYS", []))


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, width=16)
    table.add_column(ratio=1)
    for key, text in rows:  # a Rich table reads a str as markup: keys like "[" stay keys
        table.add_row(literal(key), literal(text))
    return table


class HelpScreen(Screen[None]):
    """Every key, and the written quick-incident sequence."""

    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("f1", "close", "Close", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sequence = quick_incident_keys()
        self.sections = key_sections()

    def compose(self) -> ComposeResult:
        yield SroHeader("Help")
        with VerticalScroll(id="help-body"):
            if self.sequence:
                yield Static(Text("Log a trespass warning in a few keys", style="bold underline"))
                rows = [(_key(k), t) for k, t in self.sequence]
                yield Static(_table(rows), classes="help-table")
            for title, rows in self.sections:
                yield Static(Text(title, style="bold underline"), classes="help-title")
                yield Static(_table(rows), classes="help-table")
        yield SroFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_down()

    def action_scroll_up(self) -> None:
        self.query_one("#help-body", VerticalScroll).scroll_up()
