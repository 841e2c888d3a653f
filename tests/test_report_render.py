"""Rendering reports: Markdown, CSV that parses, JSON that reads back, a PDF that opens and
holds the expected text (extracted with pypdf), and text a core font cannot draw."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from sro_tui.domain.reports import (
    DailyEntry,
    DailyReport,
    MonthlyReport,
    ReportHeader,
    YtdReport,
)
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.services.report_render import (
    latin1,
    render,
    render_csv,
    render_json,
    render_markdown,
    render_pdf,
)

from .test_reports import world  # noqa: F401  (the hand-built store, as a fixture)

AGENCY = "Ventura Police Department \u2014 School Resource Unit"


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def monthly(services: Services, world, supervisor, admin) -> MonthlyReport:  # noqa: F811
    services.settings.set(admin, store_settings.AGENCY_NAME, AGENCY)
    return services.reports.monthly(supervisor, month="2026-09")


def test_monthly_markdown(monthly: MonthlyReport) -> None:
    text = render_markdown(monthly)
    assert text.startswith(f"# {AGENCY}\n")
    assert "## Monthly activity report: September 2026" in text
    assert "| Measure | September 2026 | August 2026 | September 2025 |" in text
    assert "| Arrests (once per person per incident) | 2 | 0 | 1 |" in text
    assert "| Use of force (not recorded) | 0 | 0 | 0 |" in text
    assert "### Federal counts (CRDC, Gun-Free Schools Act)" in text
    assert "Generated 2026-10-20 11:00 (America/Los_Angeles)" in text
    assert "### By school, September 2026" in text
    assert "| Ventura High School (VHS) | 4 | 2 | 1 | 10 | 2 | 2 | 1 |" in text


def test_monthly_csv_has_one_row_per_figure(monthly: MonthlyReport) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(monthly))))
    figures = [r for r in rows if not r["section"].startswith("By school: ")]
    assert len(figures) == len(monthly.figures)
    vhs = [r for r in rows if r["section"] == "By school: Ventura High School (VHS)"]
    assert [r["measure"] for r in vhs][:2] == ["Reports", "Arrests"]
    assert (vhs[0]["this_month"], vhs[0]["previous_month"], vhs[0]["same_month_last_year"]) == (
        "4",
        "2",
        "1",
    )
    assert list(rows[0]) == [
        "section",
        "measure",
        "this_month",
        "previous_month",
        "same_month_last_year",
        "note",
    ]
    arrests = next(r for r in rows if r["measure"].startswith("Arrests"))
    assert (arrests["this_month"], arrests["previous_month"], arrests["same_month_last_year"]) == (
        "2",
        "0",
        "1",
    )
    force = next(r for r in rows if r["measure"] == "Use of force")
    assert force["note"] == "not recorded"


def test_json_reads_back(monthly: MonthlyReport) -> None:
    assert MonthlyReport.model_validate_json(render_json(monthly)) == monthly
    assert render(monthly, "json") == render_json(monthly).encode()


def test_monthly_pdf_opens_with_header_tables_and_page_numbers(monthly: MonthlyReport) -> None:
    data = render(monthly, "pdf")
    assert data.startswith(b"%PDF")
    pages, text = pdf_text(data)
    assert AGENCY in text  # the dash drawn as itself (DejaVu Sans embedded)
    assert "Monthly activity report: September 2026" in text
    assert "Department-wide" in text
    assert "Arrests (once per person per incident)" in text
    assert "Use of force (not recorded)" in text
    assert "By school, September 2026" in text
    assert "Generated 2026-10-20 11:00" in text
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text


def test_daily_report_in_every_format(services: Services, world, officer) -> None:  # noqa: F811
    report = services.reports.daily(officer, day=date(2026, 9, 14))
    md = render_markdown(report)
    assert "Checklist: 2 done, 1 skipped, 9 pending." in md
    assert "| 07:05 | VHS | Campus arrival check-in | done |  |" in md
    assert "Confidential mentoring note" in md and "Confidential text" not in md
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert [r["kind"] for r in rows] == [e.kind for e in report.entries]
    assert rows[0]["time"] == "2026-09-14 07:05"
    _, text = pdf_text(render_pdf(report))
    assert "Daily shift report" in text
    assert "Perimeter and gate check" in text
    assert "Page 1 of 1" in text
    assert DailyReport.model_validate_json(render_json(report)) == report


def test_year_to_date_in_every_format(services: Services, world, supervisor) -> None:  # noqa: F811
    report = services.reports.year_to_date(supervisor, school_year="2026-27")
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert rows[0][:4] == ["section", "measure", "2026-07", "2026-08"]
    assert rows[0][-1] == "total"
    incidents = rows[1]
    assert incidents[1] == "Incidents (reports)" and incidents[2:6] == ["0", "2", "5", "1"]
    assert incidents[-1] == "8"
    md = render_markdown(report)
    assert "| Sep 2026 | 5 | 2 |" in md
    assert "| Students referred to law enforcement (CRDC) | 2 |" in md
    _, text = pdf_text(render_pdf(report))
    assert "Year to date: School year 2026-27" in text
    assert "Incidents by category" in text and "Trespass / unauthorized adult" in text
    assert YtdReport.model_validate_json(render_json(report)) == report


def _hand_daily(detail: str, entries: int = 1) -> DailyReport:
    header = ReportHeader(
        agency="Agency \u201cSRO\u201d \u2014 \u65e5\u672c \u20ac",
        title="Daily shift report",
        period_label="Monday 14 September 2026",
        scope_label="Officer A, badge 1",
        generated_at=datetime(2026, 9, 14, 22, 0, tzinfo=UTC),
        timezone="America/Los_Angeles",
    )
    entry = DailyEntry(
        at=datetime(2026, 9, 14, 17, 0, tzinfo=UTC), kind="note", title="Mentoring", detail=detail
    )
    return DailyReport(header=header, day=date(2026, 9, 14), entries=(entry,) * entries)


def test_pdf_survives_characters_outside_latin1() -> None:
    report = _hand_daily("Caf\u00e9 \u2026 \u2192 \U0001f600 tab\there\nsecond line \u00bd")
    _, text = pdf_text(render_pdf(report))
    assert "Agency \u201cSRO\u201d \u2014 ?? \u20ac" in text  # no CJK in DejaVu Sans: '?'
    assert "Caf\u00e9 \u2026 \u2192 \U0001f600 tab    here" in text
    assert latin1("a\u2014b\u2013c\x07") == "a-b-c"


def test_long_daily_report_runs_over_pages() -> None:
    report = _hand_daily("A long note. " * 40, entries=30)
    pages, text = pdf_text(render_pdf(report))
    assert pages > 1
    assert f"Page {pages} of {pages}" in text
    assert text.count("Daily shift report") == pages  # the header repeats on every page


def test_a_note_taller_than_a_page_goes_on_in_further_rows() -> None:
    long_note = "\n".join(f"line {i} of a long note" for i in range(200)) + " " + "x" * 900
    pages, text = pdf_text(render_pdf(_hand_daily(long_note)))
    assert pages > 2
    assert "line 0 of a long note" in text and "line 199 of a long note" in text
    assert "(continued)" in text
    assert "Page 1 of" in text


def test_csv_cells_cannot_become_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(_hand_daily("=HYPERLINK(1)")))))
    assert rows[0]["detail"] == "'=HYPERLINK(1)"


def test_markdown_cells_keep_the_table_whole() -> None:
    md = render_markdown(_hand_daily("a | b\nc"))
    assert "a \\| b<br>c" in md


def test_markdown_shows_record_text_literally() -> None:
    """A note's detail is record text: nothing in it is read as Markdown or HTML, and a
    control or bidi character shows as itself (\\x1b, ⟨U+202E⟩) instead of acting."""
    detail = "[x](file:///etc/passwd) *b* _i_ `c` <b>h</b> &amp; ~~s~~ [/] \x1b]0;x\x07 \u202ekcab"
    md = render_markdown(_hand_daily(detail))
    assert (
        "\\[x\\](file:///etc/passwd) \\*b\\* \\_i\\_ \\`c\\` \\<b\\>h\\</b\\> \\&amp; "
        "\\~\\~s\\~\\~ \\[/\\] \\\\x1b\\]0;x\\\\x07 ⟨U+202E⟩kcab"
    ) in md
    assert "\x1b" not in md and "\u202e" not in md
