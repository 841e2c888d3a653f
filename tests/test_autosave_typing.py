"""Autosave while typing goes on (issue 13, item 4): the draft is written at most
``AUTOSAVE_DELAY`` seconds after the first unsaved key even when the keys never stop, and at
once when the cursor moves to another field. Real keys, real timers, a real SQLite store."""

from __future__ import annotations

import string

from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.ui.forms.drafting import AUTOSAVE_DELAY

from .test_ui_forms import _form, contact_host, ui_officer

__all__ = ["ui_officer"]  # the fixture, imported for pytest

KEY_GAP = 0.1
"""Seconds between keys: far below the autosave delay, so a debounce would never fire."""

LETTERS = string.ascii_lowercase


def _typed(count: int) -> str:
    return "".join(LETTERS[i % len(LETTERS)] for i in range(count))


def _topic_in_store(services: Services, actor: Actor) -> str | None:
    drafts = services.drafts.for_actor(actor)
    if not drafts:
        return None
    [draft] = drafts
    topic = draft.payload["topic"]
    assert isinstance(topic, str)
    return topic


async def test_a_draft_is_written_while_typing_goes_on(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        form = _form(app)
        form.topic.focus()
        await pilot.pause()

        # Type without a break for more than four seconds, and on until a draft shows up
        # (bounded): it must show up while the keys are still coming.
        typed = 0
        first_seen: str | None = None
        minimum = int(4 / KEY_GAP)
        while typed < 400 and (typed < minimum or first_seen is None):
            await pilot.press(LETTERS[typed % len(LETTERS)])
            typed += 1
            await pilot.pause(KEY_GAP)
            if first_seen is None:
                first_seen = _topic_in_store(sqlite_services, ui_officer)
        assert first_seen, "no draft while typing went on"
        assert _typed(typed).startswith(first_seen)
        assert len(first_seen) < typed  # written before the last key, not after it

        # Keep typing: the draft keeps growing (saves repeat while typing goes on).
        later = first_seen
        more = 0
        while more < 400 and (more < int(2 * AUTOSAVE_DELAY / KEY_GAP) or later == first_seen):
            await pilot.press(LETTERS[typed % len(LETTERS)])
            typed += 1
            more += 1
            await pilot.pause(KEY_GAP)
            later = _topic_in_store(sqlite_services, ui_officer) or ""
        assert len(later) > len(first_seen)

        # Stopped at once (as by kill -9): the store holds everything but the last keys.
        in_store = _topic_in_store(sqlite_services, ui_officer)
        assert in_store is not None and _typed(typed).startswith(in_store)
        assert form.topic.value == _typed(typed)


async def test_moving_to_another_field_writes_the_draft_at_once(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        form = _form(app)
        form.minutes.focus()
        await pilot.pause()
        await pilot.press("4", "5")
        assert form.autosave_pending
        await pilot.press("tab")  # to Topic
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert not form.autosave_pending
        [draft] = sqlite_services.drafts.for_actor(ui_officer)
        assert draft.payload["minutes"] == "45"


async def test_a_slow_older_write_does_not_land_over_a_newer_draft(
    sqlite_services: Services, ui_officer: Actor
) -> None:
    app = contact_host(sqlite_services, ui_officer)
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        form = _form(app)
        newer = {**form.collect(), "topic": "newer"}
        older = {**form.collect(), "topic": "old"}
        assert form.write_draft_now(newer, "Contact — newer", seq=2) is not None
        assert form.write_draft_now(older, "Contact — old", seq=1) is None
        [draft] = sqlite_services.drafts.for_actor(ui_officer)
        assert draft.payload["topic"] == "newer"
