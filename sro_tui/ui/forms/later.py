"""Fields mounted right after a form's first frame (issue 10: a form takes keys within 100 ms
of the key that opened it). A form composes the fields the cursor starts in; ``rest()`` gives
the others (Selects, day fields, status line), mounted into ``REST_INTO`` once the first
frame is drawn. What needs every field (the store's answer, the form's defaults) waits for
them: :meth:`when_mounted`."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.widget import Widget

from .base import FormLogic

__all__ = ["RestAfterFirstFrame"]


class RestAfterFirstFrame(FormLogic):
    """Mixin for a form screen (before FormScreen / FormModal in its bases)."""

    REST_INTO: ClassVar[str] = ""
    """The selector of the container the rest is mounted into (at its end)."""

    _rest_mounted: bool = False
    _after_rest: list[Callable[[], object]]

    def rest(self) -> list[Widget]:
        """The fields below the first ones, made when they are mounted."""
        return []

    def mount_rest_later(self) -> None:
        """Call in the form's on_mount: the rest comes right after the first frame."""
        self._after_rest = []
        self.call_after_refresh(self._mount_rest)

    async def _mount_rest(self) -> None:
        if self._finished or not self.is_attached:
            return
        await self.query_one(self.REST_INTO).mount_all(self.rest())
        self._rest_mounted = True
        waiting, self._after_rest = self._after_rest, []
        for then in waiting:
            then()

    def when_mounted(self, then: Callable[[], object]) -> None:
        """Run ``then`` once every field is mounted (at once if they are)."""
        if self._rest_mounted:
            then()
        else:
            self._after_rest.append(then)

    def _loaded(self, loaded: object) -> None:
        # Filled once every field is mounted (the store may answer before the rest is).
        fill = super()._loaded
        self.when_mounted(lambda: fill(loaded))
