"""Turn pydantic's validation errors into messages an officer understands, per field."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

_MESSAGES = {
    "missing": "is required",
    "string_too_short": "is required",
    "string_too_long": "is too long (at most {max_length} characters)",
    "string_unicode": "contains a broken character (unpaired surrogate); please retype it",
    "string_type": "must be text",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "float_parsing": "must be a number",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "date_from_datetime_parsing": "must be a date like 2026-09-14",
    "date_parsing": "must be a date like 2026-09-14",
    "datetime_parsing": "must be a date and time like 2026-09-14 10:40",
    "datetime_from_date_parsing": "must be a date and time like 2026-09-14 10:40",
    "enum": "must be one of: {expected}",
    "literal_error": "must be one of: {expected}",
    "bool_parsing": "must be yes or no",
    "list_type": "must be a list",
    "too_short": "needs at least {min_length}",
    "extra_forbidden": "is not a field of this form",
}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: ``field`` is the schema's name, ``label`` the human one."""

    field: str
    label: str
    message: str

    def __str__(self) -> str:
        # A form-wide rule (no field) says its whole sentence itself.
        return f"{self.label} {self.message}" if self.label else self.message


def _label(model: type[BaseModel] | None, name: str) -> str:
    if model is not None and name in model.model_fields:
        title = model.model_fields[name].title
        if title:
            return title
    return name.replace("_", " ").capitalize()


def field_errors(error: ValidationError, model: type[BaseModel] | None = None) -> list[FieldError]:
    """Officer-facing messages, one per failing field, in the order of the form."""
    found: list[FieldError] = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item.get("loc", ()) if not isinstance(part, int)]
        name = loc[0] if loc else "form"
        template = _MESSAGES.get(item["type"])
        ctx = item.get("ctx") or {}
        if template:
            try:
                message = template.format(**ctx)
            except (KeyError, IndexError):
                message = template
        else:
            message = str(item.get("msg", "is not valid"))
            # pydantic prefixes custom messages with "Value error, "; the label says enough.
            message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        label = _label(model, name) if loc else ""
        found.append(FieldError(field=name, label=label, message=message))
    return found


def first_message(error: ValidationError, model: type[BaseModel] | None = None) -> str:
    """One line for the CLI: the first field at fault."""
    errors = field_errors(error, model)
    return str(errors[0]) if errors else "The form has an error"
