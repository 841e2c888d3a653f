"""What a report becomes: the Markdown the Reports screen shows, the bytes of a saved file
(the federal counts here, the other reports through the service's renderer), its default
file name, and writing it to a new file only its owner can read."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ...domain.csv_safe import SafeCsvWriter
from ...domain.errors import SroError
from ...domain.reports import FederalCounts, ReportFormat, YtdReport
from .report_choice import ReportChoice

__all__ = [
    "SAVE_FORMATS",
    "default_report_path",
    "federal_markdown",
    "report_bytes",
    "report_markdown",
    "write_new_file",
    "ytd_month_table",
]

SAVE_FORMATS = [
    ("PDF", ReportFormat.PDF.value),
    ("CSV (spreadsheet)", ReportFormat.CSV.value),
    ("Markdown", ReportFormat.MARKDOWN.value),
    ("JSON", ReportFormat.JSON.value),
]


def default_report_path(choice: ReportChoice, fmt: str, folder: Path | None = None) -> Path:
    """``<kind>-<period>[-<school>][-<badge>].<ext>`` in the current folder (the home folder
    when the current one cannot be written)."""
    if folder is None:
        folder = Path.cwd()
        if not os.access(folder, os.W_OK):
            folder = Path.home()
    name = "-".join(
        part
        for part in (choice.kind, choice.period_text, choice.school_code, choice.officer_badge)
        if part
    )
    return folder / f"{name}.{fmt}"


# --- the federal counts (the renderer covers the three reports; these few lines are here) ----


def _federal_rows(counts: FederalCounts) -> list[tuple[str, int]]:
    return counts.rows()


def federal_markdown(counts: FederalCounts) -> str:
    where = counts.school_code or "all schools"
    lines = [
        f"## Federal counts: school year {counts.school_year}",
        "",
        f"**Scope:** {where}",
        "",
        "| Measure | Count |",
        "| --- | ---: |",
        *(f"| {measure} | {value} |" for measure, value in _federal_rows(counts)),
    ]
    if counts.notes:
        lines += ["", "### Notes", "", *(f"- {note}" for note in counts.notes)]
    return "\n".join(lines) + "\n"


def federal_bytes(counts: FederalCounts, fmt: str) -> bytes:
    if fmt == ReportFormat.JSON.value:
        return (counts.model_dump_json(indent=2) + "\n").encode("utf-8")
    if fmt == ReportFormat.CSV.value:
        out = io.StringIO()
        writer = SafeCsvWriter(out)  # domain.csv_safe: no formulas; a BOM so Excel reads UTF-8
        writer.writerow(["school_year", "school", "measure", "count"])
        for measure, value in _federal_rows(counts):
            writer.writerow([counts.school_year, counts.school_code or "", measure, value])
        return out.getvalue().encode("utf-8")
    if fmt == ReportFormat.MARKDOWN.value:
        return federal_markdown(counts).encode("utf-8")
    raise SroError(
        "The federal counts save as CSV, Markdown or JSON; the year-to-date report (y) "
        "carries them in its PDF"
    )


def report_bytes(report: Any, fmt: str) -> bytes:
    if isinstance(report, FederalCounts):
        return federal_bytes(report, fmt)
    from ...services.report_render import render

    return render(report, fmt)


# --- on screen ------------------------------------------------------------------------------

YTD_SHORT = (
    ("incidents", "Inc"),
    ("arrests", "Arr"),
    ("citations", "Cit"),
    ("contacts", "Notes"),
    ("referrals", "Ref"),
    ("campus_checks", "Checks"),
    ("calls", "Calls"),
    ("warnings", "Warn"),
)


def ytd_month_table(report: YtdReport) -> str:
    """The year by month with short headings and a key under the table."""
    lines = [
        "### By month",
        "",
        "| Month | " + " | ".join(short for _, short in YTD_SHORT) + " |",
        "| --- | " + " | ".join("---:" for _ in YTD_SHORT) + " |",
    ]
    for month in report.months:
        values = " | ".join(str(getattr(month, key)) for key, _ in YTD_SHORT)
        lines.append(f"| {month.label} | {values} |")
    totals = " | ".join(str(report.total(key)) for key, _ in YTD_SHORT)
    lines += [f"| Total | {totals} |", ""]
    lines.append(
        "Inc: incidents (reports) · Arr: arrests, once per person per incident · Cit: "
        "citations · Notes: mentoring notes and contacts · Ref: referrals made · Checks: "
        "campus checks (checklist items done) · Calls: calls for service logged · Warn: trespass "
        "warnings given"
    )
    return "\n".join(lines) + "\n"


def report_markdown(report: Any) -> str:
    """What the screen shows: the renderer's Markdown, with the year's month table in
    short columns so it reads at 80 columns (saved files keep the full headings)."""
    if isinstance(report, FederalCounts):
        return federal_markdown(report)
    from ...services.report_render import render_markdown

    text = render_markdown(report)
    if isinstance(report, YtdReport):
        head, found, rest = text.partition("### By month\n")
        _table, found_next, tail = rest.partition("### Incidents by category")
        if found and found_next:
            text = head + ytd_month_table(report) + "\n" + found_next + tail
    return text


# --- saving ---------------------------------------------------------------------------------


def write_new_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file only its owner can read; an existing file is refused."""
    if path.exists():
        raise SroError(f"{path} already exists; choose another name", field="path")
    if not path.parent.is_dir():
        raise SroError(f"The folder {path.parent} does not exist", field="path")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
