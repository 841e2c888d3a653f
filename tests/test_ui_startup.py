"""Start-up stays lazy where it matters: importing the app (every screen by name) loads
neither SQLAlchemy nor the store, which open in a worker behind the sign-in screen, nor the
reports area's chart library."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import sro_tui.ui.app
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_the_app_opens_no_store() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert "sro_tui.ui.navigation" in loaded and "sro_tui.ui.screens.today" in loaded
    for heavy in ("sqlalchemy", "sro_tui.bootstrap", "sro_tui.store.db", "textual_plotext"):
        assert heavy not in loaded, heavy
    assert "sro_tui.ui.screens.reports" not in loaded
