"""How people's names are compared in search: one folded key, the same on every store.

``name_key("O'Brien-Núñez, Jr.")`` is ``"obrien nunez jr"``: lower case, accents dropped,
letters with no decomposition spelled the way English speakers type them (Đ -> d, ø -> o,
ß -> ss), apostrophes and full stops dropped inside a word ("O'Brien" -> "obrien",
"Jr." -> "jr"), any other punctuation or space a single word break. Letters of any script and
digits are kept, so the key is never empty for a real name. The key holds only code points a
plain byte-wise (SQLite BINARY, PostgreSQL "C") collation orders the same way as Python.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD does not decompose into a base letter and accents.
_SPELLED = {
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "\u0131": "i",  # dotless i
    "ł": "l",
    "ŀ": "l",
    "ø": "o",
    "œ": "oe",
    "æ": "ae",
    "ß": "ss",
    "þ": "th",
    "ŧ": "t",
}
# Dropped inside a word: "O'Brien", "D\u2019Angelo", "Jr.", "St.John" stays "stjohn".
_JOINERS = {"'", "\u2019", "\u2018", "\u02bc", "`", "\u00b4", "."}


def name_key(text: str) -> str:
    """The folded, punctuation-free, lower-case words of ``text`` joined by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    out: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char) or char in _JOINERS:
            continue
        char = _SPELLED.get(char, char)
        if char.isalnum():
            out.append(char)
        else:
            out.append(" ")
    return " ".join("".join(out).split())
