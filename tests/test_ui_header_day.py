"""The header's day is drawn again when the day turns, on the screen shown only: a kept area's
header redrawn while hidden drew the whole terminal again (issue 16). Its check is called
here directly rather than waited for."""

from __future__ import annotations

from typing import Any

import pytest

from sro_tui.services.registry import Services
from sro_tui.ui.widgets.header import SroHeader

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in


def _counted(header: SroHeader, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []
    refresh = header.refresh

    def counted(*args: Any, **kwargs: Any) -> Any:
        asked.append(header.screen.__class__.__name__)
        return refresh(*args, **kwargs)

    monkeypatch.setattr(header, "refresh", counted)
    return asked


async def test_the_header_redraws_when_the_day_turns_and_only_where_it_is_seen(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_officer(services, "1001")
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)  # on Today
        today_header = app.screen.query_one(SroHeader)
        await pilot.press("f7")
        await settle(pilot)
        shown_header = app.screen.query_one(SroHeader)
        assert shown_header is not today_header  # Today's is kept, hidden
        hidden = _counted(today_header, monkeypatch)
        shown = _counted(shown_header, monkeypatch)

        for header in (today_header, shown_header):
            header._check_day()
        assert hidden == [] and shown == []  # the same day: nothing to draw

        clock.advance(days=1)
        for header in (today_header, shown_header):
            header._check_day()
        assert shown == ["StudentListScreen"] and hidden == []
        await settle(pilot)
        assert shown_header._day_drawn == f"{app.local_now():%a %b %-d}"
