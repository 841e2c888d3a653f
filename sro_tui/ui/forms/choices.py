"""Choices for a form's type-aheads, read from the store (in a form's load() worker) or
searched as the officer types (in the type-ahead's worker)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...domain.errors import SroError
from ...domain.officers import Actor
from ...domain.students import StudentRead, grade_label
from ..widgets.typeahead import Choice

if TYPE_CHECKING:
    from ...services.registry import Services

__all__ = ["category_choices", "location_choices", "student_choice", "student_search"]


def category_choices(services: Services) -> list[Choice]:
    """Offense categories for a type-ahead: found by code, name words or NIBRS code."""
    return [
        Choice(c.code, c.name, c.code, words=f"{c.nibrs} {c.ed_code}")
        for c in services.reference.categories()
    ]


def location_choices(services: Services) -> list[Choice]:
    return [Choice(loc.code, loc.name, loc.code) for loc in services.reference.locations()]


def student_choice(student: StudentRead) -> Choice:
    grade = f", grade {grade_label(student.grade)}" if student.grade is not None else ""
    return Choice(student.id, student.display_name, f"{student.district_id}{grade}")


def student_search(
    services: Services, actor: Actor, *, limit: int = 8
) -> Callable[[str], list[Choice]]:
    """A type-ahead search over students by name or district ID (runs in a worker thread)."""

    def search(text: str) -> list[Choice]:
        try:
            page = services.students.search(actor, text, limit=limit)
        except SroError:
            return []
        return [student_choice(s) for s in page.items]

    return search
