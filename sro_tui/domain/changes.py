"""What the store's change watcher reports, shared by the store and the screens without SQL."""

from __future__ import annotations

__all__ = ["EVERYTHING"]

EVERYTHING = "*"
"""Reported when the watcher cannot tell what changed (it reconnected): reload all."""
