"""`sro report daily|monthly|ytd|federal`: reports as Markdown, CSV, JSON or PDF.

Acting as whom: by default a report runs as the local administration (SYSTEM_ACTOR: whoever
can open this machine's store and its audit key already holds all of it), with supervisor
rights, recorded as badge SYSTEM in the audit trail, on a SQLite store file owned by the OS user
running it only (a shared store has no local administrator). With `--as BADGE` the officer signs in
(password prompted without echo, or one line from standard input with --password-stdin) and
the report follows that officer's rights: an officer runs their own day, month and year only.
Either way each run is audited as `report.run`.

Markdown, CSV and JSON go to standard output unless `-o FILE` is given; a PDF needs `-o`.
Files are written readable by their owner only (the daily report may hold note text). CSV
starts with a UTF-8 byte-order mark (so Excel shows "Núñez") unless `--no-bom`; no cell can
run as a formula (domain.csv_safe).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from ..bootstrap import OpenedStore
from ..domain.errors import SroError
from ..domain.officers import Actor
from ..domain.reports import AnyReport, FederalCounts, ReportFormat
from ..services.report_render import render
from .common import open_from, signed_in_or_local
from .inputs import day


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser(
        "report",
        help="daily shift, monthly activity, year-to-date and federal reports",
        description="Reports run as local administration unless --as BADGE signs an officer "
        "in; an officer may run reports on their own work only.",
    )
    sub = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)

    daily = sub.add_parser("daily", help="one officer's day in time order")
    daily.add_argument(
        "--officer", metavar="BADGE", help="whose day (default: the officer given with --as)"
    )
    daily.add_argument(
        "--date", type=day, metavar="YYYY-MM-DD", help="the day, agency time (default: today)"
    )
    _add_common(daily)
    daily.set_defaults(func=cmd_daily)

    monthly = sub.add_parser(
        "monthly", help="monthly activity report (department, school and/or officer)"
    )
    monthly.add_argument("--month", required=True, metavar="YYYY-MM")
    monthly.add_argument("--school", metavar="CODE", help="one school (default: all)")
    monthly.add_argument("--officer", metavar="BADGE", help="one officer (default: all)")
    _add_common(monthly)
    monthly.set_defaults(func=cmd_monthly)

    ytd = sub.add_parser("ytd", help="school year to date: by month, by category, federal")
    ytd.add_argument(
        "--school-year", metavar="2026-27", help="the school year (default: the current one)"
    )
    ytd.add_argument("--school", metavar="CODE", help="one school (default: all)")
    ytd.add_argument("--officer", metavar="BADGE", help="one officer (default: all)")
    _add_common(ytd)
    ytd.set_defaults(func=cmd_ytd)

    federal = sub.add_parser(
        "federal", help="CRDC referrals and arrests, Gun-Free Schools Act firearm incidents"
    )
    federal.add_argument("--school-year", metavar="2026-27")
    federal.add_argument("--school", metavar="CODE")
    _add_common(federal)
    federal.set_defaults(func=cmd_federal)


def _add_as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_badge",
        metavar="BADGE",
        help="run as this officer (asks the password); without it: local administration, "
        "for the OS owner of a SQLite store file only",
    )
    parser.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=[f.value for f in ReportFormat],
        default=ReportFormat.MARKDOWN.value,
        help="output format (default: md)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write to FILE (default: standard output)"
    )
    parser.add_argument(
        "--no-bom",
        action="store_true",
        help="CSV without the UTF-8 byte-order mark (kept by default so Excel reads UTF-8)",
    )
    _add_as(parser)


def _actor(store: OpenedStore, args: argparse.Namespace) -> Actor:
    return signed_in_or_local(store, args)


def _check_output(args: argparse.Namespace) -> None:
    """Refuse before any sign-in or query what cannot be written."""
    if args.format == ReportFormat.PDF.value and not args.output:
        raise SroError("A PDF needs a file: add -o FILE.pdf")
    if args.output:
        parent = Path(args.output).expanduser().resolve().parent
        if not parent.is_dir():
            raise SroError(f"The folder {parent} does not exist")


def _emit(report: AnyReport | FederalCounts, args: argparse.Namespace) -> int:
    data = render(report, args.format, bom=not args.no_bom)
    if not args.output:
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return 0
    path = Path(args.output).expanduser()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise SroError(f"Cannot write {path}: {exc.strerror}") from exc
    title = report.header.title if report.header is not None else "Federal counts"
    print(f"Wrote {title.lower()} ({args.format}) to {path}")
    return 0


def _run(args: argparse.Namespace, build) -> int:
    _check_output(args)
    store = open_from(args, create=False)
    try:
        actor = _actor(store, args)
        return _emit(build(store, actor), args)
    finally:
        store.close()


def cmd_daily(args: argparse.Namespace) -> int:
    wanted: date | None = args.date
    if not args.officer and not args.as_badge:
        raise SroError("Whose day? Give --officer BADGE (or --as BADGE for your own)")

    def build(store: OpenedStore, actor: Actor) -> AnyReport:
        return store.services.reports.daily(
            actor, officer_badge=args.officer, day=wanted or store.services.ctx.today()
        )

    return _run(args, build)


def cmd_monthly(args: argparse.Namespace) -> int:
    def build(store: OpenedStore, actor: Actor) -> AnyReport:
        return store.services.reports.monthly(
            actor, month=args.month, school_code=args.school, officer_badge=args.officer
        )

    return _run(args, build)


def cmd_ytd(args: argparse.Namespace) -> int:
    def build(store: OpenedStore, actor: Actor) -> AnyReport:
        return store.services.reports.year_to_date(
            actor, school_year=args.school_year, school_code=args.school, officer_badge=args.officer
        )

    return _run(args, build)


def cmd_federal(args: argparse.Namespace) -> int:
    def build(store: OpenedStore, actor: Actor) -> FederalCounts:
        return store.services.reports.federal(
            actor, school_year=args.school_year, school_code=args.school
        )

    return _run(args, build)
