"""The one day grammar (domain/days.py) every form, filter and report uses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sro_tui.domain.days import DayError, parse_day, parse_day_required

TODAY = date(2026, 9, 14)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-09-01", date(2026, 9, 1)),
        (" T ", TODAY),
        ("today", TODAY),
        ("y", date(2026, 9, 13)),
        ("Yesterday", date(2026, 9, 13)),
        ("tomorrow", date(2026, 9, 15)),
        ("+14", date(2026, 9, 28)),
        ("+3d", date(2026, 9, 17)),
        ("+2 days", date(2026, 9, 16)),
        ("-1w", date(2026, 9, 7)),
        ("+2 weeks", date(2026, 9, 28)),
        ("", None),
        ("   ", None),
    ],
)
def test_days_an_officer_types(text: str, expected: date | None) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2026-02-30", "is not a day"),
        ("next tuesday", "is not a day"),
        ("9999-12-31", "outside 1900-01-01 to 2200-12-31"),
        ("0001-01-01", "outside"),
        ("+99999", "too far"),
        ("+5y", "is not a day"),
    ],
)
def test_bad_days_say_what_to_type(text: str, says: str) -> None:
    with pytest.raises(DayError, match=says):
        parse_day(text, TODAY)


def test_a_required_day_refuses_empty_text() -> None:
    with pytest.raises(DayError, match="Type a date like"):
        parse_day_required(" ", TODAY)


@given(st.text(max_size=30))
def test_any_text_is_a_day_none_or_a_day_error(text: str) -> None:
    try:
        day = parse_day(text, TODAY)
    except DayError as exc:
        assert str(exc)
    else:
        assert day is None or date(1900, 1, 1) <= day <= date(2200, 12, 31)
