"""`sro students import|search|timeline` and `sro note show`.

Acting as whom: `sro students import` and `search` run as the local administration
(SYSTEM_ACTOR, recorded as such in the audit trail, with the OS user; only on a SQLite store
file that OS user owns: cli.common.local_owner_problem) unless `--as BADGE` is given, in which
case the officer signs in (password prompted, or read with --password-stdin) and the
import follows that officer's rights (an officer loads only their schools' students).
`sro students timeline` and `sro note show` always sign an officer in: what another
officer keeps confidential is shown redacted, exactly as on screen.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..bootstrap import OpenedStore
from ..domain.officers import Actor
from ..domain.paging import MAX_PAGE_SIZE
from ..domain.roster import RosterChange, parse_pairs
from ..domain.students import grade_label
from ..services.students import TIMELINE_MAX
from .common import open_from, signed_in_or_local
from .inputs import record_id, whole_number

PROGRESS_MIN_ROWS = 2000  # shorter files finish before a bar would be any use
BAR_WIDTH = 30


def register(subparsers: argparse._SubParsersAction) -> None:
    students = subparsers.add_parser("students", help="student records: roster import, search")
    sub = students.add_subparsers(dest="students_command", metavar="ACTION", required=True)

    imp = sub.add_parser(
        "import",
        help="load a district roster CSV (adds new students, updates known ones)",
        description="Columns recognised: a district-wide ID (Perm ID, District ID, SSID, "
        "Student ID; Aeries' Student Number, unique only within a school, only with --map), "
        "First Name, Last Name, School (our code, the school's name or its district number), "
        "Grade. Good rows go in, bad rows are listed with their line and the reason; a file "
        "that cannot be read changes nothing. A known student's name (beyond a typo) or "
        "school that the file changes is listed and applied only when confirmed "
        "(--confirm-changes, or yes at the prompt in a terminal). The good rows go in all "
        "together at the end (an error or an interrupted import changes nothing); other "
        "terminals keep working meanwhile.",
    )
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OURS=THEIRS",
        help="read our field from their column, e.g. district_id='Perm ID' (repeatable; "
        "fields: district_id, first_name, last_name, school, grade)",
    )
    imp.add_argument(
        "--map-school",
        action="append",
        default=[],
        metavar="THEIRS=CODE",
        help="read their School value as our school code, e.g. 1=VHS (repeatable); a school's "
        "district number (sro school) is recognised without it",
    )
    imp.add_argument("--school", metavar="CODE", help="school for rows that name none")
    imp.add_argument(
        "--confirm-changes",
        action="store_true",
        help="apply the listed changes of known students' names or schools",
    )
    _add_as(imp)
    imp.set_defaults(func=cmd_import)

    search = sub.add_parser("search", help="find students by district ID or name prefix")
    search.add_argument("text", nargs="+", help='e.g. "gar", "garcia m", "maria gar", "S1002"')
    search.add_argument("--limit", type=whole_number(1, MAX_PAGE_SIZE), default=20)
    _add_as(search)
    search.set_defaults(func=cmd_search)

    timeline = sub.add_parser("timeline", help="a student's incidents, notes and referrals")
    timeline.add_argument("district_id", metavar="DISTRICT_ID")
    timeline.add_argument("--limit", type=whole_number(1, TIMELINE_MAX), default=200)
    timeline.add_argument("--as", dest="as_badge", required=True, metavar="BADGE")
    timeline.add_argument("--password-stdin", action="store_true")
    timeline.set_defaults(func=cmd_timeline)

    note = subparsers.add_parser("note", help="mentoring notes")
    note_sub = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    show = note_sub.add_parser("show", help="show one note as a signed-in officer sees it")
    show.add_argument("note_id", type=record_id, metavar="ID")
    show.add_argument("--as", dest="as_badge", required=True, metavar="BADGE")
    show.add_argument("--password-stdin", action="store_true")
    show.set_defaults(func=cmd_note_show)


def _add_as(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_badge",
        metavar="BADGE",
        help="act as this officer (asks the password); without it: local administration, "
        "for the OS owner of a SQLite store file only",
    )
    parser.add_argument("--password-stdin", action="store_true")


def _actor(store: OpenedStore, args: argparse.Namespace) -> Actor:
    return signed_in_or_local(store, args)


def parse_map(items: list[str]) -> dict[str, str]:
    return parse_pairs(items, "--map", "district_id='Perm ID'")


def ask_to_confirm(changes: tuple[RosterChange, ...]) -> bool:
    """In a terminal: list the changes on stderr and ask; elsewhere: no (they are held)."""
    if not sys.stdin.isatty():
        return False
    out = sys.stderr
    out.write(f"{len(changes):,} known students would change name or school:\n")
    for change in changes:
        out.write(f"  {change}\n")
    out.write("Apply these changes? [y/N] ")
    out.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


class ProgressBar:
    """A one-line text bar on stderr, redrawn in place."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if total < PROGRESS_MIN_ROWS:
            return
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{total:,} rows")
        self.stream.flush()
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def cmd_import(args: argparse.Namespace) -> int:
    mapping = parse_map(args.map)
    school_map = parse_pairs(args.map_school, "--map-school", "1=VHS")
    store = open_from(args)
    bar = ProgressBar(sys.stderr)

    def confirm(changes: tuple[RosterChange, ...]) -> bool:
        bar.finish()
        return ask_to_confirm(changes)

    try:
        actor = _actor(store, args)
        try:
            report = store.services.students.import_roster(
                actor,
                args.file,
                mapping=mapping,
                progress=bar,
                default_school=args.school,
                school_map=school_map,
                confirm=confirm,
                confirm_changes=args.confirm_changes,
            )
        finally:
            bar.finish()
    finally:
        store.close()
    print(report.summary())
    for change in report.changes:
        print(f"  {'changed' if report.changes_applied else 'held'} {change}")
    if report.held:
        print(
            f"  {len(report.held):,} held: not applied, since each changes a known student's "
            "name or school (another child under the same ID?); check them, then run the "
            "import again with --confirm-changes"
        )
    if report.changed_meanwhile:
        print(
            f"  {report.changed_meanwhile:,} students changed on another terminal meanwhile "
            "were left as they are; run the import again"
        )
    for rejected in report.rejected:
        print(f"  rejected {rejected}")
    return 1 if report.rejected or report.held or report.changed_meanwhile else 0


