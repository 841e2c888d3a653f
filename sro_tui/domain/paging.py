"""Keyset paging: lists read one page at a time, newest first, never "load all".

A cursor is an opaque string a service hands out with a page and takes back for the next
one; it encodes the sort key of the last row (e.g. occurred_at and id).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class Page(BaseModel, Generic[T]):
    model_config = ConfigDict(frozen=True)

    items: list[T]
    next_cursor: str | None = None


def encode_cursor(*parts: Any) -> str:
    values = [p.isoformat() if isinstance(p, datetime) else p for p in parts]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def decode_cursor(cursor: str) -> list[Any]:
    """The parts of a cursor; a damaged cursor raises ValueError."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as exc:
        raise ValueError("damaged page cursor") from exc
    if not isinstance(values, list):
        raise ValueError("damaged page cursor")
    return values


def clamp_limit(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE_SIZE))
