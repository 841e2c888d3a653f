"""Settings for one run of sro-tui, from the environment (SRO_*) and the command line.

Nothing here touches the disk at import: paths are worked out when asked for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

APP_NAME = "sro-tui"
MAX_IDLE_LOCK_MINUTES = 30  # CJIS Security Policy: lock after at most 30 minutes idle


def data_dir() -> Path:
    """Where the default store, its backups and keys live (created on first use)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Where a department's own files for this terminal live (the keymap); never created
    by sro-tui: an officer or an administrator puts files there."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_store_path() -> Path:
    return data_dir() / "sro.db"


def demo_store_path() -> Path:
    return data_dir() / "sro-demo.db"


ENV_PREFIX = "SRO_"


class Settings(BaseModel):
    """Run-time settings. Agency policy that must be the same on every terminal (lockout,
    confidentiality) lives in the store instead, in the settings table.

    Each field is also read from the environment, ``SRO_`` and its name in any case
    (``SRO_TIMEZONE``); a value given to the constructor wins over the environment. (Not
    pydantic-settings: importing it cost `sro` half as much again as Textual, issue 16.)"""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        environment = {
            name.upper(): value
            for name, value in os.environ.items()
            if name.upper().startswith(ENV_PREFIX)
        }
        merged = dict(data)
        for field in cls.model_fields:
            value = environment.get(ENV_PREFIX + field.upper())
            if value is not None and field not in merged:
                merged[field] = value
        return merged

    database_url: str = Field(default="", description="SQLAlchemy URL or SQLite file path")
    """Empty means the default SQLite file in the user data dir."""
    timezone: str = Field(default="America/Los_Angeles")
    """The agency's time zone: shift dates, typed times and reports are in it."""
    idle_lock_minutes: int = Field(default=10, ge=1, le=MAX_IDLE_LOCK_MINUTES)
    """Lock the screen after this many idle minutes (CJIS: never more than 30)."""
    terminal: str = Field(default="")
    """A name for this terminal in the audit trail; the host name when empty."""
    audit_key_file: str = Field(default="")
    """The key of the audit chain's HMAC; kept outside the store. Default: in the data dir."""
    sqlcipher_key_file: str = Field(default="")
    """Key file of an encrypted SQLite store (optional)."""
    pg_lock_timeout_seconds: float = Field(default=15, ge=0, le=3600)
    """PostgreSQL: how long a save waits for another terminal's lock before it says "busy,
    try again" (SQLite waits 15 s too); 0 waits without limit."""
    pg_statement_timeout_seconds: float = Field(default=60, ge=0, le=86400)
    """PostgreSQL: the longest one statement may run (0: no limit)."""
    pg_idle_in_transaction_seconds: float = Field(default=60, ge=0, le=86400)
    """PostgreSQL: the server ends a terminal's session that sits this long inside an
    unfinished transaction (a frozen or vanished terminal), freeing its locks (0: never)."""
    keymap_file: str = Field(default="")
    """A TOML keymap (``[keys] "checklist.done" = "space,enter"``) read when the app starts.
    Default: ``keymap.toml`` in the config dir; a missing file means the built-in keys."""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def store_location(self) -> str:
        return self.database_url or str(default_store_path())

    def keymap_path(self) -> Path:
        if self.keymap_file:
            return Path(self.keymap_file).expanduser()
        return config_dir() / "keymap.toml"
