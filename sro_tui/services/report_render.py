"""Render reports as Markdown, CSV, JSON or PDF.

Pure functions of the report schemas (domain/reports.py): no store, no clock. Times are shown
in the zone the report was made in (``header.timezone``). The PDF embeds DejaVu Sans
(sro_tui/assets/fonts, Bitstream Vera licence), so names outside Latin-1 print as written
(Đặng, Nguyễn); a character that font lacks (CJK, emoji) becomes '?'. CSV cells go through
domain.csv_safe (no formulas) and the CSV bytes start with a UTF-8 BOM unless ``bom=False``.
The federal counts render in every format too (``render_federal``).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.csv_safe import BOM, SafeCsvWriter
from ..domain.reports import (
    BY_SCHOOL_MEASURES,
    YTD_MEASURES,
    AnyReport,
    DailyReport,
    FederalCounts,
    MonthlyReport,
    ReportFormat,
    ReportHeader,
    YtdReport,
)
from ..domain.text import visible

# --- shared ------------------------------------------------------------------------------------


def _local(moment: datetime | None, zone: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(zone)).strftime(fmt)


def _generated(header: ReportHeader) -> str:
    return f"Generated {_local(header.generated_at, header.timezone)} ({header.timezone})"


def _measure(measure: str, note: str) -> str:
    return f"{measure} ({note})" if note else measure


def _sections(report: MonthlyReport) -> list[str]:
    return list(dict.fromkeys(f.section for f in report.figures))


# --- Markdown ----------------------------------------------------------------------------------


_MD_INLINE = frozenset("\\`*_[]<>&~|")
"""What starts emphasis, code, a link or image, HTML, an entity, strikethrough or a table
cell's edge inside a line of Markdown."""


def _md_text(value: object) -> str:
    """Record text (names, labels, reasons) inside a line of Markdown, shown literally:
    control and bidi characters in their visible form (``\\x1b``, ``⟨U+202E⟩``) and every
    character that Markdown would read as syntax backslash-escaped."""
    return "".join(f"\\{ch}" if ch in _MD_INLINE else ch for ch in visible(value))


def _md_cell(value: object) -> str:
    lines = str(value).replace("\r", "").split("\n")
    return "<br>".join(_md_text(line) for line in lines)


def _md_table(headings: Sequence[str], rows: Iterable[Sequence[object]], right: int = 0) -> str:
    """A pipe table; the last ``right`` columns are right-aligned (numbers)."""
    aligns = ["---"] * (len(headings) - right) + ["---:"] * right
    lines = [
        "| " + " | ".join(_md_cell(h) for h in headings) + " |",
        "| " + " | ".join(aligns) + " |",
    ]
    lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _md_header(header: ReportHeader) -> list[str]:
    return [
        f"# {_md_text(header.agency)}",
        "",
        f"## {header.title}: {header.period_label}",
        "",
        f"**Scope:** {_md_text(header.scope_label)}  ",
        f"**{_generated(header)}**",
        "",
    ]


def render_markdown(report: AnyReport) -> str:
    lines = _md_header(report.header)
    if isinstance(report, DailyReport):
        lines.append(
            f"Checklist: {report.checklist_done} done, {report.checklist_skipped} skipped, "
            f"{report.checklist_pending} pending."
        )
        lines.append("")
        if report.entries:
            lines.append(
                _md_table(
                    ["Time", "School", "What", "Status", "Detail"],
                    (
                        [
                            _local(e.at, report.header.timezone, "%H:%M") or "-",
                            e.school_code,
                            e.title,
                            e.status,
                            e.detail,
                        ]
                        for e in report.entries
                    ),
                )
            )
        else:
            lines.append("Nothing was recorded on this day.")
    elif isinstance(report, MonthlyReport):
        for section in _sections(report):
            lines += [f"### {section}", ""]
            lines.append(
                _md_table(
                    ["Measure", report.period.label, report.previous.label, report.last_year.label],
                    (
                        [_measure(f.measure, f.note), f.current, f.previous, f.last_year]
                        for f in report.section(section)
                    ),
                    right=3,
                )
            )
            lines.append("")
        if report.by_school:
            lines += [f"### By school, {report.period.label}", ""]
            lines.append(
                _md_table(
                    ["School", *(label for _, label in BY_SCHOOL_MEASURES)],
                    _by_school_rows(report),
                    right=len(BY_SCHOOL_MEASURES),
                )
            )
            lines.append("")
    else:
        lines += _md_ytd(report)
    if report.report != "daily" and report.notes:
        lines += ["", "### Notes", ""] + [f"- {note}" for note in report.notes]
    return "\n".join(lines).rstrip() + "\n"


