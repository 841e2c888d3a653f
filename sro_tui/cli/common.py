"""Helpers shared by the command modules: settings from options, opening the store."""

from __future__ import annotations

import argparse
import getpass
import sys

from ..bootstrap import OpenedStore, open_store
from ..config import Settings
from ..domain.errors import SroError


def settings_from(args: argparse.Namespace) -> Settings:
    try:
        settings = Settings()
    except Exception as exc:  # pydantic-settings raises ValidationError for a bad SRO_* value
        raise SroError(f"A setting in the environment is not valid: {exc}") from exc
    if getattr(args, "db", None):
        settings = settings.model_copy(update={"database_url": args.db})
    return settings


def open_from(
    args: argparse.Namespace, *, upgrade: bool = True, create: bool = False
) -> OpenedStore:
    return open_store(settings_from(args), upgrade=upgrade, create=create)


def read_password(
    args: argparse.Namespace, prompt: str = "Password: ", confirm: bool = True
) -> str:
    """From stdin with --password-stdin, else prompted twice without echo."""
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise SroError("No terminal to ask for a password: use --password-stdin")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != first:
        raise SroError("The two passwords differ")
    return first
