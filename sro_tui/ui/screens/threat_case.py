"""One threat assessment case: the student, the reported threat, the stage and level, the
team, every stage change with its note, the follow-ups and the linked records.

Keys: ``m`` moves the case to another stage (the stages it may go to; the note asked for,
required for a safety plan and a close; leaving triage asks the team's judgement of the
threat), ``f`` adds a dated follow-up (due on Today), ``d`` marks a follow-up done, ``s`` and
``i`` open the student's timeline and the report. Each change goes to the service in a thread
worker against the version shown; a change made elsewhere meanwhile is refused and the case
read again."""

from __future__ import annotations

from datetime import tzinfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from ...domain.days import DAY_HELP, DayError, parse_day_required
from ...domain.errors import SroError
from ...domain.threats import (
    NOTE_REQUIRED,
    THREAT_PATH,
    THREAT_TRANSITIONS,
    FollowUpCreate,
    ThreatCaseRead,
    ThreatLevel,
    ThreatMove,
    ThreatStage,
)
from ..access import SessionAccess
from ..live import StoreChanged
from ..messages import OpenRecord
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.prompt import PromptScreen
from .choice_prompt import ChoiceScreen

__all__ = ["ThreatCaseScreen", "describe_case"]


def describe_case(case: ThreatCaseRead, tz: tzinfo) -> str:
    """The case as plain text lines, for the screen."""
    lines = [
        f"Student:   {case.student_name} ({case.school_code or 'no school'})",
        f"Stage:     {case.stage.value}" + (f", {case.level.value}" if case.level.value else ""),
        f"Reported:  {case.reported_on:%Y-%m-%d}"
        + (f", incident {case.incident_number} (i opens it)" if case.incident_number else ""),
        "Access:    "
        + ("confidential: the team" if case.confidential else "the school's officers and team"),
        "Team:      " + ", ".join(name for _, name in case.team) + " (the first leads)",
        "",
        "Reported threat",
        *[f"  {line}" for line in case.summary.splitlines()],
        "",
        "Follow-ups (f adds, d marks one done)",
    ]
    for f in case.follow_ups:
        state = f"done {f.done_at.astimezone(tz):%m-%d}" if f.done_at else "DUE"
        lines.append(f"  {f.due_on:%Y-%m-%d}  {state:<10} {f.officer_name}: {f.what}")
        if f.done_note:
            lines.append(f"      {f.done_note}")
    lines += ["", "History (m moves the case)"]
    for e in case.events:
        step = f"{e.from_stage.value} → " if e.from_stage else ""
        level = f" [{e.level.value}]" if e.level.value else ""
        lines.append(f"  {e.at.astimezone(tz):%Y-%m-%d %H:%M}  {step}{e.to_stage.value}{level}")
        lines.append(f"      by {e.by_name}")
        lines += [f"      {line}" for line in e.note.splitlines()]
    if case.links:
        lines += ["", "Linked records"]
        lines += [f"  {link.title}" for link in case.links]
    return "\n".join(lines)


