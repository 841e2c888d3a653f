"""An area's screen is not restyled when it comes back unless its styles could have changed.

Textual restyles every widget of a screen each time the screen comes back (``ScreenResume``):
some 25 ms of an area's return (F4 back to the incidents) with nothing to change, since a
widget's own changes of class or state restyle it as they happen, also while its screen is
away (issue 16). What can change a screen's styles while it is away and not reach it is the
app's: its CSS (a theme: Textual's CSS counter; new rules: another screen's file or a new
widget's defaults, loaded as they are first shown) and the app's own classes and
pseudo-classes (focus, dark or light), which Textual applies to the screens shown only. The
screen keeps the state it was styled in and lets Textual restyle it when that state has
moved; new rules count only when one could match a node of the screen (Textual's own test:
the names a rule's selectors end in, against each node's type names, id and classes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

__all__ = ["KeptStyles", "styling_state"]


def styling_state(app: App[Any]) -> tuple[object, ...]:
    """What an app-wide restyle follows, besides new rules; equal states style alike."""
    return (
        getattr(app, "_css_update_count", None),  # Textual's count of CSS changes (theme)
        frozenset(app.classes),
        frozenset(app.get_pseudo_classes()),
    )


class KeptStyles:
    """Mixed into a Screen (before ``Screen`` in its bases, so this runs first)."""

    _styled_in: tuple[object, ...] | None = None
    _sources_seen: frozenset[tuple[Any, Any]] = frozenset()
    app: App[Any]

    def _on_mount(self, event: events.Mount) -> None:
        # Its widgets were styled as they mounted, by the stylesheet as it is now.
        self._styled_in = styling_state(self.app)
        self._sources_seen = frozenset(self.app.stylesheet.source.items())

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        state = styling_state(self.app)
        sources = frozenset(self.app.stylesheet.source.items())
        if state == self._styled_in and not self._new_rules_apply(sources):
            event.refresh_styles = False  # Textual's handler (next) skips the restyle
        self._styled_in = state
        self._sources_seen = sources

    def _new_rules_apply(self, sources: frozenset[tuple[Any, Any]]) -> bool:
        """Whether CSS added since the screen was styled (another screen's file, a new
        widget's defaults) has a rule that could match one of its nodes. CSS taken away or
        changed under the same name counts as a change."""
        if not self._sources_seen <= sources:
            return True
        stylesheet = self.app.stylesheet
        names: set[str] = set()
        try:
            for read_from, source in sources - self._sources_seen:
                css, is_defaults, tie_breaker, scope = source
                # Parsed already (Textual keeps the rules of each source it has parsed).
                rules = stylesheet._parse_rules(css, read_from, is_defaults, tie_breaker, scope)
                for rule in rules:
                    names |= rule.selector_names
        except Exception:  # CSS that does not parse: Textual's restyle reports it
            return True
        if not names:
            return False
        if "*" in names:
            return True
        node: DOMNode = self  # type: ignore[assignment]  # a Screen, by its use
        return any(names & each._selector_names for each in node.walk_children(with_self=True))