def cmd_search(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _actor(store, args)
        page = store.services.students.search(actor, " ".join(args.text), limit=args.limit)
        schools = {s.id: s.code for s in store.services.reference.schools(include_inactive=True)}
    finally:
        store.close()
    for student in page.items:
        school = schools.get(student.school_id, "") if student.school_id else ""
        print(
            f"{student.district_id:<20} {school:<6} {grade_label(student.grade):>3}  "
            f"{student.display_name}"
        )
    if not page.items:
        print("(no students found)")
    elif page.next_cursor:
        print(f"(first {len(page.items)}; type more to narrow)")
    return 0


def cmd_note_show(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _actor(store, args)
        note = store.services.notes.get(actor, args.note_id)
        local = note.occurred_at.astimezone(store.services.ctx.tz)
    finally:
        store.close()
    print(f"Note {note.id}: {note.kind.value}, {local:%Y-%m-%d %H:%M}, by {note.officer_name}")
    if note.redacted:
        print("Confidential: the text is withheld from you (redacted).")
        return 0
    if note.confidential:
        print("Confidential")
    if note.minutes:
        print(f"Minutes: {note.minutes}")
    if note.topics:
        print(f"Topics: {note.topics}")
    if note.follow_up_on:
        print(f"Follow-up: {note.follow_up_on.isoformat()}")
    if note.text:
        print()
        print(note.text)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    store = open_from(args)
    try:
        actor = _actor(store, args)
        student = store.services.students.by_district_id(actor, args.district_id)
        entries = store.services.students.timeline(actor, student.id, limit=args.limit)
        tz = store.services.ctx.tz
    finally:
        store.close()
    print(f"{student.display_name} ({student.district_id})")
    for entry in entries:
        when = entry.at.astimezone(tz)
        print(f"{when:%Y-%m-%d %H:%M}  {entry.kind:<8}  {entry.title}")
        if entry.summary:
            print(f"{'':28}{entry.summary}")
    if not entries:
        print("(nothing recorded)")
    return 0
