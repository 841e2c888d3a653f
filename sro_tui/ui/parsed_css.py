"""The app's parsed CSS kept between runs, as Python keeps compiled modules (issue 16).

Textual parses every stylesheet it uses at each start: the sign-in screen's (the app's, its
own, and the default CSS of each widget class it shows) took 11 ms of its first frame, an
empty Textual app's 4. :class:`ParsedCssFile` keeps the rule sets parsed in one run in a
file in this OS user's cache folder, and the next run takes them from there (about 1 ms)
instead of parsing again. The stylesheet (``ui/startup.py``) asks it first.

What a run finds there is used only when everything that made it is the same: the key of
each entry is the CSS text itself, where it was read from, and the theme's variables; the
file is of this Textual (its CSS modules' sizes and times) and this Python. A file that is
not this user's alone (another owner, writable by others, a link) is not read: it is
unpickled, so it must be as trusted as the user's own compiled modules. Anything wrong with
it (missing, damaged, of another version) is a cache miss, never an error. It holds CSS
only, never record data; each save keeps only what that run used, so it does not grow.
"""

from __future__ import annotations

import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.css.model import RuleSet

__all__ = ["ParsedCssFile", "RulesKey"]

RulesKey = tuple[Any, ...]
"""Textual's own cache key of one parse (css, read_from, is_default_rules, tie_breaker,
scope) with the theme's variables in front."""

FILE_NAME = "parsed-css.pickle"


def _made_by() -> tuple[Any, ...]:
    """What the parsed rules depend on besides their key: this Python and this Textual (the
    size and time of its CSS modules, which change with any upgrade)."""
    import textual.css.model
    import textual.css.parse
    import textual.css.styles

    made: list[Any] = [sys.version_info[:3]]
    for module in (textual.css.model, textual.css.parse, textual.css.styles):
        info = os.stat(module.__file__ or "")
        made.append((info.st_size, info.st_mtime_ns))
    return tuple(made)


class ParsedCssFile:
    """Rule sets parsed in earlier runs (read once, at start; each unpickled when first
    asked for), and those this run parsed or used (written by :meth:`save`, when anything
    was parsed anew)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME
        self._made_by = _made_by()
        self._kept: dict[RulesKey, bytes] = self._read()
        self._used: dict[RulesKey, bytes] = {}
        self._changed = False

    def _read(self) -> dict[RulesKey, bytes]:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return {}  # none yet (the first run), or a link
        try:
            with os.fdopen(fd, "rb") as file:
                if not _users_own(os.fstat(file.fileno())):
                    return {}
                made_by, rules = pickle.load(file)
        except Exception:  # damaged or of another version: parse as if it were not there
            return {}
        if made_by != self._made_by or not isinstance(rules, dict):
            return {}
        return rules

    def get(self, key: RulesKey) -> list[RuleSet] | None:
        """The rules an earlier run parsed for ``key``, or None."""
        kept = self._kept.get(key)
        if kept is None:
            return None
        try:
            rules: list[RuleSet] = pickle.loads(kept)
        except Exception:
            return None
        self._used[key] = kept
        return rules

    def put(self, key: RulesKey, rules: list[RuleSet]) -> None:
        """Rules this run parsed, for the next."""
        try:
            self._used[key] = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            return
        self._changed = True

    def save(self) -> None:
        """Write what this run used, if it parsed anything new (never raises: a cache that
        cannot be written is a slower next start, not an error)."""
        if not self._changed:
            return
        self._changed = False
        try:
            data = pickle.dumps((self._made_by, dict(self._used)), protocol=pickle.HIGHEST_PROTOCOL)
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".parsed-css-")
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except Exception:
            self._changed = True  # try again at the next save


def _users_own(info: os.stat_result) -> bool:
    """A regular file of this user that no one else may write."""
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()
