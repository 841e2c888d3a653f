"""The app's parsed CSS kept between runs (``ui/parsed_css.py``, issue 16): the next start
takes the rules from the file instead of parsing, draws the same screen, and reads only a
file that is this user's own, of this Textual, for the same theme."""

from __future__ import annotations

import os
import pickle
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import textual.css.stylesheet as stylesheet_module
from textual.app import App

from sro_tui.services.registry import Services
from sro_tui.ui.parsed_css import FILE_NAME, ParsedCssFile
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.startup import KeptStylesheet

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle

DARK = {"background": "#000000", "foreground": "#ffffff", "primary": "#0178d4"}
LIGHT = {**DARK, "background": "#ffffff"}
CSS = "Screen { background: $background; color: $foreground; } #box { border: solid $primary; }"
WHERE = ("app.tcss", "")


def _sheet(folder: Path, variables: dict[str, str]) -> tuple[KeptStylesheet, ParsedCssFile]:
    sheet = KeptStylesheet(variables=variables)
    sheet.parsed_file = parsed = ParsedCssFile(folder)
    sheet.add_source(CSS, read_from=WHERE)
    return sheet, parsed


def _rules(sheet: KeptStylesheet) -> list[tuple[object, ...]]:
    sheet.parse()
    return [
        (
            [[repr(selector) for selector in each.selectors] for each in rule.selector_set],
            rule.styles.get_rules(),
            rule.is_default_rules,
            rule.tie_breaker,
        )
        for rule in sheet.rules
    ]


def test_the_next_run_takes_the_rules_without_parsing(
    tmp_path: Path, css_parses: Counter[str]
) -> None:
    first, parsed = _sheet(tmp_path, DARK)
    rules = _rules(first)
    assert css_parses[str(WHERE)] == 1
    parsed.save()
    saved = tmp_path / FILE_NAME
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600  # this user's alone

    second, _ = _sheet(tmp_path, DARK)
    assert _rules(second) == rules
    assert css_parses[str(WHERE)] == 1  # not parsed again


def test_another_theme_is_parsed_anew(tmp_path: Path, css_parses: Counter[str]) -> None:
    first, parsed = _sheet(tmp_path, DARK)
    dark = _rules(first)
    parsed.save()
    other, _ = _sheet(tmp_path, LIGHT)
    light = _rules(other)
    assert css_parses[str(WHERE)] == 2
    assert light != dark  # the background variable is in the rules


def test_the_folder_is_made_for_this_user_only(tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "sro-tui"
    sheet, parsed = _sheet(folder, DARK)
    sheet.parse()
    parsed.save()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert [path.name for path in folder.iterdir()] == [FILE_NAME]  # no temporary left


@pytest.mark.parametrize("spoil", ["damaged", "truncated", "another_textual", "not_a_dict"])
def test_a_file_that_cannot_be_used_is_parsed_over(
    tmp_path: Path, css_parses: Counter[str], spoil: str
) -> None:
    first, parsed = _sheet(tmp_path, DARK)
    rules = _rules(first)
    parsed.save()
    saved = tmp_path / FILE_NAME
    made_by, kept = pickle.loads(saved.read_bytes())
    match spoil:
        case "damaged":
            saved.write_bytes(b"not a pickle at all")
        case "truncated":
            saved.write_bytes(saved.read_bytes()[:100])
        case "another_textual":
            saved.write_bytes(pickle.dumps(((*made_by[:-1], (1, 2)), kept)))
        case "not_a_dict":
            saved.write_bytes(pickle.dumps((made_by, ["rules"])))

    again, parsed_again = _sheet(tmp_path, DARK)
    assert _rules(again) == rules  # parsed, no error
    assert css_parses[str(WHERE)] == 2
    parsed_again.save()  # and the file is whole again
    third, _ = _sheet(tmp_path, DARK)
    assert _rules(third) == rules
    assert css_parses[str(WHERE)] == 2


@pytest.mark.parametrize("shared", [0o620, 0o602])
def test_a_file_others_may_write_is_not_read(
    tmp_path: Path, css_parses: Counter[str], shared: int
) -> None:
    """It is unpickled: a file another user could have written is never loaded."""
    first, parsed = _sheet(tmp_path, DARK)
    _rules(first)
    parsed.save()
    os.chmod(tmp_path / FILE_NAME, shared)
    again, _ = _sheet(tmp_path, DARK)
    _rules(again)
    assert css_parses[str(WHERE)] == 2


def test_a_link_is_not_followed(tmp_path: Path, css_parses: Counter[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    first, parsed = _sheet(elsewhere, DARK)
    _rules(first)
    parsed.save()
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / FILE_NAME).symlink_to(elsewhere / FILE_NAME)
    again, _ = _sheet(folder, DARK)
    _rules(again)
    assert css_parses[str(WHERE)] == 2


def test_a_save_keeps_only_what_its_run_used(tmp_path: Path) -> None:
    first, parsed = _sheet(tmp_path, DARK)
    first.add_source("#gone { color: red; }", read_from=("gone.tcss", ""))
    first.parse()
    parsed.save()
    second, parsed_second = _sheet(tmp_path, DARK)  # a run without gone.tcss
    second.add_source("#new { color: blue; }", read_from=("new.tcss", ""))
    second.parse()
    parsed_second.save()
    _, kept = pickle.loads((tmp_path / FILE_NAME).read_bytes())
    assert sorted(key[2][0] for key in kept) == ["app.tcss", "new.tcss"]


def test_css_with_errors_is_not_kept(tmp_path: Path) -> None:
    sheet, parsed = _sheet(tmp_path, DARK)
    sheet.add_source("#bad { colour: red; }", read_from=("bad.tcss", ""))
    with pytest.raises(stylesheet_module.StylesheetParseError):
        sheet.parse()
    parsed.save()
    _, kept = pickle.loads((tmp_path / FILE_NAME).read_bytes())
    assert [key[2][0] for key in kept] == ["app.tcss"]


def test_a_save_that_cannot_write_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("in the way of the folder")
    sheet, parsed = _sheet(blocked / "sro-tui", DARK)
    sheet.parse()
    parsed.save()  # nothing raised: the next start parses again
    assert blocked.read_text() == "in the way of the folder"


async def _sign_in_screen(services: Services, clock: Clock, folder: Path) -> tuple[str, App[Any]]:
    app = make_app(services, clock)
    app.keep_parsed_css(ParsedCssFile(folder))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the store open, the areas' styles read and the file saved
        assert isinstance(app.screen, LoginScreen)
        return app.export_screenshot(), app


async def test_the_app_keeps_its_parsed_css_and_draws_the_same_from_it(
    sqlite_services: Services, clock: Clock, tmp_path: Path, css_parses: Counter[str]
) -> None:
    make_officer(sqlite_services, "1001")
    parsed_first, _ = await _sign_in_screen(sqlite_services, clock, tmp_path)
    assert (tmp_path / FILE_NAME).exists()  # saved once the areas' styles were read
    first_run = sum(css_parses.values())
    assert first_run > 0
    _, kept = pickle.loads((tmp_path / FILE_NAME).read_bytes())
    assert any("incidents.tcss" in str(key[2]) for key in kept)  # an area's, read ahead

    from_file, _ = await _sign_in_screen(sqlite_services, clock, tmp_path)
    assert from_file == parsed_first
    assert sum(css_parses.values()) == first_run  # nothing parsed the second time
