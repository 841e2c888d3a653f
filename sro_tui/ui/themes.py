"""The app's registered themes, handed out without a copy.

Textual looks up the current theme for every line it draws (to map ANSI colours), and its
lookup copies the dict of every registered theme each time: some 6 % of drawing a screen
(issue 16). Its readers only read that dict, so the app hands out the dict itself.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

__all__ = ["UncopiedThemes"]


class UncopiedThemes(App[Any]):
    @property
    def available_themes(self) -> dict[str, Theme]:
        return self._registered_themes
