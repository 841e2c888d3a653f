"""Messages a screen sends up to the app instead of calling it.

A list, a search result or a timeline row that opens a record posts :class:`OpenRecord`;
the app (``SroApp.on_open_record``) decides which screen shows that kind of record. A screen
never needs to know another screen's class, and a test can watch for the message.
"""

from __future__ import annotations

from typing import Literal

from textual.message import Message

__all__ = ["OpenRecord", "RecordKind"]

RecordKind = Literal["incident", "note", "referral", "student", "draft", "checklist", "threat"]


class OpenRecord(Message):
    """Open the record ``kind`` #``record_id`` in its own screen (``draft``: reopen the
    draft's form; ``checklist``: the shift's checklist, ``record_id`` unused)."""

    def __init__(self, kind: RecordKind, record_id: int = 0) -> None:
        super().__init__()
        self.kind: RecordKind = kind
        self.record_id = record_id
