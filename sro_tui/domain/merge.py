"""Merging an officer's kept typing with a record saved elsewhere meanwhile, field by field.

A form's content is a flat mapping (its draft payload). :func:`differences` lists the fields
in which the officer's version (``mine``) and the record as it is now (``other``) differ;
the officer picks a side for each, and :func:`merge` builds the content to save: every field
from ``mine`` except those given to ``other``. Pure: no store, no screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

__all__ = ["FieldDifference", "MergeField", "Side", "differences", "merge"]


class Side(StrEnum):
    """Whose value a field keeps."""

    MINE = "mine"
    OTHER = "other"


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class MergeField:
    """One field of a form as the merge sees it.

    ``key`` is its key in the content; ``label`` how the officer knows it; ``along`` keys that
    go with it (a location's shown name with its code); ``compare`` turns a value into what
    counts when comparing (a picked student's id, not how the name was shown)."""

    key: str
    label: str
    along: tuple[str, ...] = ()
    compare: Callable[[Any], Any] = _same


@dataclass(frozen=True)
class FieldDifference:
    """A field whose value differs: the officer's and the record's as saved elsewhere."""

    field: MergeField
    mine: Any
    other: Any

    @property
    def key(self) -> str:
        return self.field.key


def differences(
    mine: Mapping[str, Any], other: Mapping[str, Any], fields: Sequence[MergeField]
) -> list[FieldDifference]:
    """The fields (in the order given) whose values differ; a missing key counts as None."""
    found: list[FieldDifference] = []
    for spec in fields:
        a, b = mine.get(spec.key), other.get(spec.key)
        if spec.compare(a) != spec.compare(b):
            found.append(FieldDifference(spec, a, b))
    return found


def merge(
    mine: Mapping[str, Any],
    other: Mapping[str, Any],
    fields: Sequence[MergeField],
    choices: Mapping[str, Side],
) -> dict[str, Any]:
    """``mine`` with the fields chosen as :attr:`Side.OTHER` (and the keys that go with them)
    taken from ``other``. A field not in ``choices`` keeps the officer's value."""
    merged = dict(mine)
    for spec in fields:
        if choices.get(spec.key) is not Side.OTHER:
            continue
        for key in (spec.key, *spec.along):
            if key in other:
                merged[key] = other[key]
            else:
                merged.pop(key, None)
    return merged
