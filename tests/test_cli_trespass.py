"""`sro trespass warn|check|list` and `sro call add|list`, signed in with --as on a real
SQLite store: a warning given, found by part of its name, listed as in force; a juvenile's
warning not shown to another school's officer; a call logged (and made a draft report) and
listed; each refused without --as."""

from __future__ import annotations

from pathlib import Path

from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, RunCli, make_officer


def _store(services: Services) -> str:
    make_officer(services, "1001", "officer", ("VHS",))
    make_officer(services, "1002", "officer", ("BHS",))
    path = services.db.sqlite_path
    assert path is not None
    return str(path)


def as_(badge: str) -> tuple[str, ...]:
    return ("--as", badge, "--password-stdin")


def test_trespass_warn_check_list(
    sqlite_services: Services, cli_home: Path, run_cli: RunCli
) -> None:
    store = _store(sqlite_services)
    pw = TEST_PASSWORD + "\n"
    given = run_cli(
        "--db", store, "trespass", "warn", "--name", "John Q. Doe", "--age", "40",
        "--description", "grey hoodie", "--school", "VHS", "--school", "BHS", *as_("1001"),
        stdin=pw,
    )  # fmt: skip
    assert given.code == 0, given.err
    assert "Penal Code 626.8" in given.out and "(7 days)" in given.out
    young = run_cli(
        "--db", store, "trespass", "warn", "--name", "Jim Young", "--age", "15",
        "--school", "VHS", *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert young.code == 0, young.err
    found = run_cli("--db", store, "trespass", "check", "doe", "jo", *as_("1002"), stdin=pw)
    assert found.code == 0, found.err
    assert "IN FORCE" in found.out and "John Q. Doe" in found.out and "BHS,VHS" in found.out
    hidden = run_cli("--db", store, "trespass", "check", "young", *as_("1002"), stdin=pw)
    assert "(no warning found)" in hidden.out
    listed = run_cli("--db", store, "trespass", "list", *as_("1001"), stdin=pw)
    assert listed.out.count("IN FORCE") == 2 and "juvenile" in listed.out
    wrong = run_cli(
        "--db", store, "trespass", "warn", "--name", "X", "--age", "30", "--school", "VHS",
        "--days", "12", *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert wrong.code == 2 and "7, 30, 365 days" in wrong.err
    refused = run_cli("--db", store, "trespass", "list")
    assert refused.code == 2 and "--as BADGE" in refused.err


def test_call_add_and_list(sqlite_services: Services, cli_home: Path, run_cli: RunCli) -> None:
    store = _store(sqlite_services)
    pw = TEST_PASSWORD + "\n"
    added = run_cli(
        "--db", store, "call", "add", "--caller", "Front office", "--school", "VHS",
        "--where", "gym", "--what", "Fight reported", "--disposition", "handled by school",
        *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "handled by school" in added.out
    report = run_cli(
        "--db", store, "call", "add", "--caller", "Dispatch", "--school", "VHS",
        "--what", "Alarm", "--report", *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert report.code == 0, report.err
    assert "Draft report SRO-" in report.out
    listed = run_cli("--db", store, "call", "list", *as_("1001"), stdin=pw)
    assert listed.code == 0, listed.err
    assert "Fight reported" in listed.out and "report taken" in listed.out
    other = run_cli("--db", store, "call", "list", *as_("1002"), stdin=pw)
    assert "(no calls)" in other.out
    bad_time = run_cli(
        "--db", store, "call", "add", "--caller", "X", "--school", "VHS", "--what", "Y",
        "--at", "yesterday", *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert bad_time.code == 2 and "--at" in bad_time.err
