"""Log a call for service: ctrl+y from any screen (c on Campus security).

Who called, what about, where; the disposition starts as "resolved by officer", the time as
now and the school as today's. "Start a report" also makes a draft incident of the call
(its time, school and text) and opens it. Enter in a one-line field or ctrl+s saves.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from ...domain.calls import CallCreate, CallerKind, CallRead, Disposition
from ...domain.drafts import DraftRead
from ...domain.errors import SroError
from ...domain.incidents import IncidentRead
from ...domain.timeparse import TimeParseError
from ..messages import OpenRecord
from ..text import literal
from ..widgets.fields import LabelledField, TimeField
from .base import FieldProblems, FormModal

__all__ = ["CALL_KEYS", "CallFormScreen"]

CALL_KEYS: list[tuple[str, str]] = [
    ("ctrl+y", "log a call, from any screen"),
    ("…", "who called"),
    ("tab", "to What"),
    ("…", "what it was about"),
    ("tab", "to Where"),
    ("…", "where on campus"),
    ("enter", "save: resolved by officer, now, today's school"),
]
"""Logging a call (the Pilot test presses exactly these; "…" is typed text)."""

DISPOSITION_OPTIONS = [(d.value.capitalize(), d.value) for d in Disposition]
CALLER_OPTIONS = [(k.value.capitalize(), k.value) for k in CallerKind]


@dataclass
class CallLoaded:
    school_name: str = ""
    draft: DraftRead | None = None


class CallFormScreen(FormModal):
    """The call dialog; dismissed with the ``CallRead`` logged, or None."""

    FORM = "call"
    WHAT = "this call for service"
    AUTO_FOCUS = "#call-caller"
    CSS_PATH = "call_form.tcss"

    def __init__(self, prefill: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id)
        self.school_id: int | None = None
        self.caller = Input(placeholder="name or office", compact=True, id="call-caller")
        self.what = Input(placeholder="what it was about", compact=True, id="call-what")
        self.where = Input(placeholder="optional", compact=True, id="call-where")
        self.disposition: Select[str] = Select(
            DISPOSITION_OPTIONS,
            value=Disposition.RESOLVED.value,
            allow_blank=False,
            compact=True,
            id="call-disposition",
        )
        self.caller_kind: Select[str] = Select(
            CALLER_OPTIONS,
            value=CallerKind.STAFF.value,
            allow_blank=False,
            compact=True,
            id="call-caller-kind",
        )
        self.when = TimeField()
        self.report = Checkbox("Start a report from it", compact=True, id="call-report")

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="call-body") as body:
            body.border_title = "Call for service"
            yield from self.compose_message()
            yield LabelledField("Who called", self.caller, field="caller", required=True)
            yield LabelledField("What", self.what, field="what", required=True)
            yield LabelledField("Where", self.where, field="location")
            with Horizontal(classes="row"):
                yield LabelledField("Disposition", self.disposition, field="disposition")
                yield LabelledField("Caller", self.caller_kind, field="caller_kind")
            yield LabelledField("When", self.when, field="received_at", required=True)
            yield self.report
            with Horizontal(id="call-status"):
                yield Label("enter/ctrl+s save · esc back · tab next field")
                yield Static("", classes="draft-status")

    def on_mount(self) -> None:
        school = self.sro.school
        self.school_id = self.prefill.get("school_id") or (school.id if school else None)
        if self.school_id is None and self.actor.school_ids:
            self.school_id = self.actor.school_ids[0]
        self.when.set_moment(self.when.now())

    def load(self) -> CallLoaded:
        loaded = CallLoaded()
        if self.school_id is not None:
            with contextlib.suppress(SroError):
                loaded.school_name = self.services.reference.school(self.school_id).name
        if self.draft_id is not None:
            loaded.draft = self.services.drafts.get(self.actor, self.draft_id)
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, CallLoaded)
        if loaded.school_name:
            self.query_one("#call-body").border_subtitle = literal(loaded.school_name)
        if loaded.draft is not None:
            self.draft_key = loaded.draft.key
            self.from_draft = True
            self.restore(loaded.draft.payload)

    # -- drafts --------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        return {
            "school_id": self.school_id,
            "caller": self.caller.value,
            "what": self.what.value,
            "where": self.where.value,
            "disposition": self.disposition.value,
            "caller_kind": self.caller_kind.value,
            "when": self.when.text,
            "report": self.report.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("school_id"):
            self.school_id = int(payload["school_id"])
        self.caller.value = str(payload.get("caller", ""))
        self.what.value = str(payload.get("what", ""))
        self.where.value = str(payload.get("where", ""))
        if payload.get("disposition") in {d.value for d in Disposition}:
            self.disposition.value = str(payload["disposition"])
        if payload.get("caller_kind") in {k.value for k in CallerKind}:
            self.caller_kind.value = str(payload["caller_kind"])
        self.when.text = str(payload.get("when", ""))
        self.report.value = bool(payload.get("report", False))

    def draft_title(self) -> str:
        return f"Call for service — {self.caller.value.strip() or 'caller not given yet'}"

    # -- save ----------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> tuple[CallCreate, bool] | None:
        received = None
        try:
            received = self.when.parse()
        except TimeParseError as exc:
            problems.add("received_at", f"When: {exc}")
        if self.school_id is None:
            problems.add("school_id", "No school for today: sign in with one")
        data = self.validate_model(
            CallCreate,
            problems,
            caller=self.caller.value,
            caller_kind=self.caller_kind.value,
            school_id=self.school_id or 1,
            location=self.where.value,
            what=self.what.value,
            disposition=self.disposition.value,
            received_at=received,
        )
        if problems or data is None:
            return None
        return data, self.report.value

    def persist(self, data: tuple[CallCreate, bool]) -> tuple[CallRead, IncidentRead | None]:
        call, make_report = data
        logged = self.services.calls.add(self.actor, call)
        report = self.services.calls.to_report(self.actor, logged.id) if make_report else None
        return logged, report

    def saved(self, result: tuple[CallRead, IncidentRead | None]) -> None:
        self._finished = True
        logged, report = result
        message = f"Call #{logged.id} logged: {logged.disposition.value}"
        if report is not None:
            message += f"; draft report {report.number}"
        self.app.notify(message, title="Call for service", markup=False)
        self.close_form(logged)
        if report is not None:
            self.app.post_message(OpenRecord("incident", report.id))
