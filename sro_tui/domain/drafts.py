"""Drafts: what an officer has typed into a form and not yet saved as a record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from .base import ReadSchema, Schema
from .text import RequiredLine


class DraftSave(Schema):
    form: RequiredLine = Field(title="Form")
    key: str = Field(default="", max_length=64, title="Record")
    title: str = Field(default="", max_length=200, title="Title")
    payload: dict[str, Any] = Field(default_factory=dict, title="Content")


class DraftRead(ReadSchema):
    id: int
    officer_id: int
    form: str
    key: str
    title: str
    payload: dict[str, Any]
    updated_at: datetime
    terminal: str = ""
    """The terminal it was typed on ("" for a draft kept before drafts were per terminal)."""
