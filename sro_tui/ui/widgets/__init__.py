"""Reusable widgets: labelled fields, the time field, type-ahead, small dialogs."""

from .confirm import ConfirmScreen, LeaveFormScreen
from .fields import LabelledField, TimeField
from .multi_typeahead import MultiTypeAhead
from .typeahead import Choice, TypeAhead

__all__ = [
    "Choice",
    "ConfirmScreen",
    "LabelledField",
    "LeaveFormScreen",
    "MultiTypeAhead",
    "TimeField",
    "TypeAhead",
]
