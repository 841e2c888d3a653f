"""The command palette (ctrl+p): every app command that applies right now, the actions of
the screen it was opened on (submit, approve, add category…), and Textual's system commands.

Each offer names its key as the officer's keymap has it, so the palette teaches the keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.actions import parse
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

from .keymap import key_display
from .keys import COMMANDS, Command, own_bindings

__all__ = ["Offer", "SroCommands", "screen_actions"]

# System commands left out: Quit is in the app's table already; a screenshot would write
# what is on screen (juvenile records) to an unencrypted file, unaudited, unlike an export.
_LEFT_OUT_SYSTEM = {"Quit", "Screenshot"}
# Keys that only move the cursor or the focus are keys, not commands.
_MOVES = ("cursor_", "scroll_", "focus_", "page_")


@dataclass(frozen=True)
class Offer:
    """One line of the palette: its title, its help and what choosing it runs."""

    title: str
    help: str
    run: Callable[[], Any]
    kind: str
    """``app``, ``screen`` or ``system``."""


def _titled(label: str, key: str) -> str:
    return f"{label} ({key})" if key else label


def _binding_nodes(screen: Screen[Any]) -> list[DOMNode]:
    """The screen and the widgets between it and the focus: where its keys are bound."""
    focused = screen.focused
    if focused is None:
        return [screen]
    nodes: list[DOMNode] = []
    for node in focused.ancestors_with_self:
        nodes.append(node)
        if node is screen:
            break
    return nodes


def screen_actions(screen: Screen[Any]) -> Iterator[tuple[DOMNode, Binding]]:
    """The actions bound on ``screen`` (and its focused widgets) that apply now: each with a
    description, declared by sro-tui (not Textual's widget keys), shown in the footer or
    given an id, and allowed by the node's ``check_action``. Keys that an input on the
    screen would take (a letter) are still offered: the palette runs the action itself."""
    seen: set[tuple[int, str]] = set()
    for node in _binding_nodes(screen):
        for binding in own_bindings(type(node)):
            if not binding.description or not (binding.id or binding.show):
                continue
            namespace, name, params = parse(binding.action)
            if namespace or name.startswith(_MOVES) or (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            if node.check_action(name, params) is True:
                yield node, binding


class SroCommands(Provider):
    """Commands from the app's command table, filtered by what applies now (a locked or
    signed-out app offers only help, theme and quit); then the screen's own actions; then
    Textual's system commands (theme picker, keys panel, maximize)."""

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

    def _run_binding(self, node: DOMNode, binding: Binding) -> None:
        self.app.call_later(self.app.run_action, binding.action, node)

    def offers(self) -> list[Offer]:
        """Everything the palette offers on this screen, app commands first."""
        screen = self.screen
        offers = [
            Offer(
                _titled(command.label, key_display(screen, command.id, command.key)),
                command.help,
                partial(self._run, command),
                "app",
            )
            for command in self._available()
        ]
        offers += [
            Offer(
                _titled(binding.description, key_display(screen, binding.id or "", binding.key)),
                binding.tooltip or "On this screen",
                partial(self._run_binding, node, binding),
                "screen",
            )
            for node, binding in screen_actions(screen)
        ]
        offers += [
            Offer(name, help_text, callback, "system")
            for name, help_text, callback, _discover in self.app.get_system_commands(screen)
            if name not in _LEFT_OUT_SYSTEM
        ]
        return offers

    async def discover(self) -> Hits:
        for offer in self.offers():
            yield DiscoveryHit(offer.title, offer.run, help=offer.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for offer in self.offers():
            score = max(matcher.match(offer.title), matcher.match(offer.help) * 0.8)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(offer.title),
                    offer.run,
                    text=offer.title,
                    help=offer.help,
                )
