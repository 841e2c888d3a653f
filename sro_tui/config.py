"""Settings for one run of sro-tui, from the environment (SRO_*) and the command line.

Nothing here touches the disk at import: paths are worked out when asked for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "sro-tui"
MAX_IDLE_LOCK_MINUTES = 30  # CJIS Security Policy: lock after at most 30 minutes idle


def data_dir() -> Path:
    """Where the default store, its backups and keys live (created on first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Where a department's own files for this terminal live (the keymap); never created
    by sro-tui: an officer or an administrator puts files there."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """What this OS user's runs keep to start sooner (parsed CSS); never record data. Safe
    to delete at any time."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_store_path() -> Path:
    return data_dir() / "sro.db"


def demo_store_path() -> Path:
    return data_dir() / "sro-demo.db"


ENV_PREFIX = "SRO_"


@dataclass(init=False)
class Settings:
    """Run-time settings. Agency policy that must be the same on every terminal (lockout,
    confidentiality) lives in the store instead, in the settings table.

    Each field is also read from the environment, ``SRO_`` and its name in any case
    (``SRO_TIMEZONE``); a value given to the constructor wins over the environment. A value
    that does not validate raises pydantic's ``ValidationError`` (``loc`` the field's name),
    as a pydantic model would; pydantic itself is imported only then. (A plain class: `sro`
    draws the sign-in screen without importing pydantic or pydantic-settings, issue 16.)"""

    database_url: str = ""
    """SQLAlchemy URL or SQLite file path. Empty means the default SQLite file in the user
    data dir."""
    timezone: str = "America/Los_Angeles"
    """The agency's time zone: shift dates, typed times and reports are in it."""
    idle_lock_minutes: int = 10
    """Lock the screen after this many idle minutes (CJIS: never more than 30)."""
    terminal: str = ""
    """A name for this terminal in the audit trail; the host name when empty."""
    audit_key_file: str = ""
    """The key of the audit chain's HMAC; kept outside the store. Default: in the data dir."""
    sqlcipher_key_file: str = ""
    """Key file of an encrypted SQLite store (optional)."""
    pg_lock_timeout_seconds: float = 15.0
    """PostgreSQL: how long a save waits for another terminal's lock before it says "busy,
    try again" (SQLite waits 15 s too); 0 waits without limit."""
    pg_statement_timeout_seconds: float = 60.0
    """PostgreSQL: the longest one statement may run (0: no limit)."""
    pg_idle_in_transaction_seconds: float = 60.0
    """PostgreSQL: the server ends a terminal's session that sits this long inside an
    unfinished transaction (a frozen or vanished terminal), freeing its locks (0: never)."""
    keymap_file: str = ""
    """A TOML keymap (``[keys] "checklist.done" = "space,enter"``) read when the app starts.
    Default: ``keymap.toml`` in the config dir; a missing file means the built-in keys."""

    def __init__(
        self,
        *,
        database_url: str | None = None,
        timezone: str | None = None,
        idle_lock_minutes: int | None = None,
        terminal: str | None = None,
        audit_key_file: str | None = None,
        sqlcipher_key_file: str | None = None,
        pg_lock_timeout_seconds: float | None = None,
        pg_statement_timeout_seconds: float | None = None,
        pg_idle_in_transaction_seconds: float | None = None,
        keymap_file: str | None = None,
    ) -> None:
        given = {name: value for name, value in locals().items() if name in _FIELDS}
        environment = {
            name.upper(): value
            for name, value in os.environ.items()
            if name.upper().startswith(ENV_PREFIX)
        }
        for name, (kind, low, high) in _FIELDS.items():
            value = given[name]
            if value is None:
                value = environment.get(ENV_PREFIX + name.upper())
            if value is None:
                continue  # the class's default
            setattr(self, name, _checked(name, value, kind, low, high))

    def model_copy(self, *, update: dict[str, Any]) -> Settings:
        """A copy with ``update``'s fields changed (and validated), as pydantic's."""
        return replace(self, **update)

    def store_location(self) -> str:
        return self.database_url or str(default_store_path())

    def keymap_path(self) -> Path:
        if self.keymap_file:
            return Path(self.keymap_file).expanduser()
        return config_dir() / "keymap.toml"


_FIELDS: dict[str, tuple[type, float | None, float | None]] = {
    "database_url": (str, None, None),
    "timezone": (str, None, None),
    "idle_lock_minutes": (int, 1, MAX_IDLE_LOCK_MINUTES),
    "terminal": (str, None, None),
    "audit_key_file": (str, None, None),
    "sqlcipher_key_file": (str, None, None),
    "pg_lock_timeout_seconds": (float, 0, 3600),
    "pg_statement_timeout_seconds": (float, 0, 86400),
    "pg_idle_in_transaction_seconds": (float, 0, 86400),
    "keymap_file": (str, None, None),
}
"""Each setting's type and bounds (inclusive)."""


def _checked(name: str, value: object, kind: type, low: float | None, high: float | None) -> Any:
    """``value`` (given, or a string from the environment) as the setting ``name`` holds it,
    or pydantic's ``ValidationError`` naming the field, with pydantic's message."""
    if kind is str:
        if not isinstance(value, str):
            raise _invalid(name, value, "string_type", "Input should be a valid string")
        if name == "timezone":
            _known_zone(name, value)
        return value
    number: float
    if isinstance(value, bool):
        number = int(value)
    elif isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip()) if kind is int else float(value.strip())
        except ValueError:
            if kind is int:
                message = "Input should be a valid integer, unable to parse string as an integer"
                raise _invalid(name, value, "int_parsing", message) from None
            message = "Input should be a valid number, unable to parse string as a number"
            raise _invalid(name, value, "float_parsing", message) from None
    else:
        raise _invalid(name, value, f"{kind.__name__}_type", "Input should be a valid number")
    if kind is int and number != int(number):
        message = "Input should be a valid integer, got a number with a fractional part"
        raise _invalid(name, value, "int_from_float", message)
    if low is not None and number < low:
        raise _invalid(
            name, value, "greater_than_equal", f"Input should be greater than or equal to {low}"
        )
    if high is not None and number > high:
        raise _invalid(
            name, value, "less_than_equal", f"Input should be less than or equal to {high}"
        )
    return int(number) if kind is int else float(number)


def _known_zone(name: str, value: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise _invalid(name, value, "value_error", f"unknown time zone {value!r}") from exc


def _invalid(name: str, value: object, kind: str, message: str) -> Exception:
    """pydantic's ``ValidationError`` for one field (pydantic imported here, on this path
    only), so callers see what a pydantic model raised: ``loc`` is the field, ``msg`` the
    message (a time zone's starts "Value error, ")."""
    from pydantic_core import PydanticCustomError, ValidationError

    if kind == "value_error":
        error: dict[str, Any] = {
            "type": "value_error",
            "loc": (name,),
            "input": value,
            "ctx": {"error": ValueError(message)},
        }
    else:
        error = {
            "type": PydanticCustomError(kind, message),
            "loc": (name,),
            "input": value,
        }
    return ValidationError.from_exception_data("Settings", [error])  # type: ignore[list-item]
