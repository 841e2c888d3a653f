"""Keep Python's full garbage collections off the objects the app keeps for good.

By the time an officer opens a first form, the process holds some 200,000 objects that live
as long as it does: Textual, Rich, SQLAlchemy, pydantic, the app's screens and stylesheet.
Python's full (oldest-generation) collection walks every one of them, which took 180-290 ms
on the UI thread, and a form allocates enough to trigger one as it opens: the form's first
frame, or a key typed into it, waited that long. ``gc.freeze()`` moves the objects alive at
that moment out of the collector's reach, so later full collections walk only what was made
since (the forms).

It is done once per process: objects frozen are never collected, so freezing again and again
would keep every closed form's leftovers alive. Once costs at most the cyclic garbage lying
around at the first form (sign-in's leftovers), a one-off few megabytes at worst.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_long_lived"]

_frozen = False


def freeze_long_lived() -> None:
    """Freeze the objects alive now, the first time this is called in the process."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.freeze()
