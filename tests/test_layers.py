"""The layers hold: the core (domain, store, services) runs without Textual, and the
import-linter contracts in pyproject.toml are kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ("sro_tui.domain", "sro_tui.store", "sro_tui.services")

# Run in a fresh interpreter: the test process itself has Textual loaded by the UI tests.
PROBE = """
import importlib, json, pkgutil, sys

core = {core!r}
imported = []
for package_name in core:
    package = importlib.import_module(package_name)
    imported.append(package_name)
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        if info.name.startswith("sro_tui.store.migrations"):
            continue  # Alembic scripts: they run inside an Alembic context only
        importlib.import_module(info.name)
        imported.append(info.name)
{extra}
print(json.dumps({{
    "imported": imported,
    "textual": sorted(m for m in sys.modules if m == "textual" or m.startswith("textual.")),
    "ui": sorted(m for m in sys.modules if m.startswith("sro_tui.ui")),
}}))
"""


def probe(extra: str = "") -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(core=CORE, extra=extra)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_core_imports_without_textual() -> None:
    found = probe()
    assert len(found["imported"]) > 20
    for expected in ("sro_tui.domain.incidents", "sro_tui.store.models", "sro_tui.services.demo"):
        assert expected in found["imported"]
    assert found["textual"] == []
    assert found["ui"] == []


def test_the_command_line_does_not_load_the_ui() -> None:
    """`sro db check` and friends build their parser without loading Textual."""
    found = probe("from sro_tui.cli import build_parser\nbuild_parser()")
    assert found["textual"] == []
    assert found["ui"] == []


def test_the_probe_would_notice_textual() -> None:
    found = probe("import sro_tui.ui.app")
    assert "textual" in found["textual"]


def test_import_contracts() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.skip("import-linter is not installed")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert "KEPT" in result.stdout
