"""Search across incident narratives, mentoring notes, referrals, students, trespass
warnings (name, description) and calls for service (caller, what, where).

The work is bounded however large the store: each kind asks its index for at most ``limit``
matching rows, newest first, and never ranks every match of a common word.

- SQLite: FTS5 tables (migration 0003) queried by rowid descending, which FTS5 walks in
  index order and stops after ``limit`` rows. Rowids are the records' ids, so "newest" means
  most recently entered.
- PostgreSQL: a stored tsvector column per table (to_tsvector('simple', accents folded),
  migration 0022) with a GIN index, newest by the record's indexed time (incidents and
  notes by occurred_at, id; referrals and students by id). A
  rare word is collected through the GIN index; a common one is found by walking the time
  index newest first in chunks (see ``_Matcher._postgres_rows``), so that neither asks the
  planner to sort every match.

Every search is audited as ``search.run`` with the number of hits and the kinds, never the
words. (A screen that searches as the officer types writes one event per search.)

The hits of all kinds are then merged by their time, newest first. Permissions are part of
each query: incidents per ``may_read_incident``; notes: an officer's own (all for
supervisors); referrals per ``may_read_referral``; students: everyone; warnings per
services/trespass.py (a juvenile's: supervisors, the officer who gave it, the officers of a
school it covers; a sealed student's: nobody); calls per services/calls.py (supervisors, the
officer who logged it, the officers of its school); threat assessment cases (their summary)
per services/threats.py ``case_readable`` (the team; supervisors only when
supervisors_read_confidential is on; a case marked not confidential also the school's
officers; a sealed student's: nobody). A confidential note
is matched on its text only for those ``may_read_note_text`` allows, and never shows its
text to anyone else.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    column,
    false,
    literal,
    or_,
    select,
    table,
    text,
    true,
    tuple_,
)
from sqlalchemy.orm import Session

from ..domain.enums import IncidentStatus
from ..domain.errors import SroError
from ..domain.officers import Actor
from ..domain.permissions import may_read_incident, may_read_note_text, may_read_referral
from ..domain.search import (
    ALL_KINDS,
    SearchHit,
    SearchKind,
    SearchQuery,
    fts5_match,
    looks_like_record_number,
    parse_query,
    snippet,
    tsquery,
)
from ..store.models import (
    CallForService,
    Incident,
    Note,
    Officer,
    Referral,
    ReferralProgram,
    School,
    Student,
    ThreatCase,
    TrespassWarning,
)
from . import store_settings
from .audit import AuditTrail
from .calls import call_visible
from .context import ServiceContext
from .read_rules import incident_readable, note_readable, referral_readable
from .sealing import incident_unsealed, note_unsealed, referral_unsealed, student_unsealed
from .threats import case_readable
from .trespass import warning_visible

DEFAULT_LIMIT = 30
PG_PROBE = 2000  # see _Matcher._postgres_rows
PG_CHUNK = 500
PG_WALK_CHUNKS = 20
PG_COMMON = 2000  # matches the planner expects: walk newest first before any probe
PG_SMALL = 2000
"""Rows (the planner's count): a table this small is searched in one plain statement."""
PG_SIZES_SECONDS = 600.0
"""How long a connection goes by the table sizes it read (one statement for all seven)."""
MAX_LIMIT = 200
PREPARE_TEXT = "ea"
"""What :meth:`SearchService.prepare` searches for: a two-letter prefix, as typed searches run."""

# The stored tsvector columns of migration 0022 (GIN-indexed) on PostgreSQL.
PG_TABLES = {
    SearchKind.INCIDENT: "incidents",
    SearchKind.NOTE: "notes",
    SearchKind.REFERRAL: "referrals",
    SearchKind.STUDENT: "students",
    SearchKind.WARNING: "trespass_warnings",
    SearchKind.CALL: "calls_for_service",
    SearchKind.THREAT: "threat_cases",
}
PG_VECTORS = {kind: f"{table}.search_vector" for kind, table in PG_TABLES.items()}
_PG_SIZES = text("SELECT relname, reltuples FROM pg_class WHERE relname IN :names").bindparams(
    bindparam("names", value=sorted(PG_TABLES.values()), expanding=True)
)
FTS_TABLES = {
    SearchKind.INCIDENT: "incidents_fts",
    SearchKind.NOTE: "notes_fts",
    SearchKind.REFERRAL: "referrals_fts",
    SearchKind.STUDENT: "students_fts",
    SearchKind.WARNING: "trespass_warnings_fts",
    SearchKind.CALL: "calls_for_service_fts",
    SearchKind.THREAT: "threat_cases_fts",
}


_Found = tuple[SearchHit, str]
"""A hit read, and the text its snippet is cut from once the hits kept are known."""


_UNSEALED: dict[SearchKind, ColumnElement[bool]] = {}


def _unsealed(kind: SearchKind) -> ColumnElement[bool]:
    """services/sealing's condition for ``kind``, built once (it depends on nothing but the
    seal tables it reads when run; building its subqueries cost more than running them)."""
    found = _UNSEALED.get(kind)
    if found is None:
        build = {
            SearchKind.INCIDENT: incident_unsealed,
            SearchKind.NOTE: note_unsealed,
            SearchKind.REFERRAL: referral_unsealed,
            SearchKind.STUDENT: student_unsealed,
        }[kind]
        found = _UNSEALED[kind] = build()
    return found


def _upper_bound(prefix: str) -> str:
    """Numbers and district IDs are [A-Z0-9-]: '~' sorts after all of them, so
    ``prefix <= value < prefix + '~'`` is a prefix match through the unique index."""
    return prefix + "~"


class SearchService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def search(
        self,
        actor: Actor,
        text: str,
        *,
        kinds: set[str] | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[SearchHit]:
        """Records matching every word of ``text`` (the last as a prefix), newest first.

        The audit event records the number of hits and the kinds searched, not the words
        (they may be a juvenile's name).
        """
        query = parse_query(text)
        try:
            wanted = ALL_KINDS if kinds is None else {SearchKind(k) for k in kinds}
        except ValueError as exc:
            known = ", ".join(k.value for k in SearchKind)
            raise SroError(f"Search kinds are {known}", field="kinds") from exc
        limit = max(1, min(limit, MAX_LIMIT))
        if query.empty:
            return []
        hits = self._find(actor, text, query, wanted, limit)
        self.audit.record_read(
            actor,
            "search.run",
            record_type="search",
            detail=f"{len(hits)} hits; kinds: {','.join(sorted(wanted))}",
        )
        return hits

    def prepare(self, actor: Actor) -> None:
        """Run what a one-word search runs, as ``actor``, and drop what it finds: nothing is
        audited, kept or shown. The search screen calls it as it opens, so that the
        officer's first search finds its statements compiled and its indexes read in (the
        first search of a session took 45 ms, the next ones 6-12; issue 16)."""
        self._find(actor, PREPARE_TEXT, parse_query(PREPARE_TEXT), ALL_KINDS, 1)

    def _find(
        self,
        actor: Actor,
        text: str,
        query: SearchQuery,
        wanted: AbstractSet[SearchKind],
        limit: int,
    ) -> list[SearchHit]:
        """The hits, newest first, snippets made for those kept (no audit: the caller's)."""
        number = text.strip().upper() if looks_like_record_number(text) else None
        with self.ctx.db.read() as session:
            matcher = _Matcher(session, query, limit)
            # The agency's policy, read once for the notes and the threat cases.
            supervisors_read = bool(wanted & {SearchKind.NOTE, SearchKind.THREAT}) and (
                store_settings.get_flag(session, store_settings.SUPERVISORS_READ_CONFIDENTIAL)
            )
            found: list[_Found] = []
            if SearchKind.INCIDENT in wanted:
                found += self._incidents(session, actor, matcher, number)
            if SearchKind.NOTE in wanted:
                found += self._notes(session, actor, matcher, supervisors_read)
            if SearchKind.REFERRAL in wanted:
                found += self._referrals(session, actor, matcher)
            if SearchKind.STUDENT in wanted:
                found += self._students(session, matcher, number)
            if SearchKind.WARNING in wanted:
                found += self._warnings(actor, matcher)
            if SearchKind.CALL in wanted:
                found += self._calls(actor, matcher)
            if SearchKind.THREAT in wanted:
                found += self._threats(session, actor, matcher, supervisors_read)
        found.sort(key=lambda f: (f[0].at, f[0].kind, f[0].record_id), reverse=True)
        # Snippets only for the hits kept (up to four kinds x limit were read).
        return [
            hit.model_copy(update={"snippet": snippet(body, query)}) for hit, body in found[:limit]
        ]

    # -- per kind ----------------------------------------------------------------------------

    def _incidents(
        self, session: Session, actor: Actor, matcher: _Matcher, number: str | None
    ) -> list[_Found]:
        allowed: ColumnElement[bool] = incident_readable(actor)  # services/read_rules
        allowed = and_(allowed, _unsealed(SearchKind.INCIDENT))  # services/sealing
        columns = (
            Incident.id,
            Incident.number,
            Incident.status,
            Incident.officer_id,
            Incident.school_id,
            Incident.occurred_at,
            Incident.narrative,
            Incident.voided_at,
            Officer.name,
        )
        base = select(*columns).join(Officer, Officer.id == Incident.officer_id).where(allowed)
        rows = matcher.rows(
            base,
            SearchKind.INCIDENT,
            Incident.id,
            allowed,
            keys=(Incident.occurred_at, Incident.id),
        )
        if number:
            by_number = (
                base.where(Incident.number >= number, Incident.number < _upper_bound(number))
                .order_by(Incident.number.desc())
                .limit(matcher.limit)
            )
            rows = _unique_by_id([*session.execute(by_number).all(), *rows])
        return [
            (
                SearchHit(
                    kind=SearchKind.INCIDENT,
                    record_id=r.id,
                    at=r.occurred_at,
                    title=f"Incident {r.number} ({r.status}"
                    + (", VOIDED: counted nowhere)" if r.voided_at is not None else ")"),
                    snippet=(),
                    officer=r.name,
                ),
                r.narrative,
            )
            for r in rows
            # The SQL applied the rule already; checked again on what is shown.
            if may_read_incident(
                actor,
                officer_id=r.officer_id,
                school_id=r.school_id,
                status=IncidentStatus(r.status),
            )
        ]

    def _notes(
        self, session: Session, actor: Actor, matcher: _Matcher, supervisors_read: bool
    ) -> list[_Found]:
        me = actor.officer_id or -1
        visible: ColumnElement[bool] = note_readable(actor)  # services/read_rules
        visible = and_(visible, _unsealed(SearchKind.NOTE))
        # Matched on its text only where the reader may read that text.
        text_readable: ColumnElement[bool] = or_(
            Note.confidential.is_(False),
            Note.officer_id == me,
            true() if (supervisors_read and actor.is_supervisor) else false(),
        )
        base = (
            select(
                Note.id,
                Note.kind,
                Note.officer_id,
                Note.confidential,
                Note.occurred_at,
                Note.topics,
                Note.text,
                Officer.name,
            )
            .join(Officer, Officer.id == Note.officer_id)
            .where(visible, text_readable)
        )
        rows = matcher.rows(
            base,
            SearchKind.NOTE,
            Note.id,
            and_(visible, text_readable),
            keys=(Note.occurred_at, Note.id),
        )
        hits: list[_Found] = []
        for r in rows:
            # The SQL already left these out; the rule is checked again on what is shown.
            if not may_read_note_text(
                actor,
                author_id=r.officer_id,
                confidential=r.confidential,
                supervisors_read_confidential=supervisors_read,
            ):
                continue
            label = str(r.kind).capitalize() + (" (confidential)" if r.confidential else "")
            body = f"{r.topics}: {r.text}" if r.topics else r.text
            hit = SearchHit(
                kind=SearchKind.NOTE,
                record_id=r.id,
                at=r.occurred_at,
                title=label,
                snippet=(),
                officer=r.name,
            )
            hits.append((hit, body))
        return hits

    def _referrals(self, session: Session, actor: Actor, matcher: _Matcher) -> list[_Found]:
        visible: ColumnElement[bool] = referral_readable(actor)  # services/read_rules
        visible = and_(visible, _unsealed(SearchKind.REFERRAL))
        base = (
            select(
                Referral.id,
                Referral.created_at,
                Referral.reason,
                Referral.status,
                Referral.referred_by_id,
                Referral.school_id,
                ReferralProgram.name.label("program"),
                Student.first_name,
                Student.last_name,
                Officer.name,
            )
            .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
            .join(Student, Student.id == Referral.student_id)
            .join(Officer, Officer.id == Referral.referred_by_id)
            .where(visible)
        )
        rows = matcher.rows(base, SearchKind.REFERRAL, Referral.id, visible, keys=(Referral.id,))
        return [
            (
                SearchHit(
                    kind=SearchKind.REFERRAL,
                    record_id=r.id,
                    at=r.created_at,
                    title=f"Referral to {r.program}: {r.last_name}, {r.first_name} ({r.status})",
                    snippet=(),
                    officer=r.name,
                ),
                r.reason,
            )
            for r in rows
            if may_read_referral(actor, referred_by_id=r.referred_by_id, school_id=r.school_id)
        ]

    def _students(self, session: Session, matcher: _Matcher, number: str | None) -> list[_Found]:
        base = select(
            Student.id,
            Student.district_id,
            Student.first_name,
            Student.last_name,
            Student.grade,
            Student.updated_at,
        ).where(_unsealed(SearchKind.STUDENT))
        rows = matcher.rows(
            base, SearchKind.STUDENT, Student.id, _unsealed(SearchKind.STUDENT), keys=(Student.id,)
        )
        if number:
            by_id = (
                base.where(
                    Student.district_id >= number, Student.district_id < _upper_bound(number)
                )
                .order_by(Student.district_id)
                .limit(matcher.limit)
            )
            rows = _unique_by_id([*session.execute(by_id).all(), *rows])
        hits: list[_Found] = []
        for r in rows:
            grade = f" · grade {r.grade}" if r.grade is not None else ""
            hit = SearchHit(
                kind=SearchKind.STUDENT,
                record_id=r.id,
                at=r.updated_at,
                title=f"{r.last_name}, {r.first_name} ({r.district_id})",
                snippet=(),
            )
            hits.append((hit, f"{r.first_name} {r.last_name} · {r.district_id}{grade}"))
        return hits

    def _warnings(self, actor: Actor, matcher: _Matcher) -> list[_Found]:
        visible = warning_visible(actor)  # services/trespass: its read rule and sealing
        base = (
            select(
                TrespassWarning.id,
                TrespassWarning.person_name,
                TrespassWarning.description,
                TrespassWarning.warned_at,
                TrespassWarning.expires_at,
                TrespassWarning.last_day,
                TrespassWarning.statute,
                Officer.name,
            )
            .join(Officer, Officer.id == TrespassWarning.officer_id)
            .where(visible)
        )
        rows = matcher.rows(
            base,
            SearchKind.WARNING,
            TrespassWarning.id,
            visible,
            keys=(TrespassWarning.warned_at, TrespassWarning.id),
        )
        now = self.ctx.now()
        hits: list[_Found] = []
        for r in rows:
            state = "IN FORCE" if r.expires_at > now else "expired"
            hit = SearchHit(
                kind=SearchKind.WARNING,
                record_id=r.id,
                at=r.warned_at,
                title=f"Trespass warning (PC {r.statute}): {r.person_name} "
                f"({state}, through {r.last_day.isoformat()})",
                snippet=(),
                officer=r.name,
                lookup=r.person_name,
            )
            body = f"{r.person_name}: {r.description}" if r.description else r.person_name
            hits.append((hit, body))
        return hits

    def _calls(self, actor: Actor, matcher: _Matcher) -> list[_Found]:
        visible = call_visible(actor)  # services/calls: its read rule
        base = (
            select(
                CallForService.id,
                CallForService.received_at,
                CallForService.caller,
                CallForService.what,
                CallForService.location,
                CallForService.disposition,
                CallForService.incident_id,
                School.code,
                Officer.name,
            )
            .join(Officer, Officer.id == CallForService.officer_id)
            .join(School, School.id == CallForService.school_id)
            .where(visible)
        )
        rows = matcher.rows(
            base,
            SearchKind.CALL,
            CallForService.id,
            visible,
            keys=(CallForService.received_at, CallForService.id),
        )
        hits: list[_Found] = []
        for r in rows:
            where = f" · {r.location}" if r.location else ""
            hit = SearchHit(
                kind=SearchKind.CALL,
                record_id=r.id,
                at=r.received_at,
                title=f"Call at {r.code} from {r.caller} ({r.disposition})",
                snippet=(),
                officer=r.name,
                incident_id=r.incident_id,
            )
            hits.append((hit, f"{r.caller}: {r.what}{where}"))
        return hits

    def _threats(
        self, session: Session, actor: Actor, matcher: _Matcher, supervisors_read: bool
    ) -> list[_Found]:
        # services/threats: the team, supervisors by the policy, sealed: nobody.
        visible = case_readable(actor, supervisors_read=supervisors_read)
        base = (
            select(
                ThreatCase.id,
                ThreatCase.opened_at,
                ThreatCase.summary,
                ThreatCase.stage,
                ThreatCase.confidential,
                Student.first_name,
                Student.last_name,
                Officer.name,
            )
            .join(Student, Student.id == ThreatCase.student_id)
            .join(Officer, Officer.id == ThreatCase.lead_id)
            .where(visible)
        )
        rows = matcher.rows(
            base,
            SearchKind.THREAT,
            ThreatCase.id,
            visible,
            keys=(ThreatCase.opened_at, ThreatCase.id),
        )
        hits: list[_Found] = []
        for r in rows:
            label = " (confidential)" if r.confidential else ""
            hit = SearchHit(
                kind=SearchKind.THREAT,
                record_id=r.id,
                at=r.opened_at,
                title=f"Threat case {r.id}{label}: {r.last_name}, {r.first_name} ({r.stage})",
                snippet=(),
                officer=r.name,
            )
            hits.append((hit, r.summary))
        return hits


class _Matcher:
    """Adds the full-text condition of one backend to a query and runs it, bounded."""

    def __init__(self, session: Session, query: SearchQuery, limit: int) -> None:
        self.session = session
        self.query = query
        self.limit = limit
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self._planner_off: frozenset[str] = frozenset()

    def rows(
        self,
        base: Any,
        kind: SearchKind,
        id_column: Any,
        allowed: ColumnElement[bool],
        *,
        keys: tuple[Any, ...],
    ) -> list[Any]:
        """``base`` (which already applies ``allowed``) narrowed to the matches: the newest
        ``limit`` of them. ``keys``: the indexed time order, ending with the id."""
        if self.sqlite:
            name = FTS_TABLES[kind]
            fts = table(name, column("rowid"), column(name))
            statement = (
                base.join(fts, fts.c.rowid == id_column)
                .where(fts.c[name].op("MATCH")(literal(fts5_match(self.query))))
                .order_by(fts.c.rowid.desc())
                .limit(self.limit)
            )
            return list(self.session.execute(statement).all())
        return self._postgres_rows(base, kind, id_column, allowed, keys)

    def _small(self, kind: SearchKind) -> bool:
        """Whether the planner's statistics count fewer than PG_SMALL rows in the kind's table
        (a department's trespass warnings and threat cases, say): its newest matches are then
        read in one plain statement, whatever plan it gets, instead of the four or five
        statements of the bounded steps. A table never analysed (-1) is not small. The sizes
        are read for all the tables at once and kept on the connection for PG_SIZES_SECONDS."""
        info = self.session.connection().info
        kept: tuple[float, dict[str, float]] | None = info.get("sro_search_table_sizes")
        if kept is None or kept[0] <= time.monotonic():
            sizes = {name: float(rows) for name, rows in self.session.execute(_PG_SIZES)}
            kept = (time.monotonic() + PG_SIZES_SECONDS, sizes)
            info["sro_search_table_sizes"] = kept
        rows = kept[1].get(PG_TABLES[kind], -1.0)
        return 0 <= rows < PG_SMALL

    def _common(self, kind: SearchKind, id_column: Any) -> bool:
        """Whether the planner expects at least PG_COMMON matches in the whole table (its
        statistics of the indexed words; a prefix of one or two letters usually is). Then
        the GIN probe would read every match before any limit applies (0.2-0.4 s at a
        million rows), so the walk goes first. A wrong guess costs time, never hits."""
        sql = (
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {id_column.table.name} "
            f"WHERE {PG_VECTORS[kind]} @@ to_tsquery('simple', :tsq)"
        )
        plan = self.session.scalar(text(sql), {"tsq": tsquery(self.query)})
        if isinstance(plan, str):
            plan = json.loads(plan)
        try:
            return float(plan[0]["Plan"]["Plan Rows"]) >= PG_COMMON
        except (TypeError, LookupError, ValueError):
            return False

    def _plan_without(self, *methods: str) -> None:
        """The planner's ``enable_*`` settings for what runs next: ``methods`` off, the rest
        on; local to the read transaction. One statement, and none when already so: a
        department's server is a network round trip away, and a search runs up to seven
        kinds (a search as typed sent 28-46 SET statements before; issue 16). Nothing is
        reset in a ``finally``: a failed statement ends the transaction, and its settings
        with it (a reset there would fail too, and hide the first error)."""
        wanted = frozenset(methods)
        changes = {name: "off" for name in wanted - self._planner_off}
        changes |= {name: "on" for name in self._planner_off - wanted}
        if not changes:
            return
        calls = ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(changes)))
        params: dict[str, str] = {}
        for i, (name, value) in enumerate(sorted(changes.items())):
            params[f"n{i}"], params[f"v{i}"] = name, value
        self.session.execute(text(f"SELECT {calls}"), params)
        self._planner_off = wanted

    def _postgres_rows(
        self,
        base: Any,
        kind: SearchKind,
        id_column: Any,
        allowed: ColumnElement[bool],
        keys: tuple[Any, ...],
    ) -> list[Any]:
        """Bounded steps whose plans do not depend on the planner's statistics:

        0. A small table (``_small``): one plain statement, its newest matches.
        1. Unless the planner's statistics say the word is common (``_common``): the GIN
           index alone (bitmap scan forced) collects at most PG_PROBE matching ids.
           Fewer: that is every match (a rare word), and the newest are picked among them.
        2. Otherwise the word is common: walk the readable rows newest first through the
           time index, PG_CHUNK at a time, testing each chunk's rows for the words, until
           ``limit`` matched (at most PG_WALK_CHUNKS chunks).
        3. A word common in all but sparse among the newest rows: collect its matches
           through the GIN index and keep the newest (few enough, being sparse).
        """
        match = text(f"{PG_VECTORS[kind]} @@ to_tsquery('simple', :tsq)").bindparams(
            tsq=tsquery(self.query)
        )
        if self._small(kind):
            newest_first = [k.desc() for k in keys]
            statement = base.where(match).order_by(*newest_first).limit(self.limit)
            return list(self.session.execute(statement).all())
        with self._planned_as_usual_after():
            return self._postgres_steps(base, kind, id_column, allowed, keys, match)

    @contextlib.contextmanager
    def _planned_as_usual_after(self) -> Iterator[None]:
        """What the session runs after a kind's steps is planned as usual (after a failed
        statement there is nothing to restore: its transaction, settings and all, is gone)."""
        yield
        self._plan_without()

    def _postgres_steps(
        self, base: Any, kind: SearchKind, id_column: Any, allowed: Any, keys: Any, match: Any
    ) -> list[Any]:
        newest_first = [k.desc() for k in keys]
        if not self._common(kind, id_column):
            self._plan_without("enable_seqscan", "enable_indexscan")
            probe = select(id_column).where(match, allowed).limit(PG_PROBE)
            found = list(self.session.scalars(probe))
            if len(found) < PG_PROBE:
                if not found:
                    return []
                self._plan_without()
                statement = base.where(id_column.in_(found)).order_by(*newest_first)
                return list(self.session.execute(statement.limit(self.limit)).all())

        rows: list[Any] = []
        last: tuple[Any, ...] | None = None
        for _ in range(PG_WALK_CHUNKS):
            walk = select(*keys).where(allowed).order_by(*newest_first).limit(PG_CHUNK)
            if last is not None:
                before = tuple_(
                    *(literal(v, type_=k.type) for k, v in zip(keys, last, strict=True))
                )
                walk = walk.where(tuple_(*keys) < before)
            # The time index in order, whatever the statistics say.
            self._plan_without("enable_bitmapscan", "enable_seqscan", "enable_sort")
            chunk = self.session.execute(walk).all()
            if not chunk:
                return rows
            ids = [row[-1] for row in chunk]
            self._plan_without()
            statement = base.where(id_column.in_(ids), match).order_by(*newest_first)
            rows += self.session.execute(statement.limit(self.limit - len(rows))).all()
            if len(rows) >= self.limit:
                return rows
            last = tuple(chunk[-1])

        self._plan_without("enable_seqscan", "enable_indexscan")
        statement = base.where(match).order_by(*newest_first).limit(self.limit)
        return list(self.session.execute(statement).all())


def _unique_by_id(rows: Iterable[Any]) -> list[Any]:
    seen: set[int] = set()
    out = []
    for row in rows:
        if row.id not in seen:
            seen.add(row.id)
            out.append(row)
    return out
