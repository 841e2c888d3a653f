"""Helpers shared by the command modules: settings from options, opening the store."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..domain.errors import AuthenticationFailed, PermissionDenied, SroError
from ..domain.officers import (
    PASSWORD_CHANGE_REQUIRED,
    SYSTEM_ACTOR,
    Actor,
    PasswordChangeRequired,
)
from .inputs import is_terminal, prompted, read_stdin_line

if TYPE_CHECKING:  # the store (SQLAlchemy) is imported by the commands that open one only
    from ..bootstrap import OpenedStore


def settings_from(args: argparse.Namespace) -> Settings:
    from pydantic import ValidationError

    try:
        settings = Settings()
    except ValidationError as exc:  # a bad SRO_* value: name it, in one line
        problem = exc.errors(include_url=False)[0]
        name = "SRO_" + "_".join(str(part) for part in problem.get("loc", ())).upper()
        message = str(problem.get("msg", "is not valid")).removeprefix("Value error, ")
        raise SroError(f"The setting {name} is not valid: {message}") from exc
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": args.db})
    return settings


def open_from(
    args: argparse.Namespace, *, upgrade: bool = True, create: bool = False
) -> OpenedStore:
    from ..bootstrap import open_store

    return open_store(settings_from(args), upgrade=upgrade, create=create)


def read_password(
    args: argparse.Namespace, prompt: str = "Password: ", confirm: bool = True
) -> str:
    """From stdin with --password-stdin, else prompted twice without echo."""
    if getattr(args, "password_stdin", False):
        return read_stdin_line("the password")
    if not is_terminal(sys.stdin):
        raise SroError("No terminal to ask for a password: use --password-stdin")
    first = prompted(getpass.getpass, prompt, "the password")
    if confirm and prompted(getpass.getpass, "Again: ", "the password") != first:
        raise SroError("The two passwords differ")
    return first


def unexpected_message(exc: BaseException) -> str | None:
    """One line for a failure that got past the services' own messages, or None for a bug.

    Store errors raised outside a service transaction (a migration, an integrity check),
    file-system errors (a folder that cannot be made, an unreadable key file) and settings
    that do not validate are problems of the machine or the input, not tracebacks.
    """
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    from ..store.db import friendly_os_error, friendly_store_error

    if isinstance(exc, SQLAlchemyError):
        return friendly_store_error(exc)
    if isinstance(exc, OSError):
        return friendly_os_error(exc)
    if isinstance(exc, ValidationError):
        from ..domain.validation import first_message

        return first_message(exc)
    return None


def sign_in(
    store: OpenedStore, args: argparse.Namespace, badge: str, *, password_change: bool = False
) -> Actor:
    """Sign an officer in for one command (``--as BADGE``): the password, then the one-time
    code if their account has an authenticator. With ``--password-stdin`` the code is the
    next line of standard input.

    An officer whose password an administrator reset (a one-time password) may run nothing
    but the change of their own password (``password_change``) until they have changed it."""
    actor, _ = sign_in_with_password(store, args, badge)
    if actor.password_must_change and not password_change:
        raise PasswordChangeRequired(
            PASSWORD_CHANGE_REQUIRED.replace("BADGE", actor.badge), field="password"
        )
    return actor


def sign_in_with_password(
    store: OpenedStore, args: argparse.Namespace, badge: str
) -> tuple[Actor, str]:
    """:func:`sign_in`, also giving back the password typed (an own password change checks
    it as the current one), with no refusal of a one-time password."""
    password = read_password(args, f"Password for {badge}: ", confirm=False)
    try:
        return store.services.officers.authenticate(badge, password), password
    except AuthenticationFailed as exc:
        if exc.field != "otp":
            raise
        first_refusal = exc
    code = _read_code(args)
    if not code:
        raise first_refusal
    return store.services.officers.authenticate(badge, password, otp=code), password


def add_signed_in(parser: argparse.ArgumentParser, who: str = "an administrator") -> None:
    """``--as BADGE`` (required) and ``--password-stdin`` for a command that acts on accounts
    or the agency's settings: it runs only as a signed-in officer, never as the unauthenticated
    local administration."""
    parser.add_argument(
        "--as",
        dest="as_badge",
        metavar="BADGE",
        help=f"sign in as this officer ({who}); the password is asked for",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password (then the one-time code, if any) from standard input",
    )


def require_sign_in(store: OpenedStore, args: argparse.Namespace, what: str) -> Actor:
    """The officer of ``--as BADGE``, signed in; refuses the command without it."""
    badge = getattr(args, "as_badge", None)
    if not badge:
        raise SroError(f"{what} needs --as BADGE: sign in as the officer who does it")
    return sign_in(store, args, badge)


NO_LOCAL_ADMINISTRATOR = "sign in with --as BADGE (a shared store has no local administrator)"


def local_owner_problem(location: str, *, uid: int | None = None) -> str | None:
    """Why a command may not run unsigned (as the local administration) on the store at
    ``location``, or None when it may: only on a SQLite store file owned by the OS user
    running it (``uid``, default this process's; Windows has no owner check). A PostgreSQL
    store, or a file of another OS user, is shared: whoever runs a command there signs in."""
    from ..store.urls import resolve_url

    url = resolve_url(location)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return f"This store is shared (a database server): {NO_LOCAL_ADMINISTRATOR}"
    path = Path(url.database).expanduser()
    if uid is None and hasattr(os, "getuid"):
        uid = os.getuid()
    # A file not made yet is no one else's (`sro restore` onto a new machine makes it).
    if uid is not None and path.exists() and path.stat().st_uid != uid:
        return f"{path} belongs to another OS user: {NO_LOCAL_ADMINISTRATOR}"
    return None


def local_administration(store: OpenedStore) -> Actor:
    """The unauthenticated local administration, for the OS owner of a SQLite store file
    only (:func:`local_owner_problem`); its events name the OS user and this terminal."""
    problem = local_owner_problem(store.settings.store_location())
    if problem:
        raise PermissionDenied(problem)
    terminal = f"{store.services.ctx.terminal} (OS user {getpass.getuser()})"
    return replace(SYSTEM_ACTOR, terminal=terminal[:100])


def signed_in_or_local(store: OpenedStore, args: argparse.Namespace) -> Actor:
    """The officer of ``--as BADGE``, signed in; without it the local administration, on
    the OS owner's own SQLite store file only."""
    badge = getattr(args, "as_badge", None)
    if badge:
        return sign_in(store, args, badge)
    return local_administration(store)


def _read_code(args: argparse.Namespace) -> str:
    if getattr(args, "password_stdin", False):
        return read_stdin_line("the one-time code").strip()
    if not is_terminal(sys.stdin):
        return ""
    return prompted(getpass.getpass, "One-time code: ", "the one-time code").strip()
