"""The footer every screen shows: Textual's Footer, its keys drawn by one widget.

Textual's Footer makes each key a widget of its own (FooterKey, with two more nodes for its
parts' styles, its drawn lines and their caches), some ten per screen; the app keeps its area
screens alive, so their keys stayed in memory for good: about 6 MiB of the app's peak (issue
16). This footer draws the keys in one widget (:class:`FooterKeys`), with FooterKey's styles
(the same theme variables, padding, dimmed when disabled, lit under the mouse), a click runs
the key and the mouse shows the key's tooltip. The command palette's key, docked at the right
edge with its divider, stays Textual's own FooterKey. A screen whose bindings use groups (none
of the app's) gets Textual's keys unchanged.

Textual's Footer also rebuilt all its keys whenever the focused widget changed, even when the
keys it shows stay the same. This footer keeps what it draws when nothing it shows has
changed, and otherwise redraws the keys in place (no widget rebuilt); only the palette's key
changing (never, in practice) rebuilds the footer.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import NamedTuple

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.color import Color
from textual.css.styles import RenderStyles
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["FooterKeys", "ShownKey", "SroFooter"]

Bindings = Mapping[str, ActiveBinding]
"""A screen's active bindings (``Screen.active_bindings``)."""


class ShownKey(NamedTuple):
    """One key as the footer shows it (FooterKey's arguments)."""

    key: str
    key_display: str
    description: str
    action: str
    disabled: bool
    tooltip: str


