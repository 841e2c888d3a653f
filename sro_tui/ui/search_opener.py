"""ctrl+f: the search screen, built once a session and shown again after.

Building it (its box, its result list, its footer) took some 200 ms at each ctrl+f (issue
16); shown again it costs what a return to an area costs. Shown again, its box is selected to
type over and its last search is read again (records change). A search screen still under a
record opened from it (in another area, say) stays there, and ctrl+f opens one of its own.
Sign-out drops it with everything it showed: the next officer starts with an empty one.
Mixed into :class:`~sro_tui.ui.app.SroApp`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import App

if TYPE_CHECKING:
    from textual.screen import Screen

__all__ = ["SEARCH", "SearchOpener"]

SEARCH = "search"
"""The installed search screen's name."""


class SearchOpener(App[int]):
    if TYPE_CHECKING:
        locked: bool

        @property
        def signed_in(self) -> bool: ...

        def _push(self, screen: Screen[Any]) -> None: ...

    def action_search(self) -> None:
        """Search everything the officer may read (ctrl+f from any screen)."""
        from .screens.search import SearchScreen

        if isinstance(self.screen, SearchScreen):
            self.screen.focus_query()
            return
        if not self.signed_in or self.locked:
            return
        if not self.is_screen_installed(SEARCH):
            self.install_screen(SearchScreen(), SEARCH)
        search = self.get_screen(SEARCH)
        assert isinstance(search, SearchScreen)
        if self._in_a_stack(search):
            self._push(SearchScreen())  # the kept one is under a record, in some area
            return
        self._push(search)
        if search.is_mounted:  # shown before: after it has come back (ScreenResume)
            search.call_later(search.shown_again)

    async def drop_search(self) -> None:
        """Sign-out: the kept search screen goes, with the records it showed."""
        if not self.is_screen_installed(SEARCH):
            return
        search = self.get_screen(SEARCH)
        if self._in_a_stack(search):
            return  # not after the areas are closed (SroApp._drop_areas)
        self.uninstall_screen(SEARCH)
        await search.remove()

    def _in_a_stack(self, screen: Screen[Any]) -> bool:
        """Shown, or under another screen, in any area."""
        return any(screen in stack for stack in self._screen_stacks.values())
