"""What `sro` does before its first frame, kept small (issue 16): the sign-in screen should
draw about as soon as an empty Textual app does.

- The command palette's provider (``commands.py``, which imports the keymap and the command
  table) is imported when the palette first opens, not at start-up.
- The department's keymap module (and ``tomllib``) is imported only when there is a keymap
  file; without one the built-in keys apply, as ``keymap.read_keymap`` says for a missing file.
- :class:`KeptStylesheet`: Textual refreshes the CSS when it first shows a mode's screen (the
  sign-in screen is the default mode). That sets the CSS variables again, which empties the
  cache of parsed sources, so every source was parsed twice more before the first frame.
  With the same variables the rules are the same, so the cache is kept. It also takes rule
  sets parsed in earlier runs from a :class:`~sro_tui.ui.parsed_css.ParsedCssFile`, when
  `sro` gives it one.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.css.stylesheet import Stylesheet

if TYPE_CHECKING:
    from textual.app import App
    from textual.command import Provider
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation

    from .parsed_css import ParsedCssFile

__all__ = ["KeptStylesheet", "install_keymap_file", "sro_commands"]


def sro_commands() -> type[Provider]:
    """The app's command palette provider (``App.COMMANDS`` takes a callable returning it)."""
    from .commands import SroCommands

    return SroCommands


def install_keymap_file(app: App[Any], path: Path) -> None:
    """Apply the keymap in ``path`` if there is one (``keymap.install_keymap``); a file that
    is missing is the built-in keys, with nothing imported or read."""
    try:
        path.stat()
    except FileNotFoundError:
        return
    except OSError:
        pass  # a file that cannot be read: install_keymap says so on screen
    from .keymap import install_keymap

    install_keymap(app, path)


class KeptStylesheet(Stylesheet):
    """Textual's stylesheet that keeps its parsed sources while the CSS variables (the
    theme's colours) stay the same."""

    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._kept_variables = dict(variables or {})
        self._variables_key = tuple(sorted(self._kept_variables.items()))
        self._same_variables = False
        self.parsed_file: ParsedCssFile | None = None
        """Rule sets parsed in earlier runs (``sro`` sets it; tests leave it None)."""

    def set_variables(self, variables: dict[str, str]) -> None:
        self._same_variables = variables == self._kept_variables
        if self._same_variables:
            return  # the parsed sources still hold
        self._kept_variables = dict(variables)
        self._variables_key = tuple(sorted(variables.items()))
        super().set_variables(variables)

    def reparse(self) -> None:
        """With the variables unchanged, parse from the cache (only sources not parsed yet
        are); after new variables (another theme), Textual's full reparse."""
        if self._same_variables:
            self.parse()
        else:
            super().reparse()

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        """Textual's parse, or the same rules parsed by an earlier run (``parsed_file``)."""
        parse = (css, read_from, is_default_rules, tie_breaker, scope)
        kept = self.parsed_file
        if kept is None or parse in self._parse_cache:
            return super()._parse_rules(*parse)
        key = (self._variables_key, *parse)
        rules = kept.get(key)
        if rules is not None:
            self._parse_cache[parse] = rules
            return rules
        rules = super()._parse_rules(*parse)
        if not any(rule.errors for rule in rules):
            kept.put(key, rules)
        return rules
