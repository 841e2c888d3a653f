"""`sro export --format csv|json --since DATE [--until DATE] -o DIR [--for-student ID]`.

Writes every record the actor may read for those local days into DIR (see
services/export.py for what goes in and what is redacted), with a progress bar on stderr.

Acting as whom: `--as BADGE` (required) signs an officer in (password asked without echo, or
one line from standard input with --password-stdin), and the officer's read rights apply: a
department-wide export is a supervisor's. No unauthenticated export.

A department-wide export keeps names: it is the agency's own copy. `--for-student
DISTRICT_ID` exports only the records involving that student, with every other juvenile's
name replaced by [JUVENILE n] (W&I Code 827): the form to release to one juvenile or family.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .common import add_signed_in, open_from, require_sign_in
from .inputs import day

BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser(
        "export",
        help="write incidents, notes, referrals, shifts and students to CSV or JSON files",
    )
    export.add_argument("--format", choices=["csv", "json"], required=True, dest="fmt")
    export.add_argument(
        "--since", type=day, required=True, metavar="YYYY-MM-DD", help="first local day"
    )
    export.add_argument(
        "--until", type=day, metavar="YYYY-MM-DD", help="last local day, included (default: today)"
    )
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write")
    export.add_argument(
        "--for-student",
        metavar="DISTRICT_ID",
        help="only this student's records, other juveniles' names redacted",
    )
    export.add_argument(
        "--no-bom",
        action="store_true",
        help="CSV files without the UTF-8 byte-order mark (kept by default so Excel reads UTF-8)",
    )
    add_signed_in(export, "whose read rights apply")
    export.set_defaults(func=cmd_export)


class ProgressBar:
    """One line per kind on stderr, redrawn in place on a terminal."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.kind = ""

    def __call__(self, kind: str, done: int, total: int) -> None:
        if kind != self.kind and self.kind and self.live:
            sys.stderr.write("\n")
        self.kind = kind
        if self.live:
            filled = BAR_WIDTH * done // total if total else BAR_WIDTH
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            sys.stderr.write(f"\r{kind:<10} [{bar}] {done:,}/{total:,}")
            sys.stderr.flush()
        elif done == total:
            sys.stderr.write(f"{kind:<10} {done:,}\n")

    def finish(self) -> None:
        if self.live and self.kind:
            sys.stderr.write("\n")


def cmd_export(args: argparse.Namespace) -> int:
    since, until = args.since, args.until
    store = open_from(args, create=False)
    try:
        actor = require_sign_in(store, args, "sro export")
        student_id = None
        if args.for_student:
            student_id = store.services.students.by_district_id(actor, args.for_student).id
        bar = ProgressBar()
        try:
            summary = store.services.export.export(
                actor,
                fmt=args.fmt,
                since=since,
                until=until,
                out_dir=Path(args.output),
                for_student_id=student_id,
                progress=bar,
                bom=not args.no_bom,
            )
        finally:
            bar.finish()
        counts = ", ".join(f"{v:,} {k}" for k, v in summary.counts.items())
        print(f"Exported {counts} ({summary.since} to {summary.until}) to {summary.out_dir}")
        print(f"Names: {summary.redaction}")
    finally:
        store.close()
    return 0