class FooterKeys(Widget, can_focus=False):
    """The footer's keys (all but the palette's), drawn as one line."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer-key--item",
        "footer-key--hover",
        "footer-key--key",
        "footer-key--description",
    }
    # FooterKey's look (textual/widgets/_footer.py), by part: the key's own background and
    # colour (item), under the mouse (hover), its key and its description.
    DEFAULT_CSS = """
    FooterKeys {
        width: auto;
        height: 1;
        text-wrap: nowrap;
        pointer: pointer;
        .footer-key--item {
            background: $footer-item-background;
        }
        .footer-key--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        .footer-key--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
            padding: 0 1;
        }
        .footer-key--description {
            padding: 0 1 0 0;
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        &.-compact {
            .footer-key--key {
                padding: 0;
            }
            .footer-key--description {
                padding: 0 0 0 1;
            }
        }
    }
    """

    def __init__(self, keys: tuple[ShownKey, ...], *, compact: bool) -> None:
        super().__init__(classes="-compact" if compact else None)
        self.keys = keys
        self.hovered: int | None = None
        self._spans: list[tuple[int, int]] = []

    @property
    def compact(self) -> bool:
        """The footer's compact look (its class, as FooterKey has it): a gap after each key."""
        return self.has_class("-compact")

    def show(self, keys: tuple[ShownKey, ...]) -> None:
        """Draw ``keys`` instead of the keys shown."""
        if keys == self.keys:
            return
        width = self._line_width()
        self.keys = keys
        self.hovered = None
        self.tooltip = None
        self.refresh(layout=self._line_width() != width)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._line_width()

    def render(self) -> Text:
        line = Text(no_wrap=True, end="")
        spans: list[tuple[int, int]] = []
        gap = " " if self.compact else ""
        for index, key in enumerate(self.keys):
            if index:
                line.append(gap)
            start = line.cell_len
            line.append_text(self._key_text(key, hovered=index == self.hovered))
            spans.append((start, line.cell_len))
        self._spans = spans
        return line

    def _line_width(self) -> int:
        """The cells the keys take: FooterKey's width each, and the compact footer's gap
        between two (after the last, Footer's own margin is the footer's background)."""
        key_pad = self._padding("footer-key--key")
        desc_pad = self._padding("footer-key--description")
        gap = 1 if self.compact else 0
        keys = sum(
            cell_len(key.key_display)
            + key_pad
            + (cell_len(key.description) + desc_pad if key.description else 0)
            for key in self.keys
        )
        return keys + gap * max(0, len(self.keys) - 1)

    def _padding(self, part: str) -> int:
        padding = self.get_component_styles(part).padding
        return padding.left + padding.right

    def _key_text(self, key: ShownKey, *, hovered: bool) -> Text:
        """FooterKey.render's text for ``key``, under the style FooterKey itself has."""
        item = self.get_component_styles("footer-key--item")
        base, background, color = self._item(item, hovered)
        key_styles = self.get_component_styles("footer-key--key")
        desc_styles = self.get_component_styles("footer-key--description")
        key_pad, desc_pad = key_styles.padding, desc_styles.padding
        key_part = (
            " " * key_pad.left + key.key_display + " " * key_pad.right,
            _part_style(key_styles, background, color),
        )
        if key.description:
            text = Text.assemble(
                key_part,
                (
                    " " * desc_pad.left + key.description + " " * desc_pad.right,
                    _part_style(desc_styles, background, color),
                ),
            )
        else:
            text = Text.assemble((key.key_display, key_part[1]))
        if key.disabled:
            base += Style(dim=True)  # FooterKey.-disabled
        text.stylize_before(base)
        return text

    def _item(self, item: RenderStyles, hovered: bool) -> tuple[Style, Color, Color]:
        """A key's own style (FooterKey's rich style), background and colour."""
        background, color = self._footer_colors()
        parts = [item, self.get_component_styles("footer-key--hover")] if hovered else [item]
        for styles in parts:
            if styles.has_rule("background"):
                background += styles.background
            if styles.has_rule("color"):
                color = styles.color
        style = Style.from_color(
            (background + color).rich_color if (background.a or color.a) else None,
            background.rich_color if background.a else None,
        )
        return self.rich_style.without_color + style, background, color

    def _footer_colors(self) -> tuple[Color, Color]:
        """The background and colour the keys stand on (the footer's, as DOMNode.rich_style
        adds them up)."""
        background = Color(0, 0, 0, 0)
        color = Color(255, 255, 255, 0)
        for node in reversed(self.ancestors_with_self):
            styles = node.styles
            if styles.has_rule("background"):
                background += styles.background.tint(styles.background_tint)
            if styles.has_rule("color"):
                color = styles.color
        return background, color

    def key_at(self, x: int) -> int | None:
        """The index of the key drawn at column ``x``."""
        for index, (start, end) in enumerate(self._spans):
            if start <= x < end:
                return index
        return None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover(self.key_at(event.x))

    def on_leave(self, event: events.Leave) -> None:
        self._hover(None)

    def _hover(self, index: int | None) -> None:
        if index == self.hovered:
            return
        self.hovered = index
        self.tooltip = (self.keys[index].tooltip or None) if index is not None else None
        self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self.key_at(event.x)
        if index is None:
            return
        key = self.keys[index]
        if key.disabled:
            self.app.bell()
        else:
            self.app.simulate_key(key.key)


def _part_style(part: RenderStyles, background: Color, color: Color) -> Style:
    """A key's part (its key or description) over the key: DOMNode.rich_style's sum."""
    if part.has_rule("background"):
        background += part.background
    if part.has_rule("color"):
        color = part.color
    return part.text_style + Style.from_color(
        (background + color).rich_color if (background.a or color.a) else None,
        background.rich_color if background.a else None,
    )