def _by_school_rows(report: MonthlyReport) -> list[list[object]]:
    return [
        [f"{school.school_name} ({school.school_code})"]
        + [school.current(key) for key, _ in BY_SCHOOL_MEASURES]
        for school in report.by_school
    ]


def _md_ytd(report: YtdReport) -> list[str]:
    headings = ["Month"] + [label for _, label in YTD_MEASURES]
    rows: list[list[object]] = [
        [m.label] + [getattr(m, key) for key, _ in YTD_MEASURES] for m in report.months
    ]
    rows.append(["Total"] + [report.total(key) for key, _ in YTD_MEASURES])
    lines = ["### By month", "", _md_table(headings, rows, right=len(YTD_MEASURES)), ""]
    lines += ["### Incidents by category", ""]
    if report.categories:
        lines.append(
            _md_table(
                ["Category", "Incidents"],
                ([c.name, c.incidents] for c in report.categories),
                right=1,
            )
        )
    else:
        lines.append("No incidents filed.")
    lines += ["", f"### Federal counts, school year {report.federal.school_year}", ""]
    lines.append(_md_table(["Measure", "Count"], _federal_rows(report), right=1))
    return lines


def _federal_rows(report: YtdReport | FederalCounts) -> list[list[object]]:
    federal = report.federal if isinstance(report, YtdReport) else report
    return [[label, count] for label, count in federal.rows()]


# --- CSV ---------------------------------------------------------------------------------------


def render_csv(report: AnyReport) -> str:
    """Monthly: one row per figure (section, measure, this month, previous month, same month
    last year, note). Daily: one row per entry. Year to date: one row per measure with a
    column per month and the total."""
    buffer = io.StringIO()
    # No formulas (domain.csv_safe); the BOM is added by render() to the bytes.
    write = SafeCsvWriter(buffer, bom=False, lineterminator="\n").writerow

    if isinstance(report, MonthlyReport):
        write(
            [
                "section",
                "measure",
                "this_month",
                "previous_month",
                "same_month_last_year",
                "note",
            ]
        )
        for f in report.figures:
            write([f.section, f.measure, f.current, f.previous, f.last_year, f.note])
        for school in report.by_school:
            for key, label in BY_SCHOOL_MEASURES:
                write(
                    [
                        f"By school: {school.school_name} ({school.school_code})",
                        label,
                        *school.values.get(key, (0, 0, 0)),
                        "",
                    ]
                )
    elif isinstance(report, DailyReport):
        write(["time", "kind", "school", "title", "status", "detail", "confidential"])
        for e in report.entries:
            write(
                [
                    _local(e.at, report.header.timezone),
                    e.kind,
                    e.school_code,
                    e.title,
                    e.status,
                    e.detail,
                    "yes" if e.confidential else "no",
                ]
            )
    else:
        write(["section", "measure", *(m.month for m in report.months), "total"])
        for key, label in YTD_MEASURES:
            write(["By month", label, *report.series(key), report.total(key)])
        blanks = [""] * len(report.months)
        for c in report.categories:
            write(["Incidents by category", c.name, *blanks, c.incidents])
        for measure, value in _federal_rows(report):
            write([f"Federal counts {report.federal.school_year}", measure, *blanks, value])
    return buffer.getvalue()


# --- JSON --------------------------------------------------------------------------------------


def render_json(report: AnyReport | FederalCounts) -> str:
    return report.model_dump_json(indent=2) + "\n"


# --- PDF ---------------------------------------------------------------------------------------

_LATIN1_TWINS = str.maketrans(
    {
        "\u2014": "-",  # em dash
        "\u2013": "-",  # en dash
        "\u2012": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2026": "...",
        "\u2022": "*",
        "\u2192": "->",
        "\u2190": "<-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": "",
        "\t": "    ",
    }
)


def latin1(text: object) -> str:
    """Text a PDF core font can draw: common typographic marks become their ASCII twins,
    anything else outside Latin-1 becomes '?'. Control characters other than newline go."""
    value = str(text).translate(_LATIN1_TWINS)
    value = "".join(ch for ch in value if ch == "\n" or ord(ch) >= 32)
    return value.encode("latin-1", "replace").decode("latin-1")


FONT = "dejavu"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def _font_path(style: str) -> Path:
    return Path(str(files("sro_tui").joinpath("assets", "fonts", _FONT_FILES[style])))


