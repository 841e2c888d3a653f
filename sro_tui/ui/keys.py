"""The app's commands in one table: key bindings, the command palette and the help screen
are all generated from it, so they cannot drift apart.

Each command has a stable ``id`` (``sro.<name>``) so a key can be remapped with Textual's
keymap without touching code.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Command:
    """One thing the officer can ask the app to do, wherever they are."""

    name: str
    key: str
    action: str
    label: str
    help: str
    footer: bool = True
    """Shown in the footer (the footer of an 80-column terminal has room for a few)."""

    @property
    def id(self) -> str:
        return f"sro.{self.name}"

    def keys(self, keymap: Mapping[str, str] | None = None) -> str:
        """The command's keys with the department's ``keymap`` applied ("" when none)."""
        return (keymap or {}).get(self.id, self.key)


AREAS: tuple[tuple[str, str, str, str], ...] = (
    # (mode name, key, label, what it shows)
    ("today", "f2", "Today", "Today: shift, open incidents, drafts, follow-ups"),
    ("checklist", "f3", "Checklist", "Today's duty checklist: done, skipped, notes"),
    ("incidents", "f4", "Incidents", "Incident reports: own, school, all"),
    ("mentoring", "f5", "Mentoring", "Mentoring notes and contacts"),
    ("referrals", "f6", "Referrals", "Referrals to programs and their follow-ups"),
    ("students", "f7", "Students", "Students and their timelines"),
    ("reports", "f8", "Reports", "Monthly and daily reports"),
    ("campus", "ctrl+g", "Campus", "Campus security: trespass watch check, warnings, calls"),
)

COMMANDS: tuple[Command, ...] = (
    Command("help", "f1", "help", "Help", "Every key, and how to log a quick incident"),
    Command("lock", "ctrl+l", "lock", "Lock", "Lock the screen (unlock with your password)"),
    Command(
        "quick_incident", "ctrl+n", "quick_incident", "Quick incident", "Log what just happened"
    ),
    *(
        Command(mode, key, f"go('{mode}')", label, text, footer=key in ("f2", "f3", "f4"))
        for mode, key, label, text in AREAS
    ),
    Command(
        "review",
        "",
        "review",
        "Review queue",
        "Supervisors: submitted reports to approve (v on Today)",
        False,
    ),
    Command("audit", "", "audit", "Audit trail", "Supervisors: who did what, and verify it", False),
    Command(
        "admin",
        "f12",
        "admin",
        "Administration",
        "Administrators: schools, officers, agency settings, code lists, checklist",
    ),
    Command(
        "search",
        "ctrl+f",
        "search",
        "Search",
        "Find incidents, notes, referrals and students as you type",
        False,
    ),
    Command(
        "call",
        "ctrl+y",
        "log_call",
        "Log a call",
        "Log a call for service (who, what, where)",
        False,
    ),
    Command(
        "threats",
        "",
        "threats",
        "Threat assessment cases",
        "Threat assessment cases (EC 49393) you may read; ctrl+t in Campus security",
        False,
    ),
    Command("export", "", "export", "Export", "Records from a date range to CSV or JSON", False),
    Command("theme", "f10", "toggle_theme", "Light/dark", "Switch between dark and light", False),
    Command(
        "change_password",
        "f11",
        "change_password",
        "Password",
        "Change your own password",
        False,
    ),
    Command("sign_out", "", "sign_out", "Sign out", "Sign out and show the sign-in screen", False),
    Command("quit", "ctrl+q", "quit", "Quit", "Close sro-tui (drafts are kept)"),
)


def command_named(name: str) -> Command:
    return next(c for c in COMMANDS if c.name == name)


def app_bindings() -> list[BindingType]:
    """The app's BINDINGS, from the table."""
    return [
        Binding(
            c.key,
            c.action,
            c.label,
            show=c.footer,
            id=c.id,
            # ctrl+f and ctrl+y also from inside a text field (ctrl+y: not TextArea's redo)
            priority=c.name in ("lock", "search", "call"),
        )
        for c in COMMANDS
        if c.key
    ]


def binding_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None
) -> Iterator[tuple[str, str, str]]:
    """(key, action, description) of each binding, in a class's BINDINGS form; a binding
    whose id the ``keymap`` names has the keymap's keys instead."""
    for item in bindings:
        binding = item if isinstance(item, Binding) else Binding(*item)
        keys = (keymap or {}).get(binding.id or "", binding.key)
        for key in keys.split(","):
            yield key.strip(), binding.action, binding.description


def own_bindings(cls: type, own_package: str = "sro_tui") -> list[Binding]:
    """The bindings a class declares in ``own_package`` (its own first, then what it
    inherits), without an action declared twice: a subclass's binding wins."""
    seen: set[str] = set()
    found: list[Binding] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith(own_package):
            continue
        for item in klass.__dict__.get("BINDINGS", ()):
            binding = item if isinstance(item, Binding) else Binding(*item)
            if binding.action not in seen:
                seen.add(binding.action)
                found.append(binding)
    return found


def class_bindings(
    cls: type, own_package: str = "", keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """Every binding a screen class declares, its own and inherited (its own first),
    without the same key twice. ``own_package`` leaves out what Textual's base classes
    bind (tab, focus keys); ``keymap`` (the department's, by binding id) changes keys."""
    seen: set[str] = set()
    rows: list[tuple[str, str, str]] = []
    for klass in cls.__mro__:
        if own_package and not klass.__module__.startswith(own_package):
            continue
        for key, action, description in binding_rows(klass.__dict__.get("BINDINGS", ()), keymap):
            if key in seen:
                continue
            seen.add(key)
            rows.append((key, action, description))
    return rows
