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


FULL_EVERY = 100
"""Full collections after this many of the middle generation's (Python's default: 10).
Frozen, the long-lived objects no longer hold full collections back (Python runs one when
the objects pending reach a quarter of those it holds long-lived), so without this the
app still ran a full collection every few screens, 40-110 ms each on the UI thread. Cycles
that live long enough to reach the oldest generation are rare; they wait longer."""


def freeze_long_lived() -> None:
    """Freeze the objects alive now, the first time this is called in the process (when
    the store has opened and the screens are imported, or else at the first form)."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_EVERY)
