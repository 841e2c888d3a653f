"""The one way the app writes CSV: cells a spreadsheet will not run, a BOM for Excel.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their
full-width forms) is read by Excel, LibreOffice and Google Sheets as a formula ("CSV
injection": a failed sign-in badge ``=1+1`` or ``@A1``, a narrative ``-2+3``). Such a text
cell gets a leading ``'``, which the spreadsheet shows as text; numbers are left as numbers.

A UTF-8 byte-order mark at the start of the file (on by default: ``bom=False`` leaves it out)
tells Excel the file is UTF-8, so "Núñez" is not shown as "NÃºÃ±ez".
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from typing import IO, Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet should read it: text that would start a formula gets a
    leading ``'``; anything else (numbers, None, other text) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`; writes the BOM first
    unless ``bom`` is False."""

    def __init__(self, out: IO[str], *, bom: bool = True, lineterminator: str = "\r\n") -> None:
        if bom:
            out.write(BOM)
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeCsvDictWriter:
    """``csv.DictWriter`` (missing keys written empty, unknown keys refused) over
    :class:`SafeCsvWriter`."""

    def __init__(
        self,
        out: IO[str],
        fieldnames: Sequence[str],
        *,
        bom: bool = True,
        lineterminator: str = "\r\n",
    ) -> None:
        self.fieldnames = list(fieldnames)
        self._known = frozenset(self.fieldnames)
        self._rows = SafeCsvWriter(out, bom=bom, lineterminator=lineterminator)

    def writeheader(self) -> None:
        self._rows.writerow(self.fieldnames)

    def writerow(self, row: Mapping[str, Any]) -> None:
        unknown = [key for key in row if key not in self._known]
        if unknown:
            raise ValueError(f"fields not in the header: {', '.join(map(repr, unknown))}")
        self._rows.writerow([row.get(name, "") for name in self.fieldnames])


def local_text(moment: datetime | None, tz: tzinfo) -> str:
    """``moment`` on the agency's clock, to the second, with its UTC offset
    (2026-09-14T23:47:00-07:00): the local day a spreadsheet user expects, unambiguous."""
    if moment is None:
        return ""
    return moment.astimezone(tz).isoformat(timespec="seconds")
