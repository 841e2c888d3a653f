"""Reports (F8): the daily shift report, the monthly activity report, the school year to date
(with a chart of counts by month) and the federal counts, shown on screen and saved as PDF,
CSV, Markdown or JSON.

``d`` / ``m`` / ``y`` / ``f`` pick the report, ``p`` / ``n`` step to the previous / next day,
month or school year, ``g`` goes to one. Supervisors choose an officer (``o``, by badge) or a
school (``c``); an officer's reports are always their own. ``s`` saves the report shown to a
file (the format, then the path), ``x`` exports records. Reports and saving run off the UI
thread. Statistics carry no names: the report service builds them that way. Which report is
shown lives in ``report_choice``; what it becomes on screen and in a file in ``report_output``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import ConsoleOptions
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Label, Static

from ...domain.errors import SroError
from ...domain.reports import YtdReport, month_key, school_year_for_day
from ..access import SessionAccess
from ..kept_styles import KeptStyles
from ..keymap import key_display
from ..shown_later import ShownLater
from ..text import literal, visible
from ..whole_frame import WholeFrame
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.prompt import PromptScreen
from ..widgets.status_line import StatusLine
from .choice_prompt import ChoiceScreen
from .report_choice import KINDS, ReportChoice
from .report_output import (
    SAVE_FORMATS,
    default_report_path,
    report_bytes,
    report_markdown,
    write_new_file,
)
from .report_view import ReportDrawing, ReportView

if TYPE_CHECKING:
    from textual_plotext import PlotextPlot

__all__ = ["ReportsScreen"]


class ReportsScreen(SessionAccess, ShownLater, KeptStyles, WholeFrame, Screen[None]):
    """One report at a time, scrollable, with keys to change it and to save it."""

    AUTO_FOCUS = "#report-body"

    BINDINGS = [
        Binding("d", "kind('daily')", "Daily", id="reports.daily"),
        Binding("m", "kind('monthly')", "Monthly", id="reports.monthly"),
        Binding("y", "kind('ytd')", "Year", id="reports.ytd"),
        Binding("f", "kind('federal')", "Federal", id="reports.federal"),
        Binding("p", "step(-1)", "Prev", id="reports.previous"),
        Binding("n", "step(1)", "Next", id="reports.next"),
        Binding("g", "go_to", "Go to", id="reports.go_to", show=False),
        Binding("o", "officer", "Officer", id="reports.officer", show=False),
        Binding("c", "school", "School", id="reports.school", show=False),
        Binding("s", "save", "Save", id="reports.save"),
        Binding("x", "export", "Export", id="reports.export"),
        Binding("r", "reload", "Reload", id="reports.reload", show=False),
    ]

    CSS_PATH = "reports.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.choice: ReportChoice | None = None
        self.report: Any = None
        self.generation = 0
        self.saved: Path | None = None
        self.badge_for_daily = False
        """The officer badge was set only because a daily report needs one."""

    def compose(self) -> ComposeResult:
        yield SroHeader("Reports")
        yield Static("", id="report-title", markup=False)
        with VerticalScroll(id="report-body", can_focus=True):
            # The year-to-date chart is mounted with the first year to date (``chart``):
            # plotext is not imported for the other reports (issue 16: peak memory).
            yield ReportView(id="report-md")  # one widget, not one per table cell
        yield StatusLine("", id="report-status")
        yield SroFooter()

    def on_mount(self) -> None:
        today = self.services.ctx.today()
        actor = self.actor
        self.choice = ReportChoice(
            kind="monthly",
            day=today,
            month=month_key(today.year, today.month),
            school_year=school_year_for_day(today),
            officer_badge=None if self.is_supervisor else actor.badge,
        )
        self.when_shown(self.reload)  # read when opened, not when made ahead

    @property
    def is_supervisor(self) -> bool:
        actor = self.sro.actor
        return bool(actor and actor.is_supervisor)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("officer", "school"):
            return self.is_supervisor
        if action == "kind" and parameters and parameters[0] == "federal":
            return self.is_supervisor
        if action == "save":  # dimmed while a report loads (the footer keeps its keys)
            return True if self.report is not None else None
        return True

    # -- choosing --------------------------------------------------------------------------------

    def choose(self, choice: ReportChoice) -> None:
        self.choice = choice
        self.reload()

    def action_kind(self, kind: str) -> None:
        assert self.choice is not None
        choice = replace(self.choice, kind=kind)
        if kind == "daily" and choice.officer_badge is None:
            # A daily report is always someone's: the supervisor's own until they pick one.
            choice = replace(choice, officer_badge=self.actor.badge)
            self.badge_for_daily = True
        elif kind != "daily" and self.badge_for_daily and self.is_supervisor:
            choice = replace(choice, officer_badge=None)  # back to the department
            self.badge_for_daily = False
        if kind == "federal":
            choice = replace(choice, officer_badge=None)
        self.choose(choice)

    def action_step(self, delta: int) -> None:
        assert self.choice is not None
        try:
            self.choose(self.choice.stepped(delta))
        except ValueError as exc:
            self.notify(visible(exc), markup=False, severity="error")

    def action_go_to(self) -> None:
        assert self.choice is not None
        choice = self.choice
        today = self.services.ctx.today()

        def problem(text: str) -> str | None:
            try:
                choice.moved_to(text, today)
            except ValueError as exc:
                return str(exc)
            return None

        self.app.push_screen(
            PromptScreen(
                "Go to", choice.period_hint, value=choice.period_text, required=True, check=problem
            ),
            lambda text: self._went_to(choice, text, today),
        )

    def _went_to(self, choice: ReportChoice, text: str | None, today: date) -> None:
        if not text or self.choice != choice:
            return  # cancelled, or the report changed meanwhile
        self.choose(choice.moved_to(text, today))  # the prompt checked it

    def action_officer(self) -> None:
        assert self.choice is not None
        self.app.push_screen(
            PromptScreen(
                "Officer",
                "Badge (empty: the department; the daily report: your own)",
                value=self.choice.officer_badge or "",
                max_length=10,
            ),
            self._officer_chosen,
        )

    def _officer_chosen(self, badge: str | None) -> None:
        if badge is None or self.choice is None:
            return
        self.badge_for_daily = False
        self.choose(replace(self.choice, officer_badge=badge.upper() or None))

    def action_school(self) -> None:
        assert self.choice is not None
        self.app.push_screen(
            PromptScreen(
                "School",
                "School code (empty: all schools)",
                value=self.choice.school_code or "",
                max_length=20,
            ),
            self._school_chosen,
        )

    def _school_chosen(self, code: str | None) -> None:
        if code is None or self.choice is None:
            return
        self.choose(replace(self.choice, school_code=code.upper() or None))

    # -- loading ---------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        assert self.choice is not None
        self.generation += 1
        choice = self.choice
        self.query_one("#report-title", Static).update(
            literal(f"{KINDS[choice.kind]} · {choice.period_text} · {choice.scope_text}")
        )
        self.query_one("#report-status", Label).update("Loading…")
        # The worker draws the report's Markdown too, at the widths it will be shown at:
        # the UI thread then only copies its lines (Rich's Markdown is slow to draw).
        widths = self.query_one("#report-md", ReportView).likely_widths(self.app.size.width)
        options = self.app.console_options.update(highlight=False)
        self._load(self.generation, choice, widths, options)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False)
    def _load(
        self,
        generation: int,
        choice: ReportChoice,
        widths: tuple[int, ...],
        options: ConsoleOptions,
    ) -> None:
        app = self.app
        reports = self.services.reports
        actor = self.actor
        try:
            if choice.kind == "daily":
                report: Any = reports.daily(
                    actor, officer_badge=choice.officer_badge, day=choice.day
                )
            elif choice.kind == "monthly":
                report = reports.monthly(
                    actor,
                    month=choice.month,
                    school_code=choice.school_code,
                    officer_badge=choice.officer_badge,
                )
            elif choice.kind == "ytd":
                report = reports.year_to_date(
                    actor,
                    school_year=choice.school_year,
                    school_code=choice.school_code,
                    officer_badge=choice.officer_badge,
                )
            else:
                report = reports.federal(
                    actor, school_year=choice.school_year, school_code=choice.school_code
                )
            drawing = ReportDrawing(report_markdown(report))
            if isinstance(report, YtdReport):
                import textual_plotext  # noqa: F401  (here, off the UI thread: see chart)
        except SroError as exc:
            app.call_from_thread(self._failed, generation, exc)
            return
        drawing.prepare(app.console, options, widths)
        app.call_from_thread(self._show, generation, report, drawing)

    def _failed(self, generation: int, error: SroError) -> None:
        if generation != self.generation:
            return
        self.report = None
        self.hide_chart()
        self.query_one("#report-md", ReportView).show("")
        self.query_one("#report-status", Label).update(literal(error.message))
        self.refresh_bindings()

    def _show(self, generation: int, report: Any, drawing: ReportDrawing) -> None:
        if generation != self.generation:
            return
        self.report = report
        if isinstance(report, YtdReport):
            chart = self.chart()
            self.draw_chart(chart, report)
            chart.add_class("shown")
        else:
            self.hide_chart()
        self.query_one("#report-md", ReportView).show(drawing)
        self.query_one("#report-body", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()
        self.query_one("#report-status", Label).update(literal(self.keys_hint()))

    def keys_hint(self) -> str:
        """The status line: the keys as the department's keymap has them."""

        def key(name: str, default: str) -> str:
            return key_display(self, f"reports.{name}", default)

        hint = (
            f"{key('previous', 'p')}/{key('next', 'n')} period · {key('go_to', 'g')} go to · "
            f"{key('save', 's')} save · {key('export', 'x')} export"
        )
        if self.is_supervisor:
            hint += f" · {key('officer', 'o')} officer · {key('school', 'c')} school"
        return hint

    def chart(self) -> PlotextPlot:
        """The year-to-date chart, mounted above the report the first time it is asked for
        (the report's worker has imported plotext by then)."""
        from textual_plotext import PlotextPlot

        try:
            return self.query_one("#report-chart", PlotextPlot)
        except NoMatches:
            chart = PlotextPlot(id="report-chart")
            self.query_one("#report-body", VerticalScroll).mount(chart, before="#report-md")
            return chart

    def hide_chart(self) -> None:
        for chart in self.query("#report-chart"):
            chart.remove_class("shown")

    @staticmethod
    def draw_chart(chart: PlotextPlot, report: YtdReport) -> None:
        plt = chart.plt
        plt.clear_figure()
        labels = report.labels()
        # plotext's multiple_bar takes ``labels`` (one per series); textual-plotext's stub
        # names it ``label``, which plotext would refuse.
        plt.multiple_bar(  # type: ignore[call-arg]
            labels,
            [report.series("incidents"), report.series("arrests")],
            labels=["Incidents", "Arrests"],
        )
        plt.title(f"By month, school year {report.school_year}")
        chart.refresh()

    # -- saving ----------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.report is None:
            return
        self.app.push_screen(ChoiceScreen("Save the report as", SAVE_FORMATS), self._format_chosen)

    def _format_chosen(self, fmt: str | None) -> None:
        if fmt is None or self.choice is None:
            return
        path = default_report_path(self.choice, fmt)
        self.app.push_screen(
            PromptScreen("Save the report", "File", value=str(path), required=True),
            lambda text: self._path_chosen(fmt, text),
        )

    def _path_chosen(self, fmt: str, text: str | None) -> None:
        if not text or self.report is None:
            return
        self.query_one("#report-status", Label).update("Saving…")
        self._save(self.report, fmt, Path(text).expanduser())

    @work(thread=True, group="report-save", exit_on_error=False)
    def _save(self, report: Any, fmt: str, path: Path) -> None:
        app = self.app
        try:
            write_new_file(path, report_bytes(report, fmt))
        except SroError as exc:
            app.call_from_thread(self._save_done, None, exc.message)
            return
        except OSError as exc:
            app.call_from_thread(self._save_done, None, f"Could not save: {exc.strerror or exc}")
            return
        app.call_from_thread(self._save_done, path, "")

    def _save_done(self, path: Path | None, error: str) -> None:
        status = self.query_one("#report-status", Label)
        if path is None:
            status.update(literal(error))
            self.notify(visible(error), markup=False, severity="error")
            return
        self.saved = path
        status.update(literal(f"Saved {path}"))
        self.notify(visible(f"Saved {path}"), markup=False)

    # -- export ----------------------------------------------------------------------------------

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen())
