"""Write ``sro_tui/ui/binding_ids.py``: every binding id a keymap file may name, as a table.

The app checks a keymap file's ids against that table at start-up instead of importing every
UI module to find them (issue 16). ``tests/test_keymap_ids.py`` fails when the table and the
bindings differ; run this to bring it up to date:

    .venv/bin/python scripts/binding_ids.py
"""

from __future__ import annotations

import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "sro_tui" / "ui" / "binding_ids.py"

HEADER = '''"""Every binding id a keymap file may name (``ui/keymap.py``), written by
``scripts/binding_ids.py`` from the bindings the UI declares; ``tests/test_keymap_ids.py``
checks that it is up to date. A table, so that the app reads a keymap file without importing
every screen (issue 16)."""

from __future__ import annotations

BINDING_IDS = frozenset(
    {
'''


def table() -> str:
    from sro_tui.ui.keymap import binding_ids

    lines = "".join(f'        "{binding_id}",\n' for binding_id in sorted(binding_ids()))
    return HEADER + lines + "    }\n)\n"


def main() -> int:
    TARGET.write_text(table(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
