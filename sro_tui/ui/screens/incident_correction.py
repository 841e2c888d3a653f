"""The incident form opened as a correction of an approved report (c on the report).

The same fields as the report's editor, filled from the version in force; ctrl+s sends the
whole content (when, where, categories, people and their outcomes, narrative) as a correction
that a supervisor approves in the review queue (services/corrections.py). The report itself
does not change until then; its draft is kept apart from the report's own
(``<id>-correction``). Every store call runs in the form's thread workers.
"""

from __future__ import annotations

from typing import Any

from ...domain.enums import IncidentStatus
from ...domain.errors import SroError
from ...domain.incidents import IncidentContent, IncidentRead
from ..forms.core import FieldProblems
from ..incident_draft import draft_of_record, read_draft
from ..incident_load import DRAFT_FORM, IncidentLoad, IncidentRequest, read_incident
from .incident_form import IncidentFormScreen

__all__ = ["IncidentCorrectionScreen", "correction_key"]

CONTENT_FIELDS = (
    "occurred_at",
    "location_code",
    "offenses",
    "people",
    "narrative",
    "bias_motivation",
    "initiated_by",
)


def correction_key(incident_id: int) -> str:
    return f"{incident_id}-correction"


class IncidentCorrectionScreen(IncidentFormScreen):
    """An approved report's content, edited as a correction."""

    def __init__(self, incident_id: int) -> None:
        super().__init__(incident_id=incident_id)
        self.draft_key = correction_key(incident_id)

    def _title_text(self) -> str:
        if self.record is None or self.load_problem is not None:
            return super()._title_text()
        record = self.record
        return (
            f"Correction of {record.number} (version {record.revision}) · "
            "ctrl+s sends it for a supervisor's approval"
        )

    def load(self) -> IncidentLoad:
        request = IncidentRequest(incident_id=self.incident_id, draft_key=self.draft_key)
        loaded = read_incident(self.services, self.actor, request)
        record = loaded.record
        if loaded.problem is not None or record is None:
            return loaded
        problem = self._refusal(record)
        if problem is not None:
            loaded.problem = problem
            return loaded
        loaded.editable = True
        loaded.draft_key = self.draft_key
        kept = self.services.drafts.find(self.actor, DRAFT_FORM, self.draft_key)
        draft = read_draft(dict(kept.payload)) if kept is not None else None
        if kept is not None and draft is not None:
            loaded.draft_id, loaded.from_draft = kept.id, True
            draft.incident_id = record.id
            draft.version = record.version
            loaded.draft = draft
        else:
            loaded.draft = draft_of_record(record, self.services.ctx.tz)
        return loaded

    def _refusal(self, record: IncidentRead) -> str | None:
        if record.voided:
            return "This report is voided; it cannot be corrected"
        if record.status is not IncidentStatus.APPROVED:
            return "Only an approved report is corrected; change this one itself"
        if record.correction_pending:
            return "A correction of this report already waits for review"
        if not (self.actor.is_supervisor or record.officer_id == self.actor.officer_id):
            return "Only the reporting officer or a supervisor can correct this report"
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("submit", "void", "versions", "approve", "return_report", "correct"):
            return False  # ctrl+s sends the correction; the rest belong to the report
        return super().check_action(action, parameters)

    def build(self, problems: FieldProblems) -> Any:
        values = self.editor.values(problems)
        if problems:
            return None
        content = {name: values[name] for name in CONTENT_FIELDS if name in values}
        return self.validate_model(IncidentContent, problems, **content)

    def persist(self, data: Any) -> IncidentRead:
        if not isinstance(data, IncidentContent) or self.incident_id is None:
            raise SroError("Nothing to send")
        corrections = self.services.corrections
        corrections.propose(self.actor, self.incident_id, data)
        return self.services.incidents.get(self.actor, self.incident_id)

    def saved(self, result: Any) -> None:
        assert isinstance(result, IncidentRead)
        self.record = result
        self.notify(f"Correction of {result.number} sent: a supervisor approves it", markup=False)
        self._finished = True
        self.close_form(result)
