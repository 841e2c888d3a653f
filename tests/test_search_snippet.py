"""The snippet's matching, made cheaper (issue 16: each distinct word folded once, ASCII
folded by lower(), the scan stopped past the window): the same spans as the plain
definition, on texts with accents, case, repeats and matches far past the window."""

from __future__ import annotations

import random
import re
import unicodedata

from sro_tui.domain.search import SNIPPET_CHARS, SearchQuery, fold, parse_query, snippet

_WORD = re.compile(r"\w+", re.UNICODE)


def plain_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def plain_snippet(text: str, query: SearchQuery, width: int = SNIPPET_CHARS) -> object:
    """The definition: every word of the text folded and tested, then the window."""
    flat = " ".join(text.split())
    if not flat:
        return ()
    terms = query.terms

    def hit(word: str) -> bool:
        folded = plain_fold(word)
        return any(
            folded == t or (i == len(terms) - 1 and query.prefix and folded.startswith(t))
            for i, t in enumerate(terms)
        )

    matched = [m for m in _WORD.finditer(flat) if hit(m.group())] if terms else []
    start = 0
    if matched and matched[0].start() > width // 3:
        start = matched[0].start() - width // 3
        space = flat.rfind(" ", 0, start)
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start, end)
        end = space if space > start else end
    spans: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
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


def test_fold_of_ascii_and_accented_words() -> None:
    for word in ("Student", "JOSÉ", "Straße", "ǅemal", "naïve", "ÅNGSTRÖM", "x_1", "ﬁne"):
        assert fold(word) == plain_fold(word)


def test_snippets_equal_the_plain_definition() -> None:
    rng = random.Random(16)
    vocabulary = [
        "student",
        "Student",
        "STUDENTS",
        "stud",
        "José",
        "jose",
        "Straße",
        "hallway",
        "hall",
        "fight",
        "gym",
        "naïve",
        "a",
        "s",
        "vape",
        "counselor",
    ]
    queries = ["student", "stu", "s", "jose", "strasse", "hall", "fight gym", "gym fig", "zz"]
    for _ in range(400):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(0, 120))]
        text = " ".join(words) + rng.choice(["", ".", "  \n tail"])
        for typed in queries:
            for query in (parse_query(typed), parse_query(typed + " ")):
                assert snippet(text, query) == plain_snippet(text, query), (text, typed)
