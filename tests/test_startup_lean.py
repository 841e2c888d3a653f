"""`sro` draws the sign-in screen without pydantic (issue 16): the settings are a plain class
that raises pydantic's own ValidationError only for a bad value, and the app shell and the
sign-in screen use the actor and the text rules from plain modules."""

from __future__ import annotations

import argparse
import inspect
import json
import subprocess
import sys

import pytest
from pydantic import ValidationError
from textual.css.stylesheet import Stylesheet

from sro_tui.cli.app import app_settings
from sro_tui.config import MAX_IDLE_LOCK_MINUTES, Settings
from sro_tui.domain import enums, officers, roles, text
from sro_tui.domain.actor import Actor
from sro_tui.domain.characters import visible
from sro_tui.domain.errors import SroError
from sro_tui.services.registry import Services
from sro_tui.ui.screens.login import LoginScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app

PROBE = """
import argparse, json, sys
from sro_tui.cli import build_parser, groups_needed
build_parser(groups_needed(["--db", "x.db"]))
from sro_tui.cli.app import app_settings
from sro_tui.ui.app import create_app
create_app(app_settings(argparse.Namespace(db="x.db")))
print(json.dumps(sorted(sys.modules)))
"""


def test_the_app_and_its_settings_import_no_pydantic() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert "sro_tui.ui.screens.login" in loaded
    for heavy in ("pydantic", "pydantic_core", "sro_tui.cli.common", "sro_tui.domain.officers"):
        assert heavy not in loaded, heavy
    assert "sro_tui.domain.enums" not in loaded  # the actor's Role alone (domain.roles)
    # Nor what only later screens use: the record editor (Textual's TextArea).
    for later in ("textual.widgets._text_area", "sro_tui.ui.record_text_area"):
        assert later not in loaded, later


def test_the_record_editor_is_still_named_by_ui_text() -> None:
    from textual.widgets import TextArea

    from sro_tui.ui import text
    from sro_tui.ui.record_text_area import RecordTextArea

    assert text.RecordTextArea is RecordTextArea and issubclass(RecordTextArea, TextArea)
    with pytest.raises(AttributeError):
        _ = text.NoSuchName


def test_settings_read_the_environment_and_the_constructor_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("sro_idle_lock_minutes", "12")  # any case
    monkeypatch.setenv("SRO_PG_LOCK_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("SRO_TIMEZONE", "America/Denver")
    settings = Settings()
    assert settings.idle_lock_minutes == 12 and settings.pg_lock_timeout_seconds == 2.5
    assert settings.timezone == "America/Denver" and settings.database_url == ""
    assert Settings(idle_lock_minutes=3).idle_lock_minutes == 3
    copy = settings.model_copy(update={"database_url": "other.db"})
    assert copy.database_url == "other.db" and copy.idle_lock_minutes == 12
    assert copy == Settings(database_url="other.db")


@pytest.mark.parametrize(
    ("variable", "value", "loc", "message"),
    [
        ("SRO_IDLE_LOCK_MINUTES", "31", "idle_lock_minutes", f"equal to {MAX_IDLE_LOCK_MINUTES}"),
        ("SRO_IDLE_LOCK_MINUTES", "0", "idle_lock_minutes", "greater than or equal to 1"),
        ("SRO_IDLE_LOCK_MINUTES", "ten", "idle_lock_minutes", "valid integer"),
        ("SRO_PG_LOCK_TIMEOUT_SECONDS", "-1", "pg_lock_timeout_seconds", "greater than"),
        ("SRO_PG_STATEMENT_TIMEOUT_SECONDS", "x", "pg_statement_timeout_seconds", "number"),
        ("SRO_TIMEZONE", "Mars/Olympus_Mons", "timezone", "unknown time zone"),
    ],
)
def test_a_bad_setting_is_pydantics_validation_error(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, loc: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as raised:
        Settings()
    (problem,) = raised.value.errors(include_url=False)
    assert problem["loc"] == (loc,) and message in problem["msg"]
    # `sro` (the app) names it in one line, as every other command does.
    with pytest.raises(SroError, match=variable):
        app_settings(argparse.Namespace(db=None))


def test_a_value_given_is_checked_too() -> None:
    with pytest.raises(ValidationError):
        Settings(idle_lock_minutes=MAX_IDLE_LOCK_MINUTES + 1)
    with pytest.raises(ValidationError):
        Settings().model_copy(update={"timezone": "Nowhere/Never"})


def test_the_app_settings_take_the_db_option(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SRO_DATABASE_URL", "env.db")
    assert app_settings(argparse.Namespace(db=None)).database_url == "env.db"
    assert app_settings(argparse.Namespace(db="given.db")).database_url == "given.db"


def test_the_domain_modules_still_name_the_moved_rules() -> None:
    assert officers.Actor is Actor and text.visible is visible
    assert enums.Role is roles.Role and enums.Role("admin") is roles.Role.ADMIN
    assert visible("a\x1bb\u202e") == "a\\x1bb⟨U+202E⟩"


async def test_showing_the_sign_in_screen_parses_no_stylesheet_again(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """login.tcss is read with the app's stylesheet, so the sign-in screen's first showing
    does not parse every source again (Textual's _load_screen_css reparses for a new file)."""
    callers: list[str] = []
    reparse = Stylesheet.reparse

    def counted(stylesheet: Stylesheet) -> None:
        callers.append(inspect.stack()[1].function)
        reparse(stylesheet)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    make_officer(sqlite_services, "1001")  # a store with officers: the sign-in screen
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert "_load_screen_css" not in callers, callers
