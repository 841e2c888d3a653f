"""Reusable widgets: labelled fields, the time field, type-ahead, small dialogs."""

from .confirm import ConfirmScreen, LeaveFormScreen
from .fields import LabelledField, TimeField
from .typeahead import Choice, MultiTypeAhead, TypeAhead

__all__ = [
    "Choice",
    "ConfirmScreen",
    "LabelledField",
    "LeaveFormScreen",
    "MultiTypeAhead",
    "TimeField",
    "TypeAhead",
]