class SroFooter(Footer):
    """A Footer that draws its keys in one widget and redraws them only when they change."""

    _shown: Hashable | None = None

    # Each takes the screen's active bindings, worked out once by the caller: Textual builds
    # them anew at each read (every binding's check_action up the focus chain), and three
    # reads were a tenth of a list's first opening (issue 16).

    def _shown_keys(self, bindings: Bindings) -> Hashable:
        """What the footer draws: each shown binding's key, label, action and state."""
        keys = tuple(
            (binding.key, binding.key_display, binding.description, binding.action, enabled, tip)
            for (_node, binding, enabled, tip) in bindings.values()
            if binding.show
        )
        return (keys, self.compact, self.show_command_palette)

    def _keys(self, bindings: Bindings) -> tuple[ShownKey, ...] | None:
        """The keys Footer.compose would make (an action's first binding each, the palette's
        left out), or None when the bindings use groups (then Footer makes them)."""
        keys: dict[str, ShownKey] = {}
        for _node, binding, enabled, tooltip in bindings.values():
            if not binding.show:
                continue
            if binding.group is not None:
                return None
            if binding.action not in keys:
                keys[binding.action] = ShownKey(
                    binding.key,
                    self.app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    not enabled,
                    tooltip,
                )
        return tuple(keys.values())

    def _palette_key(self, bindings: Bindings) -> FooterKey | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        try:
            _node, binding, enabled, _tooltip = bindings[self.app.COMMAND_PALETTE_BINDING]
        except KeyError:
            return None
        key = FooterKey(
            binding.key,
            self.app.get_key_display(binding),
            binding.description,
            binding.action,
            classes="-command-palette",
            disabled=not enabled,
            tooltip=binding.tooltip or binding.description,
        )
        _preset_compact(key, self.compact)
        return key

    def compose(self) -> ComposeResult:
        # Textual's Footer composes nothing until its screen's bindings are announced, then
        # again after the next frame: every screen's first frame was drawn without its keys,
        # and a second frame drew them (issue 16). The keys a screen shows are known as it
        # composes; a change of them later is drawn in place (bindings_changed).
        if not self._bindings_ready:
            self.set_reactive(Footer._bindings_ready, True)
        bindings = self.screen.active_bindings
        self._shown = self._shown_keys(bindings)
        keys = self._keys(bindings)
        if keys is None:  # groups: Textual's keys
            for widget in super().compose():
                if isinstance(widget, FooterKey):
                    _preset_compact(widget, self.compact)
                yield widget
            return
        yield FooterKeys(keys, compact=self.compact)
        palette = self._palette_key(bindings)
        if palette is not None:
            yield palette

    def watch_compact(self, compact: bool) -> None:
        for row in self.query(FooterKeys):
            row.set_class(compact, "-compact")
            row.refresh(layout=True)

    def bindings_changed(self, screen: Screen[object]) -> None:
        if (
            self._bindings_ready
            and self.is_attached
            and screen is self.screen
            and self._shown is not None
        ):
            bindings = screen.active_bindings
            shown = self._shown_keys(bindings)
            if shown == self._shown:
                return  # the same keys are on screen already
            if self._redrawn(bindings, shown):
                return
        super().bindings_changed(screen)

    def _redrawn(self, bindings: Bindings, shown: Hashable) -> bool:
        """Show the keys of ``shown`` in place: the keys' line drawn again, the palette's
        key dimmed or lit. False when that cannot do (groups, the palette's key changed):
        then the footer is rebuilt."""
        before = self._shown
        if not (isinstance(shown, tuple) and isinstance(before, tuple)):
            return False
        if shown[1:] != before[1:]:
            return False
        keys = self._keys(bindings)
        rows = self.query(FooterKeys)
        if keys is None or len(rows) != 1:
            return False
        palettes = self.query(FooterKey)
        palette = self._palette_key(bindings)
        if len(palettes) != (palette is not None):
            return False
        if palette is not None:
            old = palettes.first()
            if (old.key, old.key_display, old.description, old.action) != (
                palette.key,
                palette.key_display,
                palette.description,
                palette.action,
            ):
                return False
            if old._disabled != palette._disabled:
                old._disabled = palette._disabled  # Footer's own flag (a click does nothing)
                old.set_class(palette._disabled, "-disabled")
        rows.first().show(keys)
        self._shown = shown
        return True


def _preset_compact(key: Widget, compact: bool) -> None:
    """Give a key the compact flag and class it would otherwise set on mount, restyling then."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)
