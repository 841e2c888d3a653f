"""Search: what a query means and how a hit is shown. Pure functions; the SQL is in services.

A query is a few words. Every word must appear (AND); the last word may be a prefix so
results follow the officer's typing ("fig" finds "fight"), unless the text ends with a space.
Matching ignores case and accents. The snippet is a short window of the record's text around
the first match, cut into spans flagged as matched or not, so a screen can highlight them.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from enum import StrEnum

from .base import ReadSchema

MAX_TERMS = 8
MIN_PREFIX = 2  # a one-letter prefix matches half the dictionary: taken as a whole word
SNIPPET_CHARS = 140

_WORD = re.compile(r"\w+", re.UNICODE)

# Accented Latin letters and their plain forms, folded inside PostgreSQL's index expressions
# (migration 0003 holds the same two strings: an index is used only for the very same
# expression).
PG_ACCENTED = (
    "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆ"
    "ćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐő"
    "ŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž"
)
PG_PLAIN = (
    "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaC"
    "cCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOo"
    "RrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZz"
)


def pg_vector(expression: str) -> str:
    """The indexed tsvector expression over a column (or concatenation) on PostgreSQL."""
    return f"to_tsvector('simple', translate({expression}, '{PG_ACCENTED}', '{PG_PLAIN}'))"


class SearchKind(StrEnum):
    INCIDENT = "incident"
    NOTE = "note"
    REFERRAL = "referral"
    STUDENT = "student"
    WARNING = "warning"  # trespass warnings: the person's name and description
    CALL = "call"  # calls for service: caller, what, where
    THREAT = "threat"  # threat assessment cases: the summary, for those who read the case


ALL_KINDS = frozenset(SearchKind)

# A snippet: (text, is_match) pieces in order; joined they give the shown text.
Snippet = tuple[tuple[str, bool], ...]


class SearchHit(ReadSchema):
    kind: SearchKind
    record_id: int
    at: datetime
    title: str
    snippet: Snippet
    officer: str = ""
    lookup: str = ""
    """Warnings: the person's name, which Campus security's watch check finds them by."""
    incident_id: int | None = None
    """Calls: the report made of the call, if any."""

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


class SearchQuery(ReadSchema):
    """The words of a query, folded (lower case, no accents); ``prefix`` applies to the last."""

    terms: tuple[str, ...]
    prefix: bool

    @property
    def empty(self) -> bool:
        return not self.terms


def fold(text: str) -> str:
    """Lower case without accents: how both indexes compare words."""
    if text.isascii():  # the common case: nothing to decompose, casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_query(text: str) -> SearchQuery:
    words = [fold(w) for w in _WORD.findall(text)]
    words = [w for w in words if w and w != "_"][:MAX_TERMS]
    prefix = bool(words) and not text[-1:].isspace() and len(words[-1]) >= MIN_PREFIX
    return SearchQuery(terms=tuple(dict.fromkeys(words)), prefix=prefix)


def fts5_match(query: SearchQuery) -> str:
    """An FTS5 MATCH expression: each word quoted (so no word is read as an operator)."""
    parts = [f'"{t}"' for t in query.terms]
    if query.prefix and parts:
        parts[-1] += "*"
    return " ".join(parts)


def tsquery(query: SearchQuery) -> str:
    """A PostgreSQL to_tsquery('simple', ...) expression. Terms are word characters only,
    so nothing in them is a tsquery operator."""
    parts = list(query.terms)
    if query.prefix and parts:
        parts[-1] += ":*"
    return " & ".join(parts)


def looks_like_record_number(text: str) -> bool:
    """ "SRO-2026-0001" or a part of it: worth a look-up by number or district ID."""
    value = text.strip()
    return bool(re.fullmatch(r"[A-Za-z0-9-]{3,32}", value)) and any(c.isdigit() for c in value)


def _word_matches(word: str, query: SearchQuery) -> bool:
    folded = fold(word)
    for i, term in enumerate(query.terms):
        is_last = i == len(query.terms) - 1
        if folded == term or (is_last and query.prefix and folded.startswith(term)):
            return True
    return False


def _matches(flat: str, query: SearchQuery, width: int) -> list[re.Match[str]]:
    """The matched words of ``flat`` that a snippet of ``width`` can show: the first, and
    those after it up to ``width`` characters past it (the window never reaches further),
    each distinct word folded once."""
    if query.empty:
        return []
    seen: dict[str, bool] = {}
    found: list[re.Match[str]] = []
    for m in _WORD.finditer(flat):
        if found and m.start() > found[0].start() + width:
            break
        word = m.group()
        hit = seen.get(word)
        if hit is None:
            hit = seen[word] = _word_matches(word, query)
        if hit:
            found.append(m)
    return found


def snippet(text: str, query: SearchQuery, *, width: int = SNIPPET_CHARS) -> Snippet:
    """A window of ``text`` around the first matched word, split into (text, is_match)."""
    flat = " ".join(text.split())
    if not flat:
        return ()
    matched = _matches(flat, query, width)
    start = 0
    if matched and matched[0].start() > width // 3:
        start = matched[0].start() - width // 3
        # Start at a word boundary.
        space = flat.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    spans: list[tuple[str, bool]] = []
    if start > 0:
        spans.append(("…", False))
    pos = start
    for m in matched:
        if m.start() < start or m.end() > end:
            continue
        if m.start() > pos:
            spans.append((flat[pos : m.start()], False))
        spans.append((m.group(), True))
        pos = m.end()
    if pos < end:
        spans.append((flat[pos:end], False))
    if end < len(flat):
        spans.append(("…", False))
    return tuple(spans)
