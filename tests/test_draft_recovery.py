"""A crash loses nothing typed: the real app runs in a subprocess on a pseudo-terminal, the
officer signs in and starts a quick incident, the autosave writes the draft, the process is
killed with SIGKILL, and a fresh start offers the draft back, intact, on Today.
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from sro_tui.config import Settings
from sro_tui.domain.drafts import DraftRead
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.app import create_app
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, make_officer
from .stores import copy_sqlite_store

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")]

NARRATIVE = "Man in a grey hoodie at the north gate, no pass; told to leave, 10:40."
# Seconds. Every wait polls the screen and returns as soon as it shows what is awaited; the
# bound only decides when a hung app is a failure, so it is generous for a loaded machine.
WAIT = 120.0
PACE = 0.3  # seconds between keys that move focus (a person types no slower); not a check
_ANSI = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>])"
)

RUN_APP = """
import sys
from sro_tui.bootstrap import open_store
from sro_tui.config import Settings
from sro_tui.ui.app import create_app

settings = Settings(database_url=sys.argv[1], audit_key_file=sys.argv[2])
opened = open_store(settings)  # what `sro` does, done before the first frame
create_app(settings, services=opened.services).run()
"""


class Terminal:
    """The app on a pseudo-terminal of 80x24: keys in, screen text out."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self._chunks: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self._chunks.append(data.decode("utf-8", "replace"))

    def text(self) -> str:
        """Everything drawn so far, escape sequences removed."""
        with self._lock:
            raw = "".join(self._chunks)
        return _ANSI.sub("", raw)

    def wait_for(self, needle: str, timeout: float = WAIT, *, since: int = 0) -> int:
        """Poll the output until ``needle`` shows; return where the output had got to."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.text()
            if needle in text[since:]:
                return len(text)
            if self.proc.poll() is not None:
                raise AssertionError(f"the app exited ({self.proc.returncode}) before {needle!r}")
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; the screen ended with {text[-400:]!r}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=WAIT)
        os.close(self.master)


@pytest.fixture
def store(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[Services, Settings]]:
    key_file = tmp_path / "audit.key"
    key_file.write_bytes(TEST_AUDIT_KEY)
    key_file.chmod(0o600)
    settings = Settings(database_url=str(tmp_path / "store.db"), audit_key_file=str(key_file))
    db = Database(copy_sqlite_store(sqlite_template, Path(settings.database_url)))
    services = build_services(db, audit_key=TEST_AUDIT_KEY, terminal="pytest")
    officer = make_officer(services, "1001", "officer")
    # An earlier report at the gate: the quick incident's location starts there.
    services.incidents.create(
        officer,
        IncidentCreate(
            school_id=services.reference.school_by_code("VHS").id,
            occurred_at=services.ctx.now() - timedelta(days=1),
            location_code="PERIMETER",
            offenses=[OffenseIn(category_code="TRUANCY")],
        ),
    )
    try:
        yield services, settings
    finally:
        db.dispose()


def _poll_draft(services: Services, narrative: str) -> DraftRead:
    actor = services.officers.authenticate("1001", TEST_PASSWORD)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        for draft in services.drafts.for_actor(actor):
            if draft.payload.get("narrative") == narrative:
                return draft
        time.sleep(0.1)
    raise AssertionError(
        f"no draft holds the narrative; drafts: {services.drafts.for_actor(actor)}"
    )


async def test_draft_survives_a_kill_and_is_offered_back(
    store: tuple[Services, Settings], tmp_path: Path
) -> None:
    services, settings = store
    script = tmp_path / "run_app.py"
    script.write_text(RUN_APP)
    env = {
        **os.environ,
        "TERM": "xterm-256color",
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "TEXTUAL_ANIMATIONS": "none",
    }
    env.pop("SRO_DATABASE_URL", None)
    term = Terminal(
        [sys.executable, str(script), settings.database_url, settings.audit_key_file], env
    )
    try:
        at = term.wait_for("Badge")
        term.send("1001")
        term.wait_for("1001", since=at)
        term.send("\r")
        time.sleep(PACE)
        term.send(TEST_PASSWORD)
        term.wait_for("•" * len(TEST_PASSWORD), since=at)
        term.send("\r")
        # If the sign-in came before the store was ready, Enter again (retype if cleared).
        deadline = time.monotonic() + WAIT
        while "Where are you today" not in term.text()[at:]:
            assert time.monotonic() < deadline, term.text()[-400:]
            time.sleep(2.0)
            tail = term.text()[at:]
            if "Where are you today" in tail:
                break
            at = len(term.text())
            term.send(TEST_PASSWORD + "\r" if "Type your password" in tail else "\r")
        at = term.wait_for("Where are you today")
        term.send("\r")
        at = term.wait_for("Drafts waiting", since=at)
        term.send("\x0e")  # ctrl+n
        at = term.wait_for("What happened", since=at)
        term.send("tre")
        at = term.wait_for("TRESPASS", since=at)  # the suggestion is on screen
        term.send("\r")  # take it; the cursor moves to Students
        time.sleep(PACE)
        term.send("\t")  # skip Students: the cursor is in Narrative
        time.sleep(PACE)
        term.send(NARRATIVE)
        draft = _poll_draft(services, NARRATIVE)
    finally:
        term.kill()

    # The draft row holds exactly what was typed.
    assert draft.form == "quick_incident"
    assert draft.payload["narrative"] == NARRATIVE
    assert draft.payload["category"] == "TRESPASS"
    assert draft.payload["location"] == "PERIMETER"
    assert draft.title.startswith("Quick incident — Trespass, ")

    # Start again: Today offers the draft; opening it brings the text back; saving it works.
    app = create_app(settings, services=services)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*"1001", "enter", *TEST_PASSWORD, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # today's school
        await app.workers.wait_for_complete()
        await pilot.pause()
        from textual.widgets import OptionList

        today = app.screen.query_one(OptionList)
        prompts = [str(today.get_option_at_index(i).prompt) for i in range(today.option_count)]
        offered = [i for i, p in enumerate(prompts) if draft.title in p]
        assert offered, prompts
        today.focus()
        today.highlighted = offered[0]
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, QuickIncidentScreen)
        assert form.narrative.text == NARRATIVE
        assert form.category.value == "TRESPASS"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, QuickIncidentScreen)
    actor = services.officers.authenticate("1001", TEST_PASSWORD)
    assert services.drafts.for_actor(actor) == []
    newest = services.incidents.open_for(actor)[0]
    record = services.incidents.get(actor, newest.id)
    assert record.narrative == NARRATIVE
    assert [o.category_code for o in record.offenses] == ["TRESPASS"]
