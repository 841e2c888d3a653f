"""Start-up stays lazy where it matters (issue 16): importing the app loads the sign-in
screen and not the other screens (navigation imports each where it is made, and all of them
in a worker once the store is open), nor SQLAlchemy and the store, which open in a worker
behind the sign-in screen, nor the reports area's chart library."""

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
    assert "sro_tui.ui.navigation" in loaded and "sro_tui.ui.screens.login" in loaded
    for later in ("sro_tui.ui.screens.today", "sro_tui.ui.screens.incident_form"):
        assert later not in loaded, later
    for later in ("sro_tui.ui.forms.quick_incident", "sro_tui.services.passwords"):
        assert later not in loaded, later
    for heavy in ("sqlalchemy", "sro_tui.bootstrap", "sro_tui.store.db", "textual_plotext"):
        assert heavy not in loaded, heavy
    assert "sro_tui.ui.screens.reports" not in loaded


PRELOAD = """
import json, sys
from sro_tui.ui.navigation import AREA_SCREENS, preload
preload()
print(json.dumps(sorted(sys.modules)))
"""


def test_preload_imports_every_screen_but_the_rare_ones() -> None:
    """What the app imports behind the sign-in screen: every area, record screen and form
    (so a renamed one fails here, not at an officer's key), not reports and administration."""
    result = subprocess.run(
        [sys.executable, "-c", PRELOAD], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    for screen in (
        "screens.today",
        "screens.checklist",
        "screens.incidents",
        "screens.incident_form",
        "screens.mentoring",
        "screens.note_view",
        "screens.referrals",
        "screens.referral_detail",
        "screens.students",
        "screens.student_timeline",
        "screens.search",
        "screens.lock",
        "screens.school_pick",
        "forms.quick_incident",
        "forms.note_form",
        "forms.referral_form",
        "forms.student_form",
    ):
        assert f"sro_tui.ui.{screen}" in loaded, screen
    for rare in ("sro_tui.ui.screens.reports", "sro_tui.ui.screens.admin", "sqlalchemy"):
        assert rare not in loaded, rare