@cache
def _font_has() -> frozenset[int]:
    """The code points DejaVu Sans draws (read once from its character map)."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fpdf2 needs it

    with TTFont(_font_path(""), lazy=True) as font:
        return frozenset(font.getBestCmap())


def pdf_text(text: object) -> str:
    """Text the embedded font can draw: a tab as four spaces, control characters other than
    newline dropped, a character DejaVu Sans lacks as '?'."""
    drawn = _font_has()
    value = str(text).replace("\t", "    ")
    return "".join(
        ch if ch == "\n" or ord(ch) in drawn else "?"
        for ch in value
        if ch == "\n" or (ord(ch) >= 32 and not 0x7F <= ord(ch) < 0xA0)
    )


LINE_HEIGHT_MM = 4.6
CELL_PADDING_MM = 1.0
MAX_LINES_PER_ROW = 20  # two such rows fit on a Letter page under the header


def _pieces(pdf: Any, text: str, width: float) -> list[str]:
    """``text`` cut into pieces that each fit in one table row of ``width`` on a page."""
    text = pdf_text(text)
    if not text:
        return [""]
    pdf.set_font(FONT, "", 9)
    lines = pdf.multi_cell(width, LINE_HEIGHT_MM, text, dry_run=True, output="LINES")
    return [
        "\n".join(lines[start : start + MAX_LINES_PER_ROW])
        for start in range(0, len(lines), MAX_LINES_PER_ROW)
    ] or [""]


def _header_of(report: AnyReport | FederalCounts) -> ReportHeader:
    if not isinstance(report, FederalCounts):
        return report.header
    if report.header is None:  # the year-to-date report's own counts: print that report
        raise ValueError("federal counts without a header cannot be printed on their own")
    return report.header


def render_pdf(report: AnyReport | FederalCounts) -> bytes:
    """A printable PDF (US Letter): the agency and report title at the head of each page,
    'Page X of Y' and the time it was generated at the foot, the figures as tables."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos
    from fpdf.fonts import FontFace

    header = _header_of(report)
    footer_left = pdf_text(_generated(header))

    class _Document(FPDF):
        def header(self) -> None:
            self.set_font(FONT, "B", 13)
            self.cell(0, 7, pdf_text(header.agency), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_font(FONT, "B", 11)
            self.cell(
                0,
                6,
                pdf_text(f"{header.title}: {header.period_label}"),
                new_x=XPos.LMARGIN,
                new_y=YPos.NEXT,
            )
            self.set_font(FONT, "", 9)
            self.cell(0, 5, pdf_text(header.scope_label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_draw_color(120, 120, 120)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(4)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.cell(0, 5, footer_left, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = _Document(orientation="portrait", unit="mm", format="letter")
    for style in _FONT_FILES:
        pdf.add_font(FONT, style, str(_font_path(style)))
    pdf.alias_nb_pages("{nb}")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(pdf_text(f"{header.title}: {header.period_label}"))
    pdf.set_author(pdf_text(header.agency))
    pdf.set_creator("sro-tui")
    pdf.set_creation_date(header.generated_at)
    pdf.add_page()
    headings = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))

    def heading(text: str) -> None:
        if pdf.will_page_break(40):  # a heading, the column titles and a row or two
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(FONT, "B", 10)
        pdf.cell(0, 6, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 9)

    def table(
        titles: Sequence[str],
        rows: Iterable[Sequence[object]],
        widths: Sequence[float],
        align: Sequence[str],
    ) -> None:
        pdf.set_font(FONT, "", 9)
        with pdf.table(
            col_widths=tuple(widths),
            text_align=tuple(align),
            headings_style=headings,
            line_height=LINE_HEIGHT_MM,
            width=pdf.epw,
            padding=CELL_PADDING_MM,
            v_align="TOP",
        ) as grid:
            top = grid.row()
            for title in titles:
                top.cell(pdf_text(title))
            for values in rows:
                row = grid.row()
                for value in values:
                    row.cell(pdf_text(value))
        pdf.ln(2)

    if isinstance(report, DailyReport):
        pdf.set_font(FONT, "", 9)
        pdf.cell(
            0,
            5,
            pdf_text(
                f"Checklist: {report.checklist_done} done, {report.checklist_skipped} skipped, "
                f"{report.checklist_pending} pending"
            ),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        heading("The day in time order")
        if report.entries:
            widths = (12, 12, 36, 14, 56)
            detail_width = pdf.epw * widths[-1] / sum(widths) - 2 * CELL_PADDING_MM
            lines: list[list[str]] = []
            for e in report.entries:
                time_text = _local(e.at, header.timezone, "%H:%M") or "-"
                # A table row cannot run over a page: a long note goes on in further rows.
                for index, part in enumerate(_pieces(pdf, e.detail, detail_width)):
                    if index == 0:
                        lines.append([time_text, e.school_code, e.title, e.status, part])
                    else:
                        lines.append(["", "", "(continued)", "", part])
            table(
                ["Time", "School", "What", "Status", "Detail"],
                lines,
                widths,
                ("LEFT", "LEFT", "LEFT", "LEFT", "LEFT"),
            )
        else:
            pdf.cell(0, 5, "Nothing was recorded on this day.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    elif isinstance(report, MonthlyReport):
        for section in _sections(report):
            heading(section)
            table(
                ["Measure", report.period.label, report.previous.label, report.last_year.label],
                (
                    [_measure(f.measure, f.note), f.current, f.previous, f.last_year]
                    for f in report.section(section)
                ),
                (58, 14, 14, 14),
                ("LEFT", "RIGHT", "RIGHT", "RIGHT"),
            )
        if report.by_school:
            heading(f"By school, {report.period.label}")
            table(
                ["School", *(label for _, label in BY_SCHOOL_MEASURES)],
                _by_school_rows(report),
                (30,) + (10,) * len(BY_SCHOOL_MEASURES),
                ("LEFT",) + ("RIGHT",) * len(BY_SCHOOL_MEASURES),
            )
    elif isinstance(report, FederalCounts):
        heading(f"Federal counts, school year {report.school_year}")
        table(["Measure", "Count"], _federal_rows(report), (80, 20), ("LEFT", "RIGHT"))
    else:
        heading("By month")
        keys = [key for key, _ in YTD_MEASURES]
        short = [
            "Incidents",
            "Arrests",
            "Citations",
            "Contacts",
            "Referrals",
            "Campus checks",
            "Calls",
            "Warnings",
        ]
        rows: list[list[object]] = [
            [m.label] + [getattr(m, k) for k in keys] for m in report.months
        ]
        rows.append(["Total"] + [report.total(k) for k in keys])
        table(
            ["Month", *short], rows, (16,) + (12,) * len(keys), ("LEFT",) + ("RIGHT",) * len(keys)
        )
        heading("Incidents by category")
        table(
            ["Category", "Incidents"],
            ([c.name, c.incidents] for c in report.categories) if report.categories else [["-", 0]],
            (80, 20),
            ("LEFT", "RIGHT"),
        )
        heading(f"Federal counts, school year {report.federal.school_year}")
        table(["Measure", "Count"], _federal_rows(report), (80, 20), ("LEFT", "RIGHT"))
    if not isinstance(report, DailyReport) and report.notes:
        heading("Notes")
        pdf.set_font(FONT, "", 8)
        for note in report.notes:
            pdf.multi_cell(0, 4, pdf_text(f"- {note}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


# --- federal counts -----------------------------------------------------------------------------


def render_federal_markdown(counts: FederalCounts) -> str:
    lines = _md_header(counts.header) if counts.header is not None else []
    lines += [f"### Federal counts, school year {counts.school_year}", ""]
    lines.append(_md_table(["Measure", "Count"], _federal_rows(counts), right=1))
    if counts.notes:
        lines += ["", "### Notes", ""] + [f"- {_md_text(note)}" for note in counts.notes]
    return "\n".join(lines).rstrip() + "\n"


def render_federal_csv(counts: FederalCounts) -> str:
    """One row per measure: school year, school (empty: all), measure, count."""
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer, bom=False, lineterminator="\n")
    writer.writerow(["school_year", "school", "measure", "count"])
    for measure, value in _federal_rows(counts):
        writer.writerow([counts.school_year, counts.school_code or "", measure, value])
    return buffer.getvalue()


# --- dispatch ----------------------------------------------------------------------------------


def render(
    report: AnyReport | FederalCounts, fmt: ReportFormat | str, *, bom: bool = True
) -> bytes:
    """The report in the format asked for, as bytes (UTF-8 for the text formats; CSV starts
    with a byte-order mark so that Excel reads it as UTF-8, unless ``bom`` is False)."""
    kind = ReportFormat(fmt)
    if kind is ReportFormat.PDF:
        return render_pdf(report)
    if kind is ReportFormat.JSON:
        return render_json(report).encode("utf-8")
    if kind is ReportFormat.CSV:
        if isinstance(report, FederalCounts):
            text = render_federal_csv(report)
        else:
            text = render_csv(report)
        return ((BOM if bom else "") + text).encode("utf-8")
    if isinstance(report, FederalCounts):
        return render_federal_markdown(report).encode("utf-8")
    return render_markdown(report).encode("utf-8")
