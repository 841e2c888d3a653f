"""Files sro-tui keeps beside its store: private folders and durable, owner-only writes.

A key file or an audit checkpoint that is half written when the power goes is worse than
none: an empty key stops every start, an empty checkpoint looks like tampering. So every such
file is written here, one way: to a temporary file in the same folder, flushed to the disk,
renamed over the target (atomic), and then the folder itself is flushed so the rename
survives too. Files are created readable by their owner only, and a folder sro-tui makes is
its owner's only (an existing folder is left as it is).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def make_private_folder(folder: Path) -> None:
    """Make ``folder`` (and missing parents) readable by its owner only; leave an existing
    folder's permissions alone (an administrator may have shared it on purpose)."""
    folder = Path(folder)
    if folder.is_dir():
        return
    missing = []
    for part in (folder, *folder.parents):
        if part.exists():
            break
        missing.append(part)
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    for made in missing:
        # mkdir's mode is cut by the umask and does not apply to parents: set it exactly.
        with contextlib.suppress(OSError):
            made.chmod(PRIVATE_FOLDER)


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and owner-only if it does not exist; True if it was made here.

    SQLite takes an empty file as a new database and gives its -wal and -shm files the
    main file's permissions, so a store made this way stays private with its sidecars."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename in it) to the disk; not every system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_file(path: Path) -> None:
    with Path(path).open("rb+") as handle:
        os.fsync(handle.fileno())


def write_durably(path: Path, data: bytes, *, exclusive: bool = False) -> bool:
    """Write ``data`` to ``path`` so that after a crash it is either the old file or the
    whole new one, owner-only. ``exclusive``: do not replace an existing file (another
    process made it first); returns False then, True when written."""
    path = Path(path)
    make_private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            try:
                os.link(temporary, path)  # fails if the target exists: never replaces
            except FileExistsError:
                return False
            except OSError:
                # A file system without hard links: a check, then the rename.
                if path.exists():
                    return False
                os.replace(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
        else:
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    fsync_folder(path.parent)
    return True
