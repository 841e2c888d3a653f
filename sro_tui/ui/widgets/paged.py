"""A list screen's paging: records come a page at a time from a service (keyset cursor), in a
thread worker, and the next page is asked for when the cursor nears the last loaded row.

A screen mixes in :class:`PagedList`, calls :meth:`init_paging` in ``__init__`` and
:meth:`reload` when its question changes (scope, filters, search text), and fills in
:meth:`fetch_page` (the service call; runs in a thread) and :meth:`show_page` (adds the rows;
runs on the UI thread). Answers to an older question are dropped, so typing fast never shows
stale rows. Rows are keyed by the record's id; with :attr:`PagedList.RECORD_KIND` set, Enter
on a row posts :class:`~sro_tui.ui.messages.OpenRecord` and the app opens the record.

Only what has been scrolled to is ever loaded: End goes to the last *loaded* row, and the
next page follows from there.

A list follows other terminals' changes (:class:`~sro_tui.ui.live.StoreChanged`): when a
kind in :attr:`PagedList.WATCH_KINDS` changed, it reloads quietly, keeping its rows until the
new first page has come (then the cursor goes back to its record), and keeping them, without a
message, if that page cannot be read.

A list read again whose first page is the one it shows (back on the list, a live refresh, the
same search answer), while it holds that page only, leaves its table as it is: no rows cleared
and added again, no second drawing (issue 16).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.binding import Binding
from textual.widgets import DataTable, Input, TextArea
from textual.widgets.data_table import RowDoesNotExist
from textual.worker import get_current_worker

from ...domain.errors import SroError
from ...domain.paging import Page
from ..access import SessionAccess
from ..live import StoreChanged
from ..messages import OpenRecord, RecordKind
from ..shown_later import ShownLater
from ..text import visible
from .steady_table import SteadyTable

__all__ = ["PagedList", "PagedTable"]


class PagedTable(SteadyTable):
    """A list's table: one row per record, Home and End to the first and last loaded row
    (End near the end asks for the next page)."""

    BINDINGS = [
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)


class PagedList(SessionAccess, ShownLater):
    """Mixed into a Screen holding one DataTable of records (and reading them as the
    signed-in officer: ``self.services``, ``self.actor``). A screen reads its first page
    with ``self.when_shown(self.reload)``: not before the officer opens it."""

    FIRST_ANSWER_WAIT = 0.1

    PAGE_SIZE: ClassVar[int] = 50
    PREFETCH_ROWS: ClassVar[int] = 10
    """Ask for the next page when the cursor is this close to the last loaded row."""
    KEEP_CURSOR_PAGES: ClassVar[int] = 5
    """``reload(keep_cursor=True)`` reads up to this many pages to find the row again."""
    RECORD_KIND: ClassVar[RecordKind | None] = None
    """What Enter on a row opens (the row key is the record's id); None: the screen decides."""
    WATCH_KINDS: ClassVar[frozenset[str]] = frozenset()
    """Record types (``RecordType`` values) whose changes elsewhere reload the list."""

    cursor: str | None
    exhausted: bool
    page_loading: bool
    """A page is being read. Not Textual's ``Widget.loading``: that reactive draws the whole
    screen again at each change, and its indicator would cover the rows and take the focus."""
    generation: int
    loaded: int
    keep_cursor_on: str | None
    failed: SroError | None
    """Why the last page could not be read (None once a page arrives)."""

    def init_paging(self) -> None:
        self.cursor = None
        self.exhausted = False
        self.page_loading = False
        self.generation = 0
        self.loaded = 0
        self.keep_cursor_on = None
        self.failed = None
        self._live_before: tuple[str | None, bool, int] | None = None
        self._rows_replaced_on_answer = False
        self._shown_first: tuple[object, list[Any], str | None] | None = None
        """(the day, the first page's rows and cursor) while the table holds that page only:
        an answer with the same rows and cursor changes nothing. (What else a page carries,
        such as the mentoring list's names not yet known when it was read, is not compared.)"""

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

    def warm_first_page(self) -> None:
        """Prepare the first page's read without reading (a worker thread; the screen's
        service call that runs its statement for no rows). Optional."""

    def prepare_unseen(self) -> None:
        """Made ahead: the first page's statement compiled now, in a worker, so that the
        officer's first opening does not wait for it (about 10 ms; issue 16)."""
        self._warm_first_page()

    @work(thread=True, group="paged-warm", exit_on_error=False)
    def _warm_first_page(self) -> None:
        try:
            self.warm_first_page()
        except Exception:  # a preparation only: the first real read says what is wrong
            return

    # -- paging ----------------------------------------------------------------------------------

    def reload(self, *, keep_cursor: bool = False) -> None:
        """Start again from the first page (the question has changed). ``keep_cursor``: put
        the cursor back on the row it was on once that row is loaded again (back from a
        record that was opened or changed)."""
        self.reload_rows(keep_cursor=keep_cursor)

    def reload_rows(
        self, *, keep_cursor: bool = False, quiet: bool = False, keep_rows: bool = False
    ) -> None:
        """Read the rows again for the question as it stands (a screen's ``reload`` first
        takes a new question from its fields). ``quiet`` (a live refresh): keep the rows
        on screen until the new first page comes, and keep them if it cannot be read.
        ``keep_rows`` (back on the list, a key typed in its search): keep them until the
        answer comes, then replace them in one frame (an error clears them and says why);
        the table is not drawn empty in between (issue 16: one drawing, not two)."""
        self.keep_cursor_on = self.highlighted_key() if keep_cursor else None
        self._live_before = (self.cursor, self.exhausted, self.loaded) if quiet else None
        self.generation += 1
        self.cursor = None
        self.exhausted = False
        self.loaded = 0
        self.page_loading = True
        self._rows_replaced_on_answer = quiet or keep_rows
        if not self._rows_replaced_on_answer:
            self._shown_first = None
            self.paged_table().clear()
        self._fetch_page(self.generation, None)

    def reload_on_resume(self) -> None:
        """Back on the list (from a record, a form or another area): the question as last
        asked, read again; the rows stay until the answer replaces them."""
        if self.loaded or self.exhausted:
            self.reload_rows(keep_cursor=True, keep_rows=True)

    def load_more(self) -> None:
        if self.page_loading or self.exhausted:
            return
        self.page_loading = True
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
        self.page_loading = False
        if self._live_before is not None:  # a live refresh that failed: the list stays as it was
            self.cursor, self.exhausted, self.loaded = self._live_before
            self._live_before = None
            self._rows_replaced_on_answer = False
            self.keep_cursor_on = None
            return
        if self._rows_replaced_on_answer:  # the rows of the question before: not its answer
            self._rows_replaced_on_answer = False
            self._shown_first = None
            self.paged_table().clear()
        self.failed = error
        self.page_failed(error)
        self.paging_changed()
        self.first_answer_shown()

    def _page_arrived(self, generation: int, page: Page[Any]) -> None:
        if generation != self.generation:
            return  # the answer to an older question
        self.page_loading = False
        self.failed = None
        self._live_before = None
        first = (self.services.ctx.today(), page.items, page.next_cursor)
        if self._rows_replaced_on_answer and self._shown_first == first:
            self._same_answer(page)  # the rows on screen are this answer already
            self.first_answer_shown()
            return
        if self._rows_replaced_on_answer:
            self._rows_replaced_on_answer = False
            self.paged_table().clear()
        self._shown_first = first if self.loaded == 0 else None
        self.show_page(page)
        self.loaded += len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        table = self.paged_table()
        if isinstance(table, SteadyTable):
            table.settle()  # its scrollbar in the frame that draws the rows
        seeking = False
        if self.keep_cursor_on is not None:
            try:
                table.move_cursor(row=table.get_row_index(self.keep_cursor_on), scroll=True)
                self.keep_cursor_on = None
            except RowDoesNotExist:  # not loaded yet: look in the next page, a few at most
                seeking = self.loaded < self.PAGE_SIZE * self.KEEP_CURSOR_PAGES
                if not seeking:
                    self.keep_cursor_on = None
        self.paging_changed()
        self.refresh_bindings()  # keys that need a row (check_action) light up
        self.first_answer_shown()
        near_end = table.cursor_row >= table.row_count - self.PREFETCH_ROWS
        if not self.exhausted and (near_end or seeking):
            self.load_more()  # a short page on a tall screen: keep filling

    def _same_answer(self, page: Page[Any]) -> None:
        """The first page read again is the one on screen, and the table holds nothing else:
        the table stays as it is (the cursor on its row), only the paging state is new."""
        self._rows_replaced_on_answer = False
        self.loaded = len(page.items)
        self.cursor = page.next_cursor
        self.exhausted = page.next_cursor is None
        if self.keep_cursor_on is None:  # a new question: the cursor goes to the top
            table = self.paged_table()
            if table.row_count and table.cursor_row != 0:
                table.move_cursor(row=0)
        self.keep_cursor_on = None
        self.paging_changed()

    def on_store_changed(self, message: StoreChanged) -> None:
        """Another terminal changed records: reload quietly if this list shows that kind and
        has finished loading (a list still loading will show the change anyway)."""
        if not message.concerns(self.WATCH_KINDS) or self.page_loading:
            return
        if self.loaded or self.exhausted:
            # The question as last asked: a filter being typed is neither read nor judged
            # (a half-typed day would be named as an error and take the focus).
            self.reload_rows(keep_cursor=True, quiet=True)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - self.PREFETCH_ROWS:
            self.load_more()

    # -- the highlighted record ------------------------------------------------------------------

    def highlighted_key(self) -> str | None:
        """The row key under the cursor, or None on an empty table."""
        table = self.paged_table()
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    def highlighted_id(self) -> int | None:
        """The id of the record under the cursor (rows are keyed by id), or None."""
        key = self.highlighted_key()
        return int(key) if key is not None else None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: the app opens that record (:attr:`RECORD_KIND`)."""
        if self.RECORD_KIND is None or event.row_key.value is None:
            return
        event.stop()
        self.post_message(OpenRecord(self.RECORD_KIND, int(event.row_key.value)))

    def back_to_list_or_leave(self) -> None:
        """Escape: from a filter or search field back to the list; from the list back to the
        screen below, when there is one (an area's own list has none)."""
        table = self.paged_table()
        if self.screen.focused is not table:
            table.focus()
        elif len(self.app.screen_stack) > 1:
            self.screen.dismiss(None)

    def can_go_back(self) -> bool:
        """Whether :meth:`back_to_list_or_leave` would do anything now (for ``check_action``:
        the footer offers Escape only then)."""
        return self.screen.focused is not self.paged_table() or len(self.app.screen_stack) > 1

    def typing_in_field(self) -> bool:
        """True while a text field has the focus: a letter key types there instead of acting
        on the list (the footer leaves such keys out then; a hint line should too)."""
        return isinstance(self.screen.focused, Input | TextArea)
