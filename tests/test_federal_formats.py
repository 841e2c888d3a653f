"""Issue 11 item 8: `sro report federal --format md|csv|json|pdf` like the other reports, and
PDFs that print names outside Latin-1 (DejaVu Sans embedded: Đặng, not '?')."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from sro_tui.domain.reports import DailyEntry, DailyReport, FederalCounts, ReportHeader
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.services.report_render import render, render_pdf

from .conftest import RunCli, make_officer
from .test_reports import cli_store  # noqa: F401  (a store with a firearm arrest, as a fixture)

AGENCY = "Sở Cảnh sát Đặng Văn Lâm"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_federal_counts_in_every_format(
    cli_store: str,  # noqa: F811
    sqlite_services: Services,
    run_cli: RunCli,
    tmp_path: Path,
) -> None:
    admin = make_officer(sqlite_services, "3001", "admin", ())
    sqlite_services.settings.set(admin, store_settings.AGENCY_NAME, AGENCY)
    base = ("--db", cli_store, "report", "federal", "--school-year", "2026-27")

    md = run_cli(*base)
    assert md.code == 0, md.err
    assert md.out.startswith(f"# {AGENCY}\n")
    assert "## Federal counts: School year 2026-27" in md.out
    assert "| Students with a firearm or explosive device (Gun-Free Schools Act) | 1 |" in md.out

    result = run_cli(*base, "--format", "csv")
    assert result.code == 0, result.err
    assert result.out.startswith("\ufeffschool_year,school,measure,count\n")
    rows = list(csv.DictReader(io.StringIO(result.out.removeprefix("\ufeff"))))
    firearms = next(r for r in rows if r["measure"].startswith("Students with a firearm"))
    assert (firearms["school_year"], firearms["school"], firearms["count"]) == ("2026-27", "", "1")
    plain = run_cli(*base, "--format", "csv", "--no-bom")
    assert plain.out == result.out.removeprefix("\ufeff")

    result = run_cli(*base, "--format", "json")
    counts = FederalCounts.model_validate_json(result.out)
    assert counts.gfsa_students == 1 and counts.header is not None
    assert counts.header.agency == AGENCY

    target = tmp_path / "federal.pdf"
    result = run_cli(*base, "--format", "pdf", "-o", str(target))
    assert result.code == 0, result.err
    assert "Wrote federal counts (pdf)" in result.out
    text = pdf_text(target.read_bytes())
    assert AGENCY in text
    assert "(Gun-Free Schools Act)" in text and "Page 1 of 1" in text
    assert target.stat().st_mode & 0o077 == 0


def _daily(agency: str, detail: str) -> DailyReport:
    header = ReportHeader(
        agency=agency,
        title="Daily shift report",
        period_label="Monday 14 September 2026",
        scope_label="Officer Nguyễn, badge 1",
        generated_at=datetime(2026, 9, 14, 22, 0, tzinfo=UTC),
        timezone="America/Los_Angeles",
    )
    entry = DailyEntry(
        at=datetime(2026, 9, 14, 17, 0, tzinfo=UTC), kind="note", title="Mentoring", detail=detail
    )
    return DailyReport(header=header, day=date(2026, 9, 14), entries=(entry,))


def test_pdf_prints_names_outside_latin1() -> None:
    agency = "Agency \u201cSRO\u201d \u2014 Đặng"
    data = render_pdf(_daily(agency, "Met Đặng Thị Hoa and Łukasz Żółć"))
    text = pdf_text(data)
    assert agency in text
    assert "Met Đặng Thị Hoa and Łukasz Żółć" in text
    assert "Officer Nguyễn, badge 1" in text
    assert b"DejaVu" in data  # the font is embedded, not a core font
    # What the font lacks is shown as '?', never dropped silently.
    assert "Kanji ?? here" in pdf_text(render_pdf(_daily("A", "Kanji \u65e5\u672c here")))


def test_csv_reports_start_with_a_bom_unless_asked() -> None:
    report = _daily("A", "-1+2")
    data = render(report, "csv")
    assert data.startswith("\ufeff".encode())
    assert render(report, "csv", bom=False) == data.removeprefix("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(render(report, "csv", bom=False).decode())))
    assert rows[0]["detail"] == "'-1+2"
    assert not render(report, "md").startswith("\ufeff".encode())
