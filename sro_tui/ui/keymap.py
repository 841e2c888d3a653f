"""A department's keymap: binding ids mapped to keys, read from a TOML file at start-up.

    [keys]
    "checklist.done" = "space,enter"
    "sro.quick_incident" = "ctrl+n,f11"

Every binding with an ``id`` (``Binding(..., id="reports.save")``) can be remapped this way,
through Textual's ``App.set_keymap``. A file that is missing is the built-in keys; a file
that cannot be read, an unknown id or a key that is not one is a one-line warning naming it,
and the rest of the file still applies: a typo must never keep an officer out of the app.

:func:`describe` lists every binding id with its key (after the keymap) and what it does,
for the help text, a CLI listing and the tests.
"""

from __future__ import annotations

import importlib
import pkgutil
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, key_to_character
from textual.screen import Screen

from ..domain.characters import visible
from .binding_ids import BINDING_IDS

__all__ = [
    "BindingRow",
    "KeymapFile",
    "binding_ids",
    "check_key",
    "describe",
    "install_keymap",
    "key_display",
    "listing",
    "read_keymap",
]

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
# Named keys Textual knows ("f5", "enter", "pageup"), without the modifier forms.
_NAMED_KEYS = frozenset(
    key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")
) | {"space"}


@dataclass(frozen=True)
class BindingRow:
    """One remappable binding: its id, its keys (after the keymap), what it does, and the
    screen or dialog that declares it."""

    id: str
    keys: str
    description: str
    action: str
    where: str


@dataclass(frozen=True)
class KeymapFile:
    """What a keymap file says: the keymap to apply and a line for each problem found."""

    keymap: dict[str, str]
    problems: list[str]


def check_key(key: str) -> str | None:
    """``key`` in Textual's form (``ctrl+s``, ``f5``, ``space``, ``/``), or None when it
    is not a key. Multi-letter names are made lower case; one character is kept as typed."""
    key = key.strip()
    if not key:
        return None
    *mods, base = key.split("+") if len(key) > 1 else [key]
    mods = [mod.lower() for mod in mods]
    if any(mod not in MODIFIERS for mod in mods):
        return None
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
    else:
        base = base.lower()
        if base not in _NAMED_KEYS and key_to_character(base) is None:
            return None
    return "+".join([*mods, base])


def read_keymap(path: Path, known_ids: frozenset[str] | None = None) -> KeymapFile:
    """The keymap in ``path`` (empty when there is no file), with a line per problem.
    ``known_ids`` defaults to every binding id of the app: the table in ``binding_ids.py``
    (no screen imported), and :func:`binding_ids` (every UI module imported) only for an id
    the table lacks, so a table behind the bindings never refuses a good id."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return KeymapFile({}, [])
    except OSError as exc:
        return KeymapFile({}, [f"keymap {path}: cannot be read ({exc.strerror or exc})"])
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return KeymapFile({}, [f"keymap {path}: not a TOML file ({first}); built-in keys used"])
    if data and "keys" not in data:
        return KeymapFile({}, [f"keymap {path}: no [keys] table; built-in keys used"])
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        return KeymapFile({}, [f'keymap {path}: [keys] must be a table of id = "keys"'])
    known = BINDING_IDS if known_ids is None else known_ids
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in keys.items():
        if binding_id not in known and (known_ids is not None or binding_id not in binding_ids()):
            problems.append(f"keymap {path}: unknown binding id {binding_id!r} (left out)")
            continue
        parts = _key_list(value)
        if parts is None:
            problems.append(f'keymap {path}: {binding_id} must be a string like "ctrl+s,f9"')
            continue
        good = []
        for part in parts:
            checked = check_key(part)
            if checked is None:
                problems.append(f"keymap {path}: {binding_id}: {part.strip()!r} is not a key")
            else:
                good.append(checked)
        if good:
            keymap[binding_id] = ",".join(dict.fromkeys(good))
        elif not parts:
            problems.append(f"keymap {path}: {binding_id} has no key (left as it was)")
    return KeymapFile(keymap, problems)


def _key_list(value: object) -> list[str] | None:
    """A comma-separated string or a list of strings, as the parts it names."""
    if isinstance(value, str):
        return [part for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [part for item in value for part in item.split(",") if part.strip()]
    return None


def install_keymap(app: App[Any], path: Path) -> KeymapFile:
    """Apply the keymap in ``path`` to ``app``; each problem is one warning on screen
    (shown literally: a path or an id is text someone typed)."""
    found = read_keymap(path)
    if found.keymap:
        app.set_keymap(found.keymap)
    for problem in found.problems:
        app.log.warning(problem)
        app.notify(visible(problem), severity="warning", timeout=15, markup=False)
    return found


def key_display(screen: Screen[Any], binding_id: str, default: str) -> str:
    """The key a binding has now on ``screen`` (after the keymap), as the footer shows it,
    for hints that name keys; ``default`` (its built-in keys) when it is not active there."""
    for key, active in screen.active_bindings.items():
        if binding_id and active.binding.id == binding_id:
            return screen.app.get_key_display(active.binding.with_key(key))
    first = default.split(",")[0].strip()
    return screen.app.get_key_display(Binding(first, "")) if first else ""


# -- every binding the app declares ---------------------------------------------------------------


@cache
def _binding_classes() -> tuple[type[DOMNode], ...]:
    """Every app, screen and widget class of sro-tui's UI that declares BINDINGS."""
    from .. import ui

    found: list[type[DOMNode]] = []
    for module_info in pkgutil.walk_packages(ui.__path__, f"{ui.__name__}."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, DOMNode)
                and value.__module__ == module.__name__
                and "BINDINGS" in value.__dict__
            ):
                found.append(value)
    return tuple(found)


def _declared(cls: type[DOMNode]) -> Iterator[Binding]:
    for item in cls.__dict__["BINDINGS"]:
        binding = item if isinstance(item, Binding) else Binding(*item)
        if binding.id:
            yield binding


@cache
def binding_ids() -> frozenset[str]:
    """Every binding id a keymap may name."""
    return frozenset(binding.id or "" for cls in _binding_classes() for binding in _declared(cls))


def describe(keymap: Mapping[str, str] | None = None) -> list[BindingRow]:
    """Every binding with an id, sorted by id: its keys (with ``keymap``, e.g. what
    :func:`read_keymap` returned, applied), what it does and which class declares it."""
    keymap = keymap or {}
    rows = [
        BindingRow(
            id=binding.id or "",
            keys=keymap.get(binding.id or "", binding.key),
            description=binding.description or binding.action.replace("_", " "),
            action=binding.action,
            where=cls.__name__,
        )
        for cls in _binding_classes()
        for binding in _declared(cls)
    ]
    return sorted(rows, key=lambda row: (row.id, row.where))


def listing(keymap: Mapping[str, str] | None = None) -> str:
    """:func:`describe` as plain text, one binding a line (``id  keys  what  [where]``): what
    a department copies ids from when it writes its keymap file."""
    rows = describe(keymap)
    width = max((len(row.id) for row in rows), default=0)
    keys_width = max((len(row.keys) for row in rows), default=0)
    return "".join(
        f"{row.id:<{width}}  {row.keys:<{keys_width}}  {row.description}  [{row.where}]\n"
        for row in rows
    )
