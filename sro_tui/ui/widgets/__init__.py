"""Reusable widgets: labelled fields, the time field, type-ahead, small dialogs.

Imported by module (``from ..widgets.typeahead import TypeAhead``): this package imports none
of them, so the sign-in screen loads only the few it draws (issue 16)."""
