"""`sro keys`: every key binding's id, its key and what it does, for a department's keymap.

The listing applies this terminal's keymap file (``SRO_KEYMAP_FILE``, else ``keymap.toml`` in
the user config folder), so it shows the keys as the app will; a problem in the file is one
line on stderr and the listing still prints.
"""

from __future__ import annotations

import argparse
import sys

from .common import settings_from


def register(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser(
        "keys",
        help="list every key binding's id, key and action (for a keymap file: "
        '[keys] "checklist.done" = "space,enter")',
    )
    keys.set_defaults(func=cmd_keys)


def cmd_keys(args: argparse.Namespace) -> int:
    from ..ui.keymap import listing, read_keymap

    path = settings_from(args).keymap_path()
    keymap = read_keymap(path)
    for problem in keymap.problems:
        print(problem, file=sys.stderr)
    print(f"# keymap file: {path}{'' if path.exists() else ' (none: the built-in keys)'}")
    sys.stdout.write(listing(keymap.keymap))
    return 0
