"""`sro settings show|set KEY VALUE`: the agency's settings kept in the store (the same on
every terminal). Changing one needs a signed-in administrator (``--as BADGE``)."""

from __future__ import annotations

import argparse

from ..domain.agency import SETTINGS
from .common import add_signed_in, open_from, require_sign_in, signed_in_or_local


def register(subparsers: argparse._SubParsersAction) -> None:
    settings = subparsers.add_parser("settings", help="the agency's settings kept in the store")
    sub = settings.add_subparsers(dest="settings_command", metavar="ACTION", required=True)

    show = sub.add_parser("show", help="every agency setting and its value")
    add_signed_in(show, "any officer; without it the store file's OS owner only")
    show.set_defaults(func=cmd_show)

    change = sub.add_parser(
        "set", help=f"change one (--as an administrator); KEY is one of: {', '.join(SETTINGS)}"
    )
    change.add_argument("key", metavar="KEY")
    change.add_argument("value", metavar="VALUE")
    add_signed_in(change)
    change.set_defaults(func=cmd_set)


def cmd_show(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        signed_in_or_local(store, args)
        for item in store.services.settings.agency_settings():
            origin = "" if item.stored else f"  (not set in the store: {item.unset})"
            print(f"{item.key:<30} {item.value}{origin}")
    finally:
        store.close()
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = require_sign_in(store, args, "sro settings set")
        item = store.services.settings.change(actor, args.key, args.value)
        print(f"{item.key} = {item.value}")
    finally:
        store.close()
    return 0
