"""Administration (administrators only; F12 or the palette): the agency's schools, its
officers' roles and schools, the agency settings, the code lists (offense categories,
locations, referral programs) and the duty checklist's template.

One list at a time, picked with 1-7: ``a`` adds, ``e`` or Enter edits the highlighted row
(a dialog, see :mod:`.admin_forms`), ``r`` retires it or brings it back; on the checklist,
``u`` and ``d`` move an item up or down the list, which is every shift's order (a
shift takes the items for every school and for its school). Nothing is ever
deleted: a retired school or code leaves the pickers and stays on the records that use it.
Every read runs in a thread worker; every change goes through a service that audits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from ...domain.agency import IDLE_LOCK_MINUTES
from ...domain.checklist import weekdays_label
from ...domain.errors import SroError
from ...domain.paging import Page
from ...domain.schools import ReferenceKind
from ..text import cell, literal, visible
from ..unexpected import unexpected
from ..widgets.confirm import ConfirmScreen
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.paged import PagedList, PagedTable
from ..widgets.status_line import StatusLine
from .admin_forms import OfficerAdminForm, SchoolAdminForm
from .admin_lists_forms import (
    ReferenceAdminForm,
    SettingAdminForm,
    TemplateAdminForm,
)

__all__ = ["SECTIONS", "AdminRow", "AdminScreen"]


@dataclass(frozen=True)
class AdminRow:
    """One row of the list: its key (a code, a badge, a setting's key or an id), its cells,
    and whether it is active (retired rows can be brought back)."""

    key: str
    cells: tuple[str, ...]
    active: bool = True


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    columns: tuple[tuple[str, int], ...]
    adds: bool = True
    retires: bool = True
    moves: bool = False


SECTIONS: tuple[Section, ...] = (
    Section(
        "schools",
        "Schools",
        (("Code", 8), ("Number", 8), ("Level", 11), ("State", 8), ("Name", 30)),
    ),
    Section(
        "officers",
        "Officers",
        (("Badge", 7), ("Role", 11), ("State", 9), ("Schools", 18), ("Name", 24)),
        retires=False,
    ),
    Section("settings", "Settings", (("Setting", 36), ("Value", 36)), adds=False, retires=False),
    Section("category", "Categories", (("Code", 14), ("State", 8), ("Uses", 6), ("Name", 40))),
    Section("location", "Locations", (("Code", 14), ("State", 8), ("Uses", 6), ("Name", 40))),
    Section("program", "Programs", (("Code", 14), ("State", 8), ("Uses", 6), ("Name", 40))),
    Section(
        "checklist",
        "Checklist",
        (("School", 8), ("Days", 11), ("Location", 9), ("State", 7), ("Kind", 11), ("Item", 21)),
        moves=True,
    ),
)


def _state(active: bool) -> str:
    return "active" if active else "retired"


class AdminScreen(PagedList, Screen[None]):
    """The administrator's lists; the services refuse anyone else (and audit the try)."""

    CSS_PATH = "admin.tcss"
    AUTO_FOCUS = "#admin-table"
    HELP_KEYS = (("enter", "Edit the highlighted row"),)  # the table's own key (help.py)

    BINDINGS = [
        Binding("a", "add", "Add", id="admin.add"),
        Binding("e", "edit", "Edit", id="admin.edit"),
        Binding("r", "retire", "Retire/restore", id="admin.retire"),
        Binding("u", "move(-1)", "Up", id="admin.move_up"),
        Binding("d", "move(1)", "Down", id="admin.move_down"),
        *(
            Binding(str(n), f"section({n - 1})", f"{s.title}", show=False, id=f"admin.{s.name}")
            for n, s in enumerate(SECTIONS, start=1)
        ),
        Binding("ctrl+r", "reload", "Reload", show=False, id="admin.reload"),
        Binding("escape", "back", "Back", id="admin.back"),
    ]

    def __init__(self, section: int = 0) -> None:
        super().__init__()
        self.init_paging()
        self.section = SECTIONS[section]
        self.rows: dict[str, AdminRow] = {}

    def compose(self) -> ComposeResult:
        yield SroHeader("Administration")
        yield Static("", id="admin-sections")
        yield PagedTable(id="admin-table")
        yield StatusLine("", id="admin-status")
        yield SroFooter()

    def on_mount(self) -> None:
        self.show_section()

    # -- sections ----------------------------------------------------------------------------

    def sections_line(self) -> Text:
        line = Text(" ")
        for n, section in enumerate(SECTIONS, start=1):  # fits 80 columns on one line
            style = "bold reverse" if section is self.section else ""
            line.append(f"{n} {section.title}", style=style)
            line.append(" ")
        return line

    def show_section(self) -> None:
        self.query_one("#admin-sections", Static).update(self.sections_line())
        table = self.paged_table()
        table.clear(columns=True)
        for title, width in self.section.columns:
            table.add_column(title, width=width)
        self.rows = {}
        self.reload()
        self.refresh_bindings()

    def action_section(self, index: int) -> None:
        if SECTIONS[index] is not self.section:
            self.section = SECTIONS[index]
            self.show_section()

    def action_reload(self) -> None:
        self.reload(keep_cursor=True)

    def action_back(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add":
            return self.section.adds
        if action == "retire":
            return self.section.retires if self.highlighted_key() is not None else None
        if action == "edit":
            return True if self.highlighted_key() is not None else None
        if action == "move":
            if not self.section.moves:
                return False
            return True if self.highlighted_key() is not None else None
        return True

    # -- the list ----------------------------------------------------------------------------

    def fetch_page(self, cursor: str | None) -> Page[AdminRow]:
        """The whole list (tens of rows): one page, read in the worker thread."""
        return Page[AdminRow](items=self.read_rows(self.section.name))

    def read_rows(self, name: str) -> list[AdminRow]:
        services = self.services
        reference = services.reference
        if name == "schools":
            return [
                AdminRow(
                    s.code,
                    (s.code, s.district_number or "-", s.level.value, _state(s.active), s.name),
                    s.active,
                )
                for s in reference.schools(include_inactive=True)
            ]
        if name == "officers":
            codes = {s.id: s.code for s in reference.schools(include_inactive=True)}
            return [
                AdminRow(
                    o.badge,
                    (
                        o.badge,
                        o.role.value,
                        "active" if o.active else "disabled",
                        ",".join(codes.get(i, "?") for i in o.school_ids) or "-",
                        o.name,
                    ),
                    o.active,
                )
                for o in services.officers.all_officers()
            ]
        if name == "settings":
            rows = []
            for s in services.settings.agency_settings():
                value = s.value
                if not s.stored:
                    if s.key == IDLE_LOCK_MINUTES:
                        value = str(self.sro.idle_lock_minutes)  # this terminal's own
                    value = f"{value} (not set: {s.unset})"
                rows.append(AdminRow(s.key, (s.title, value)))
            return rows
        if name == "checklist":
            codes = {s.id: s.code for s in reference.schools(include_inactive=True)}
            return [
                AdminRow(
                    str(i.id),
                    (
                        codes.get(i.school_id, "?") if i.school_id else "(every)",
                        weekdays_label(i.weekdays),
                        i.location_code or "-",
                        _state(i.active),
                        i.kind.value,
                        i.label,
                    ),
                    i.active,
                )
                for i in reference.template_items()
            ]
        return [
            AdminRow(r.code, (r.code, _state(r.active), str(r.uses), r.name), r.active)
            for r in reference.reference_items(ReferenceKind(name))
        ]

    def show_page(self, page: Page[Any]) -> None:
        table = self.paged_table()
        for row in page.items:
            self.rows[row.key] = row
            table.add_row(*(cell(value) for value in row.cells), key=row.key)

    def paging_changed(self) -> None:
        status = self.query_one("#admin-status", Label)
        if self.failed is not None:
            status.update(literal(self.failed.message))
            return
        retired = sum(1 for row in self.rows.values() if not row.active)
        extra = f", {retired} retired" if retired and self.section.retires else ""
        status.update(literal(f"{self.section.title}: {len(self.rows)}{extra}"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def on_screen_resume(self) -> None:
        if self.loaded or self.exhausted:
            self.reload(keep_cursor=True)

    # -- add, edit, retire -------------------------------------------------------------------

    def action_add(self) -> None:
        name = self.section.name
        if name == "schools":
            self.app.push_screen(SchoolAdminForm())
        elif name == "officers":
            self.app.push_screen(OfficerAdminForm())  # a one-time password, shown once
        elif name == "checklist":
            self.app.push_screen(TemplateAdminForm())
        elif name in {k.value for k in ReferenceKind}:
            self.app.push_screen(ReferenceAdminForm(ReferenceKind(name)))

    def action_edit(self) -> None:
        key = self.highlighted_key()
        if key is None:
            return
        name = self.section.name
        form: Screen[Any]
        if name == "schools":
            form = SchoolAdminForm(key)
        elif name == "officers":
            form = OfficerAdminForm(key)
        elif name == "settings":
            form = SettingAdminForm(key)
        elif name == "checklist":
            form = TemplateAdminForm(int(key))
        else:
            form = ReferenceAdminForm(ReferenceKind(name), key)
        self.app.push_screen(form)

    def action_retire(self) -> None:
        key = self.highlighted_key()
        row = self.rows.get(key) if key is not None else None
        if row is None or not self.section.retires:
            return
        what = f"{self.section.title.lower().rstrip('s')} {row.cells[-1]}"
        if row.active:
            question = f"Retire {what}? It leaves the pickers; records that use it keep it."
            verb = "Retire"
        else:
            question = f"Bring back {what}?"
            verb = "Restore"

        def answered(yes: bool | None) -> None:
            if yes:
                self.set_active(self.section.name, row.key, not row.active)

        self.app.push_screen(ConfirmScreen(question, yes=verb), answered)

    def action_move(self, step: int) -> None:
        key = self.highlighted_key()
        if key is not None and self.section.moves:
            self.move_item(int(key), step)

    @work(thread=True, group="admin-change", exit_on_error=False)
    def move_item(self, item_id: int, step: int) -> None:
        """One place up or down; the cursor stays on the item (the reload finds its key)."""
        try:
            self.services.reference.move_template_item(self.actor, item_id, step)
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            self.app.call_from_thread(self._refused, unexpected(exc, "Not moved", "Try again."))
            return
        self.app.call_from_thread(self.reload, keep_cursor=True)

    @work(thread=True, group="admin-change", exit_on_error=False)
    def set_active(self, name: str, key: str, active: bool) -> None:
        reference, actor = self.services.reference, self.actor
        try:
            if name == "schools":
                reference.set_school_active(actor, key, active)
            elif name == "checklist":
                reference.edit_template_item(actor, int(key), active=active)
            else:
                reference.set_reference_active(actor, ReferenceKind(name), key, active)
        except SroError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        except Exception as exc:
            self.app.call_from_thread(self._refused, unexpected(exc, "Not changed", "Try again."))
            return
        self.app.call_from_thread(self._changed, "Restored" if active else "Retired")

    def _changed(self, verb: str) -> None:
        self.notify(f"{verb}: the change is in the audit trail", markup=False)
        self.reload(keep_cursor=True)

    def _refused(self, error: SroError) -> None:
        self.notify(visible(error.message), markup=False, severity="error")
