"""A list screen's paging: records come a page at a time from a service (keyset cursor), in a
thread worker, and the next page is asked for when the cursor nears the last loaded row.

A screen mixes in :class:`PagedList`, calls :meth:`init_paging` in ``__init__`` and
:meth:`reload` when its question changes (scope, filters, search text), and fills in
:meth:`fetch_page` (the service call; runs in a thread) and :meth:`show_page` (adds the rows;
runs on the UI thread). Answers to an older question are dropped, so typing fast never shows
stale rows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.widgets import DataTable
from textual.worker import get_current_worker

from ...domain.errors import SroError
from ...domain.paging import Page
from ..access import SessionAccess
from ..text import visible

__all__ = ["PagedList"]


class PagedList(SessionAccess):
    """Mixed into a Screen holding one DataTable of records (and reading them as the
    signed-in officer: ``self.services``, ``self.actor``)."""

    PAGE_SIZE: ClassVar[int] = 50
    PREFETCH_ROWS: ClassVar[int] = 10
    """Ask for the next page when the cursor is this close to the last loaded row."""

    cursor: str | None
    exhausted: bool
    loading: bool
    generation: int
    loaded: int

    def init_paging(self) -> None:
        self.cursor = None
        self.exhausted = False
        self.loading = False
        self.generation = 0
        self.loaded = 0

    # -- hooks -----------------------------------------------------------------------------------

    def fetch_page(self, cursor: str | None) -> Page[Any]:
        """One page from the service (in a worker thread: touch no widget)."""
        raise NotImplementedError

    def show_page(self, page: Page[Any]) -> None:
        """Add the page's rows to the table (UI thread)."""
        raise NotImplementedError

    def paging_changed(self) -> None:
        """After each page or failure: update a status line (``self.loaded``, ``exhausted``)."""

    def page_failed(self, error: SroError) -> None:
        self.notify(visible(error.message), markup=False, severity="error")

    def paged_table(self) -> DataTable[Any]:
        return self.query_one(DataTable)

    # -- paging ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Start again from the first page (the question has changed)."""
        self.generation += 1
        self.cursor = None
        self.exhausted = False
        self.loaded = 0
        self.loading = True
        self.paged_table().clear()
        self._fetch_page(self.generation, None)

    def load_more(self) -> None:
        if self.loading or self.exhausted:
            return
        self.loading = True
        self._fetch_page(self.generation, self.cursor)

    @work(thread=True, group="paged-list", exit_on_error=False)
    def _fetch_page(self, generation: int, cursor: str | None) -> None:
        app = self.app
        try:
            page = self.fetch_page(cursor)
        except SroError as exc:
            app.call_from_thread(self._page_failed, generation, exc)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self._page_arrived, generation, page)

    def _page_failed(self, generation: int, error: SroError) -> None:
        if generation != self.generation:
            return
        self.loading = False
        self.page_failed(error)
        self.paging_changed()

    def _page_arrived(self, generation: int, page: Page[Any]) -> None:
        if generation != self.generation:
            return  # the answer to an older question
        self.loading = False
        self.show_page(page)
        self.loaded += len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        self.paging_changed()
        table = self.paged_table()
        if not self.exhausted and table.cursor_row >= table.row_count - self.PREFETCH_ROWS:
            self.load_more()  # a short page on a tall screen: keep filling

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - self.PREFETCH_ROWS:
            self.load_more()

    def highlighted_key(self) -> str | None:
        """The row key under the cursor, or None on an empty table."""
        table = self.paged_table()
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value