class ThreatCaseScreen(SessionAccess, Screen[None]):
    """A threat assessment case and its history."""

    CSS_PATH = "threat_case.tcss"
    KINDS = frozenset({"threat"})

    BINDINGS = [
        Binding("m", "move", "Move stage", id="threat.move"),
        Binding("f", "follow_up", "Follow-up", id="threat.follow_up"),
        Binding("d", "done", "Done", id="threat.done"),
        Binding("s", "open('student')", "Student", id="threat.student"),
        Binding("i", "open('incident')", "Incident", id="threat.incident"),
        Binding("escape", "back", "Back", id="threat.back"),
    ]

    def __init__(self, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.case: ThreatCaseRead | None = None

    def compose(self) -> ComposeResult:
        yield SroHeader("Threat assessment case")
        with VerticalScroll():
            yield Static("Loading…", id="threat-text", markup=False)
        yield SroFooter()

    def on_mount(self) -> None:
        self.load()

    def on_store_changed(self, message: StoreChanged) -> None:
        if message.concerns(self.KINDS):
            self.load()

    @work(thread=True, exclusive=True, group="threat-case", exit_on_error=False)
    def load(self) -> None:
        try:
            case = self.services.threats.get(self.actor, self.case_id)
        except SroError as exc:
            self.app.call_from_thread(self._text, f"Could not open: {exc.message}")
            return
        self.app.call_from_thread(self._show, case)

    def _text(self, text: str) -> None:
        self.query_one("#threat-text", Static).update(literal(text, multiline=True))

    def _show(self, case: ThreatCaseRead) -> None:
        self.case = case
        header = self.query_one(SroHeader)
        header.title = f"Threat assessment case #{case.id}"
        header.refresh()
        self._text(describe_case(case, self.sro.tz))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        case = self.case
        if action in ("move", "follow_up", "done"):
            if case is None or not case.is_open:
                return None
            if action == "done":
                return any(f.done_at is None for f in case.follow_ups) or None
            return True
        if action == "open":
            if case is None:
                return False
            return parameters[0] == "student" or case.incident_id is not None
        return True

    # -- moving ----------------------------------------------------------------------------------

    def action_move(self) -> None:
        case = self.case
        if case is None or not case.is_open:
            return
        targets = [s for s in THREAT_PATH if s in THREAT_TRANSITIONS[case.stage]]
        options = [(s.value.capitalize(), s.value) for s in targets]
        version = case.version

        def chosen(value: str | None) -> None:
            if value is None:
                return
            target = ThreatStage(value)
            if case.stage is ThreatStage.TRIAGE:
                self._ask_level(target, version)
            else:
                self._ask_note(target, None, version)

        self.app.push_screen(ChoiceScreen(f"Move from {case.stage.value} to", options), chosen)

    def _ask_level(self, target: ThreatStage, version: int) -> None:
        options = [
            ("Transient: resolved, no serious intent", ThreatLevel.TRANSIENT.value),
            ("Substantive: serious intent to harm", ThreatLevel.SUBSTANTIVE.value),
            ("High: substantive, very serious or imminent", ThreatLevel.HIGH.value),
        ]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._ask_note(target, ThreatLevel(value), version)

        self.app.push_screen(ChoiceScreen("The team's judgement of the threat", options), chosen)

    def _ask_note(self, target: ThreatStage, level: ThreatLevel | None, version: int) -> None:
        required = target in NOTE_REQUIRED
        label = {
            ThreatStage.SAFETY_PLAN: "The safety plan:",
            ThreatStage.CLOSED: "Why the case closes:",
        }.get(target, "Note (optional):")

        def with_note(note: str | None) -> None:
            if note is not None:
                self._save_move(ThreatMove(to_stage=target, note=note, level=level), version)

        self.app.push_screen(
            PromptScreen(f"Move to {target.value}", label, required=required, max_length=2000),
            with_note,
        )

    @work(thread=True, group="threat-change", exit_on_error=False)
    def _save_move(self, move: ThreatMove, version: int) -> None:
        try:
            case = self.services.threats.move(self.actor, self.case_id, move, version=version)
        except SroError as exc:
            self._refused(exc)
            return
        self.app.call_from_thread(self._show, case)
        self.app.call_from_thread(self.notify, f"Moved to {case.stage.value}", markup=False)

    def _refused(self, exc: SroError) -> None:
        """Worker thread: say why, and read the case again (it may have changed)."""
        self.app.call_from_thread(
            self.notify, exc.message, severity="error", markup=False, timeout=8
        )
        self.app.call_from_thread(self.load)

    # -- follow-ups ------------------------------------------------------------------------------

    def action_follow_up(self) -> None:
        if self.case is None or not self.case.is_open:
            return
        today = self.services.ctx.today()

        def check(text: str) -> str | None:
            try:
                parse_day_required(text, today)
            except DayError as exc:
                return str(exc)
            return None

        def with_day(text: str | None) -> None:
            if text is not None:
                self._ask_what(parse_day_required(text, today))

        self.app.push_screen(
            PromptScreen("Follow-up", f"Due on ({DAY_HELP}):", value="+7", check=check),
            with_day,
        )

    def _ask_what(self, due_on: object) -> None:
        def with_what(what: str | None) -> None:
            if what:
                mine = self.case is not None and any(
                    o == self.actor.officer_id for o, _ in self.case.team
                )
                data = FollowUpCreate.model_validate(
                    {
                        "due_on": due_on,
                        "what": what,
                        "officer_id": self.actor.officer_id if mine else None,
                    }
                )
                self._save_follow_up(data)

        self.app.push_screen(
            PromptScreen("Follow-up", "What to do:", required=True, max_length=2000), with_what
        )

    @work(thread=True, group="threat-change", exit_on_error=False)
    def _save_follow_up(self, data: FollowUpCreate) -> None:
        try:
            self.services.threats.add_follow_up(self.actor, self.case_id, data)
        except SroError as exc:
            self._refused(exc)
            return
        self.app.call_from_thread(self.load)
        self.app.call_from_thread(
            self.notify, f"Follow-up due {data.due_on.isoformat()}", markup=False
        )

    def action_done(self) -> None:
        case = self.case
        if case is None:
            return
        pending = [f for f in case.follow_ups if f.done_at is None]
        if not pending:
            return
        options = [(f"{f.due_on:%Y-%m-%d} {f.what}"[:60], str(f.id)) for f in pending]

        def chosen(value: str | None) -> None:
            if value is None:
                return

            def with_note(note: str | None) -> None:
                if note is not None:
                    self._save_done(int(value), note)

            self.app.push_screen(
                PromptScreen("Follow-up done", "What came of it (optional):", max_length=2000),
                with_note,
            )

        self.app.push_screen(ChoiceScreen("Which follow-up is done?", options), chosen)

    @work(thread=True, group="threat-change", exit_on_error=False)
    def _save_done(self, follow_up_id: int, note: str) -> None:
        try:
            self.services.threats.complete_follow_up(self.actor, follow_up_id, note)
        except SroError as exc:
            self._refused(exc)
            return
        self.app.call_from_thread(self.load)

    # -- elsewhere -------------------------------------------------------------------------------

    def action_open(self, kind: str) -> None:
        case = self.case
        if case is None:
            return
        if kind == "student":
            self.post_message(OpenRecord("student", case.student_id))
        elif case.incident_id is not None:
            self.post_message(OpenRecord("incident", case.incident_id))

    def action_back(self) -> None:
        self.dismiss(None)
