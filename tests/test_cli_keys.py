"""`sro keys`: the binding ids a department's keymap file can remap, with the keys in force."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import RunCli


def test_keys_lists_every_binding_id_with_its_key(run_cli: RunCli) -> None:
    result = run_cli("keys")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("# keymap file: ") and lines[0].endswith("(none: the built-in keys)")
    rows = {line.split()[0]: line.split()[1] for line in lines[1:]}
    assert rows["sro.quick_incident"] == "ctrl+n"
    assert rows["form.save"] == "ctrl+s"
    assert "checklist.done" in rows


def test_keys_shows_the_keymap_in_force_and_names_a_bad_line(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keymap = tmp_path / "keymap.toml"
    keymap.write_text('[keys]\n"sro.quick_incident" = "f11"\n"no.such" = "f12"\n')
    monkeypatch.setenv("SRO_KEYMAP_FILE", str(keymap))
    result = run_cli("keys")
    assert result.code == 0
    assert "no.such" in result.err
    row = next(line for line in result.out.splitlines() if line.startswith("sro.quick_incident"))
    assert row.split()[1] == "f11"
