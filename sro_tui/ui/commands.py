"""The command palette (ctrl+p): every app command that applies right now."""

from __future__ import annotations

from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .keys import COMMANDS, Command


class SroCommands(Provider):
    """Commands from the app's command table, filtered by what applies now (a locked or
    signed-out app offers only help, theme and quit)."""

    def _available(self) -> list[Command]:
        app = self.app
        found = []
        for command in COMMANDS:
            _namespace, name, args = parse(command.action)
            if app.check_action(name, args) is True:
                found.append(command)
        return found

    def _run(self, command: Command) -> None:
        self.app.call_later(self.app.run_action, command.action)

    @staticmethod
    def _title(command: Command) -> str:
        key = f" ({command.key})" if command.key else ""
        return f"{command.label}{key}"

    async def discover(self) -> Hits:
        for command in self._available():
            yield DiscoveryHit(self._title(command), partial(self._run, command), help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._available():
            title = self._title(command)
            score = max(matcher.match(title), matcher.match(command.help) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._run, command),
                    text=title,
                    help=command.help,
                )
