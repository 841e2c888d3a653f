"""`sro search TEXT`: find incidents, notes, referrals, students, trespass warnings, calls
for service and threat assessment cases by their words.

Runs as the local administration (SYSTEM_ACTOR, supervisor rights, audited as badge SYSTEM;
only on a SQLite store file the OS user owns) unless `--as BADGE` signs an officer in
(password asked without echo, or one line from standard input with --password-stdin); then
the officer's own read rights apply. Matched words are shown in bold on a terminal and in
[brackets] otherwise.
"""

from __future__ import annotations

import argparse
import sys

from ..bootstrap import OpenedStore
from ..domain.officers import Actor
from ..domain.search import SearchKind
from ..services.search import DEFAULT_LIMIT, MAX_LIMIT
from .common import open_from, signed_in_or_local
from .inputs import whole_number


def add_as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_badge",
        metavar="BADGE",
        help="act as this officer (asks the password); without it: local administration, "
        "for the OS owner of a SQLite store file only",
    )
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def acting(store: OpenedStore, args: argparse.Namespace) -> Actor:
    return signed_in_or_local(store, args)


def register(subparsers: argparse._SubParsersAction) -> None:
    search = subparsers.add_parser(
        "search",
        help="find incidents, notes, referrals, students, trespass warnings, calls and threat "
        "cases",
        description="Every word must appear; the last may be the start of a word. Newest first.",
    )
    search.add_argument("text", nargs="+", help='e.g. "vape gym", "maria lop", "SRO-2026-00"')
    search.add_argument(
        "--kind",
        action="append",
        choices=[k.value for k in SearchKind],
        help="only this kind of record (repeatable; default: all)",
    )
    search.add_argument(
        "--limit",
        type=whole_number(1, MAX_LIMIT),
        default=DEFAULT_LIMIT,
        help=f"at most this many (default: {DEFAULT_LIMIT}, at most {MAX_LIMIT})",
    )
    add_as(search)
    search.set_defaults(func=cmd_search)


def cmd_search(args: argparse.Namespace) -> int:
    store = open_from(args, create=False)
    try:
        actor = acting(store, args)
        hits = store.services.search.search(
            actor,
            " ".join(args.text),
            kinds=set(args.kind) if args.kind else None,
            limit=args.limit,
        )
        tz = store.services.ctx.tz
        bold = sys.stdout.isatty()
        for hit in hits:
            when = hit.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            officer = f"  ({hit.officer})" if hit.officer else ""
            print(f"{hit.kind.value:<9} {hit.record_id:>7}  {when}  {hit.title}{officer}")
            shown = "".join(
                (f"\033[1m{text}\033[0m" if bold else f"[{text}]") if match else text
                for text, match in hit.snippet
            )
            if shown:
                print(f"    {shown}")
        if not hits:
            print("(nothing found)")
    finally:
        store.close()
    return 0
