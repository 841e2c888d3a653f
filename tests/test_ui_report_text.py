"""The Reports screen draws the reports' Markdown without a Markdown parser (issue 16: memory)
exactly as Rich's ``Markdown`` drew it: the same lines, characters and styles, for each kind
of report (the daily with record text full of Markdown and HTML, the month, the year to date
with its short month table, the federal counts), at several widths."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from rich.console import Console
from rich.markdown import Markdown
from rich.segment import Segment

from sro_tui.domain.reports import FederalCounts, MonthlyReport
from sro_tui.services.registry import Services
from sro_tui.ui.screens.report_output import report_markdown
from sro_tui.ui.screens.report_text import draw_report_text
from sro_tui.ui.screens.report_view import ReportDrawing

from .test_report_render import _hand_daily, monthly  # noqa: F401  (a fixture)
from .test_reports import world  # noqa: F401  (the hand-built store, as a fixture)

WIDTHS = (118, 80, 52)


def drawn_by_rich(source: str, console: Console, width: int) -> list[Segment]:
    options = console.options.update_width(width)
    markdown = Markdown(source, hyperlinks=False)
    return list(Segment.simplify(console.render(markdown, options)))


def drawn_here(source: str, console: Console, width: int) -> list[Segment]:
    options = console.options.update_width(width)
    return list(Segment.simplify(draw_report_text(source, console, options)))


def assert_drawn_alike(source: str) -> None:
    console = Console(width=120, color_system="truecolor", force_terminal=True)
    for width in WIDTHS:
        here = drawn_here(source, console, width)
        assert here == drawn_by_rich(source, console, width), width
        assert "".join(segment.text for segment in here).strip()


def test_the_month_is_drawn_as_rich_markdown_drew_it(monthly: MonthlyReport) -> None:  # noqa: F811
    source = report_markdown(monthly)
    assert source.count("|") > 100 and "### Notes" in source and "**Scope:**" in source
    assert_drawn_alike(source)


def test_the_year_and_the_day_are_drawn_as_rich_markdown_drew_them(
    services: Services,
    world,  # noqa: F811
    supervisor,
    officer,
) -> None:
    ytd = services.reports.year_to_date(supervisor, school_year="2026-27")
    assert_drawn_alike(report_markdown(ytd))
    assert_drawn_alike(report_markdown(services.reports.daily(officer, day=date(2026, 9, 14))))


@pytest.mark.parametrize(
    "detail",
    [
        "[x](file:///etc/passwd) *b* _i_ `c` <b>h</b> &amp; ~~s~~ [/] \x1b]0;x\x07 \u202ekcab",
        "a | b\nc\nd",
        "# not a heading\n- not an item",
        "trailing backslash \\",
        "**not bold** \\*",
        "",
    ],
)
def test_record_text_is_drawn_as_rich_markdown_drew_it(detail: str) -> None:
    assert_drawn_alike(report_markdown(_hand_daily(detail, entries=3)))


def test_the_federal_counts_are_drawn_as_rich_markdown_drew_them() -> None:
    counts = FederalCounts.model_construct(
        school_year="2026-27", school_code=None, notes=("One note", "Another, longer note " * 9)
    )
    source = "\n".join(
        [
            "## Federal counts: school year 2026-27",
            "",
            "**Scope:** all schools",
            "",
            "| Measure | Count |",
            "| --- | ---: |",
            "| Firearm incidents (GFSA) | 3 |",
            "",
            "### Notes",
            "",
            *(f"- {note}" for note in counts.notes),
        ]
    )
    assert_drawn_alike(source)


def test_a_drawing_keeps_its_lines_per_width() -> None:
    console = Console(width=120, color_system="truecolor", force_terminal=True)
    drawing = ReportDrawing(report_markdown(_hand_daily("x")))
    options = console.options.update_width(80)
    assert drawing.segments(console, options) is drawing.segments(console, options)


def test_the_reports_screen_imports_no_markdown_parser() -> None:
    """markdown-it and Pygments (Rich's Markdown and its code blocks) stay out of the app."""
    code = (
        "import sys, sro_tui.ui.screens.reports;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('markdown_it', 'pygments', 'linkify_it') or m == 'rich.markdown'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
