"""Data-entry forms and the machinery they share (``base``)."""

from .base import AUTOSAVE_DELAY, FieldProblems, FormLogic, FormModal, FormScreen

__all__ = ["AUTOSAVE_DELAY", "FieldProblems", "FormLogic", "FormModal", "FormScreen"]
