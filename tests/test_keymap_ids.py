"""The table of binding ids (``ui/binding_ids.py``) a keymap file is checked against at
start-up: it names every binding the UI declares, and reading a keymap with it imports no
screen (issue 16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sro_tui.ui.binding_ids import BINDING_IDS
from sro_tui.ui.keymap import binding_ids, read_keymap


def test_the_table_names_every_binding_id() -> None:
    declared = binding_ids()
    assert declared == BINDING_IDS, (
        f"missing {sorted(declared - BINDING_IDS)}, gone {sorted(BINDING_IDS - declared)}: "
        "run .venv/bin/python scripts/binding_ids.py"
    )


PROBE = """
import json, sys
from pathlib import Path
from sro_tui.ui.keymap import read_keymap
found = read_keymap(Path(sys.argv[1]))
print(json.dumps({"keymap": found.keymap, "problems": found.problems,
                  "modules": sorted(sys.modules)}))
"""


def read_in_a_new_process(path: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, check=True
    )
    answer: dict[str, object] = json.loads(result.stdout)
    return answer


def test_a_keymap_of_known_ids_imports_no_screen(tmp_path: Path) -> None:
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"checklist.done" = "x"\n"reports.ytd" = "t"\n', encoding="utf-8")
    answer = read_in_a_new_process(path)
    assert answer["keymap"] == {"checklist.done": "x", "reports.ytd": "t"}
    assert answer["problems"] == []
    modules = answer["modules"]
    assert isinstance(modules, list)
    for screen in ("checklist", "reports", "admin", "today"):
        assert f"sro_tui.ui.screens.{screen}" not in modules, screen


def test_an_id_missing_from_the_table_is_still_found(tmp_path: Path) -> None:
    """The table is only the quick way: an id it lacks is looked up in the bindings."""
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"reports.ytd" = "t"\n"no.such" = "x"\n', encoding="utf-8")
    found = read_keymap(path, None)
    assert found.keymap == {"reports.ytd": "t"}
    assert len(found.problems) == 1 and "'no.such'" in found.problems[0]
