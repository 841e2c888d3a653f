"""Shared base classes for schemas."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Input schema: unknown fields are refused so a typo in a caller is caught early."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ReadSchema(BaseModel):
    """Output schema: built from ORM rows, frozen so screens cannot edit a record by accident."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


def ensure_utc(value: datetime) -> datetime:
    """Timestamps are handled as aware UTC; a naive one is taken to be UTC already.

    A moment that has no UTC equivalent (year 1 or 9999 at the edge of a day) is refused with
    ValueError, which a validator turns into a field error.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("is out of range (check the year)") from exc
