"""The footer every screen shows: Textual's Footer, rebuilt only when its keys change.

Textual's Footer rebuilds all its keys whenever the focused widget changes, even when the keys
it shows stay the same, and each new key restyles itself twice on mount (its compact flag starts
on, then follows the footer). On a form that is most of the time between a key and the drawn
screen. This footer keeps the keys it has when nothing it shows has changed, dims or lights
the keys it has when only that changed (a list's first rows, a report arrived: no rebuild, issue
16), and gives new keys the footer's compact flag before they mount.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class SroFooter(Footer):
    """A Footer that skips rebuilds which would draw the same keys."""

    _shown: Hashable | None = None

    def _shown_keys(self, screen: Screen[object]) -> Hashable:
        """What the footer draws: each shown binding's key, label, action and state."""
        keys = tuple(
            (binding.key, binding.key_display, binding.description, binding.action, enabled, tip)
            for (_node, binding, enabled, tip) in screen.active_bindings.values()
            if binding.show
        )
        return (keys, self.compact, self.show_command_palette)

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._shown_keys(self.screen)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                _preset_compact(widget, self.compact)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._shown is not None
        ):
            shown = self._shown_keys(screen)
            if shown == self._shown:
                return  # the same keys are on screen already
            if self._relit(shown):
                return
        super().bindings_changed(screen)

    def _relit(self, shown: Hashable) -> bool:
        """When ``shown`` differs from the keys on screen only in which are enabled: dim or
        light those keys in place (one key restyled, not every key rebuilt). False when the
        keys themselves differ (then the footer is rebuilt)."""
        before = self._shown
        if not (isinstance(shown, tuple) and isinstance(before, tuple)):
            return False
        keys, *rest = shown
        old_keys, *old_rest = before
        if rest != old_rest or len(keys) != len(old_keys):
            return False
        enabled: dict[str, bool] = {}
        for new, old in zip(keys, old_keys, strict=True):
            if new[:4] != old[:4] or new[5:] != old[5:]:
                return False
            enabled.setdefault(new[3], new[4])  # Footer shows an action's first binding
        for key in self.query(FooterKey):
            if key.has_class("-command-palette") or key.action not in enabled:
                continue
            off = not enabled[key.action]
            if key._disabled != off:
                key._disabled = off  # Footer's own flag (a click on a dimmed key does nothing)
                key.set_class(off, "-disabled")
        self._shown = shown
        return True


def _preset_compact(key: Widget, compact: bool) -> None:
    """Give a key the compact flag and class it would otherwise set on mount, restyling then."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)
