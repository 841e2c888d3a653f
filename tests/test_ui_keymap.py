"""A department's keymap file: binding ids to keys, read when the app starts. A remapped key
runs the action and the old key no longer does; a bad line is a warning, never a crash."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Label

from sro_tui.config import Settings
from sro_tui.domain.reports import MonthlyReport, YtdReport
from sro_tui.services.registry import Services
from sro_tui.ui.keymap import binding_ids, check_key, describe, listing, read_keymap
from sro_tui.ui.keys import class_bindings, command_named
from sro_tui.ui.screens.reports import ReportsScreen
from sro_tui.ui.screens.today import TodayScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in

KNOWN = frozenset({"checklist.done", "reports.ytd", "sro.reports"})


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keymap.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keymap_file_good_lines_apply_bad_lines_are_named(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[keys]\n"checklist.done" = "space,Enter"\n"no.such" = "x"\n'
        '"reports.ytd" = "t,ctrl+nokey"\n"sro.reports" = 5\n',
    )
    found = read_keymap(path, KNOWN)
    assert found.keymap == {"checklist.done": "space,enter", "reports.ytd": "t"}
    assert len(found.problems) == 3
    unknown, bad_key, not_string = found.problems
    assert "unknown binding id 'no.such'" in unknown
    assert "'ctrl+nokey' is not a key" in bad_key and "reports.ytd" in bad_key
    assert "sro.reports must be a string" in not_string
    assert all("\n" not in problem for problem in found.problems)  # one line each


def test_missing_unreadable_and_broken_files(tmp_path: Path) -> None:
    assert read_keymap(tmp_path / "none.toml", KNOWN).keymap == {}
    assert read_keymap(tmp_path / "none.toml", KNOWN).problems == []
    broken = read_keymap(write(tmp_path, "[keys\n"), KNOWN)
    assert broken.keymap == {} and len(broken.problems) == 1 and "not a TOML" in broken.problems[0]
    no_table = read_keymap(write(tmp_path, '"reports.ytd" = "t"\n'), KNOWN)
    assert no_table.keymap == {} and "no [keys] table" in no_table.problems[0]
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe[keys]\n")
    assert len(read_keymap(binary, KNOWN).problems) == 1


def test_check_key_takes_textual_key_names() -> None:
    assert check_key("ctrl+s") == "ctrl+s"
    assert check_key("F5") == "f5"
    assert check_key("Ctrl+Shift+Up") == "ctrl+shift+up"
    assert check_key("question_mark") == "question_mark"
    assert check_key("/") == "/"
    for bad in ("", " ", "foo", "ctrl+", "hyperdrive+x", "x y", "\x1b"):
        assert check_key(bad) is None, bad


def test_describe_lists_every_binding_id_with_its_key() -> None:
    rows = {(row.id, row.where): row for row in describe()}
    ids = {row_id for row_id, _where in rows}
    assert ids == binding_ids()
    # The dialogs, the reports and the app's commands all have ids.
    assert {"confirm.yes", "leave.keep", "prompt.cancel", "choice.cancel"} <= ids
    assert {"reports.save", "export.start", "audit.verify", "sro.quick_incident"} <= ids
    assert rows[("reports.ytd", "ReportsScreen")].keys == "y"
    assert rows[("reports.ytd", "ReportsScreen")].description == "Year"
    remapped = {row.id: row.keys for row in describe({"reports.ytd": "t"})}
    assert remapped["reports.ytd"] == "t"
    ytd = ("t", "kind('ytd')", "Year")
    assert ytd in class_bindings(ReportsScreen, "sro_tui", {"reports.ytd": "t"})
    assert command_named("reports").keys({"sro.reports": "f12"}) == "f12"
    assert command_named("reports").keys() == "f8"
    lines = listing({"reports.ytd": "t"}).splitlines()
    assert len(lines) == len(rows)
    assert any(line.split()[:3] == ["reports.ytd", "t", "Year"] for line in lines)


async def test_keymap_file_remaps_keys_when_the_app_starts(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        '[keys]\n"sro.reports" = "f12"\n"reports.ytd" = "t"\n"reports.save" = "w"\n"x.y" = "z"\n',
    )
    assert Settings(keymap_file=str(path)).keymap_path() == path
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock, keymap_file=str(path))
    async with app.run_test(notifications=True) as pilot:
        await sign_in(pilot)  # the unknown id was a warning: the app started
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert any("unknown binding id 'x.y'" in message for message in warnings)
        await pilot.press("f8")  # the old key of Reports does nothing now
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("f12")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert isinstance(screen.report, MonthlyReport)
        status = str(screen.query_one("#report-status", Label).content)
        assert "w save" in status and "p/n period" in status  # the hint follows the keymap
        await pilot.press("y")  # the old key of the year to date does nothing
        await settle(pilot)
        assert isinstance(screen.report, MonthlyReport)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(screen.report, YtdReport)
