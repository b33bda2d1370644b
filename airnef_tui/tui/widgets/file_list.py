"""The camera's files as a picking list drawn with Textual's line API.

Why a line-API `ScrollView`: only the rows on screen are ever rendered, whatever the card holds
(100,000 files cost what 30 do), and a cursor move redraws just the two rows that changed, a few
hundred bytes over SSH where a list widget repaints every row (~10 KB per key at 120×40). The
first line is the column titles, fixed while the rows scroll; while a filter is typed it is the
filter prompt with the match count.

Why the keys are handled the way they are: the cursor and the selection are plain state in a
`Picker`, changed synchronously by each key (see `InOrderKeys`), so keys that arrive in one packet
over SSH each act on the row that was under the cursor when they arrived.

Keys (bound here, so they do nothing while a spec field is being typed in):

    space / enter   tick or untick the file; on a group heading, the whole group
    a  n  i         all, none, invert (of the files shown)
    shift+↑ shift+↓ tick this file and the next one up or down (range by hand)
    v               range mode: ticks every row between here and the cursor; v or Esc ends it
    ↑ ↓ j k         move; PageUp PageDown; Home g top; End G bottom
    /               filter by name, extension or date text (Enter keeps it, Esc clears it)
    s               sort: capture time → name → size → folder
    h               hide files downloaded before (✓)
    f               group: by folder → by day → none; ← folds a group, → unfolds it
    e  t            tick every shown file of the same extension / the same day (again: untick)
    Esc             ends range mode, else clears the filter (else the screen's own Esc)

Filtering, sorting, hiding and grouping change what is shown, never what is selected: the
selection is a set of catalogue indexes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.tui.widgets.file_rows import (
    Columns, Glyphs, Part, clean_path, fit_columns, fit_path, file_parts, group_parts, header_parts,
    terminal_glyphs,
)
from airnef_tui.tui.widgets.in_order_keys import InOrderKeys
from airnef_tui.tui.widgets.picking import Outcome, Picker
from airnef_tui.tui.widgets.steady_scrollbars import SteadyScrollbars

ROLES = ("check", "check-on", "done", "path", "size", "date", "title", "group", "group-count",
         "prompt", "empty", "cursor", "selected", "downloaded")


class FileList(InOrderKeys, SteadyScrollbars, can_focus=True, inherit_bindings=False):
    """A multi-select list of camera files; `selected_indexes` are catalogue indexes."""

    BINDINGS = [
        Binding("space", "toggle", "Toggle", id="files.toggle"),
        Binding("enter", "toggle", "Toggle", show=False, id="files.enter"),
        Binding("a", "choose_all", "All", id="files.all"),
        Binding("n", "choose_none", "None", show=False, id="files.none"),
        Binding("i", "invert", "Invert", show=False, id="files.invert"),
        Binding("v", "visual", "Range", show=False, id="files.range"),
        Binding("shift+down", "extend(1)", show=False, id="files.extend_down"),
        Binding("shift+up", "extend(-1)", show=False, id="files.extend_up"),
        Binding("down,j", "move(1)", show=False, id="files.down"),
        Binding("up,k", "move(-1)", show=False, id="files.up"),
        Binding("pagedown", "page(1)", show=False, id="files.page_down"),
        Binding("pageup", "page(-1)", show=False, id="files.page_up"),
        Binding("home,g", "top", show=False, id="files.top"),
        Binding("end,G", "bottom", show=False, id="files.bottom"),
        Binding("slash", "filter", "Filter", id="files.filter"),
        Binding("escape", "clear", "Clear", show=False, id="files.clear"),
        Binding("s", "cycle('sort')", "Sort", show=False, id="files.sort"),
        Binding("h", "hide", "Hide ✓", show=False, id="files.hide"),
        Binding("f", "cycle('grouping')", "Group", show=False, id="files.group"),
        Binding("e", "alike('extension')", "Type", id="files.same_type"),
        Binding("t", "alike('day')", "Day", id="files.same_day"),
        Binding("left", "collapse(True)", show=False, id="files.fold"),
        Binding("right", "collapse(False)", show=False, id="files.unfold"),
    ]

    COMPONENT_CLASSES = {f"file-list--{role}" for role in ROLES}

    DEFAULT_CSS = """
    FileList {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        & > .file-list--check { color: $text-muted; }
        & > .file-list--check-on { color: $success; text-style: bold; }
        & > .file-list--done { color: $success; }
        & > .file-list--size { color: $text-muted; }
        & > .file-list--date { color: $text-muted; }
        & > .file-list--title { color: $text-muted; text-style: bold; }
        & > .file-list--group { text-style: bold; }
        & > .file-list--group-count { color: $text-muted; }
        & > .file-list--prompt { color: $accent; text-style: bold; }
        & > .file-list--empty { color: $text-muted; text-style: italic; }
        & > .file-list--selected { text-style: bold; }
        & > .file-list--downloaded { }
        & > .file-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .file-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
    }
    """

    class SelectedChanged(Message):
        """The selection changed. Handlers may skip it when `version` is not the list's latest:
        a later message (from a key queued behind) is on its way."""

        def __init__(self, file_list: FileList, version: int) -> None:
            super().__init__()
            self.file_list = file_list
            self.version = version

        @property
        def control(self) -> FileList:
            return self.file_list

    class ViewChanged(Message):
        """What is shown changed (filter, sort, hiding, grouping): `summary()` says how."""

        def __init__(self, file_list: FileList) -> None:
            super().__init__()
            self.file_list = file_list

        @property
        def control(self) -> FileList:
            return self.file_list

    class CursorMoved(Message):
        """Another file (catalogue index, or None on a heading) is under the cursor."""

        def __init__(self, file_list: FileList, index: int | None) -> None:
            super().__init__()
            self.file_list = file_list
            self.index = index

        @property
        def control(self) -> FileList:
            return self.file_list

    def __init__(self, *, glyphs: Glyphs | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.glyphs = glyphs or terminal_glyphs()
        self.picker = Picker([], [], [])
        self.selection_version = 0
        self.typing = False  # the `/` prompt has the keys
        self._natural_path = len("Camera file")
        self._longest_name = 0
        self._columns: Columns | None = None
        self._paths: dict[int, str] = {}  # fitted path per file, for the current columns
        self._last_file: int | None = None
        self._was_visual = False  # range mode is said under the list: tell the screen it ended

    # -- the browser's API ---------------------------------------------------------------------

    def show_files(self, files: Sequence[CameraFile], earlier: Sequence[Path | None],
                   selected: Collection[int] = ()) -> None:
        """Replace the rows; `selected` are the indexes to tick (e.g. kept across a reload).
        The view's settings stay, and the cursor stays on its file if the card still has it."""
        old = self.picker.view.files
        current = self.picker.file
        identity = (old[current].storage_id, old[current].handle) if current is not None else None
        several_slots = len({file.slot for file in files}) > 1
        paths = [clean_path(file, several_slots) for file in files]
        cursor_file = next((i for i, f in enumerate(files)
                            if (f.storage_id, f.handle) == identity), None) if identity else None
        self.picker.reload(files, paths, earlier, selected, cursor_file)
        self._natural_path = max([len("Camera file")] + [cell_len(path) for path in paths])
        self._longest_name = max([0] + [cell_len(path.rpartition("/")[2]) for path in paths])
        self._columns = None
        self._apply(Outcome(repaint=None, selection=True, rows=True))

    def mark_downloaded(self, files: Sequence[CameraFile],
                        earlier: Sequence[Path | None]) -> None:
        """Redraw the ✓ column after a download, keeping the selection and the cursor."""
        self._apply(self.picker.history_changed(earlier))

    def deselect(self, indexes: Collection[int] | int) -> None:
        """Drop files from the selection (e.g. the ones just downloaded)."""
        self._apply(self.picker.deselect([indexes] if isinstance(indexes, int) else indexes))

    @property
    def selected_indexes(self) -> list[int]:
        """Selected files' catalogue indexes, in catalogue order."""
        return sorted(self.picker.selected)

    @property
    def selected(self) -> set[int]:
        return self.picker.selected

    @property
    def highlighted(self) -> int | None:
        """The catalogue index of the file under the cursor (None on a heading or no file)."""
        return self.picker.file

    @highlighted.setter
    def highlighted(self, index: int | None) -> None:
        position = self.picker.view.position(index) if index is not None else None
        self._apply(self.picker.move_to(position if position is not None else 0))

    @property
    def row_count(self) -> int:
        return len(self.picker.view.rows)

    def summary(self) -> str:
        return self.picker.view.summary()

    def row_text(self, position: int) -> str:
        """Row `position` of the view as plain text, as drawn at the current width."""
        return "".join(text for text, _ in self._row_parts(position))

    def visible_rows(self) -> list[str]:
        """What the screen shows, top line included (what a person reads, e.g. in tests)."""
        height = self.scrollable_content_region.height
        return ["".join(segment.text for segment in self.render_line(y)) for y in range(height)]

    # -- actions -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear":
            return self.picker.visual is not None or bool(self.picker.view.query) or self.typing
        return True

    def action_toggle(self) -> None:
        self._apply(self.picker.toggle())

    def action_choose_all(self) -> None:
        self._apply(self.picker.choose_all())

    def action_choose_none(self) -> None:
        self._apply(self.picker.choose_none())

    def action_invert(self) -> None:
        self._apply(self.picker.invert())

    def action_visual(self) -> None:
        self._apply(self.picker.toggle_visual())
        self.refresh_bindings()

    def action_extend(self, delta: int) -> None:
        self._apply(self.picker.extend(delta))

    def action_move(self, delta: int) -> None:
        self._apply(self.picker.move_by(delta))

    def action_page(self, direction: int) -> None:
        self._apply(self.picker.move_by(direction * self._page_rows()))

    def action_top(self) -> None:
        self._apply(self.picker.move_to(0))

    def action_bottom(self) -> None:
        self._apply(self.picker.move_to(len(self.picker.view.rows) - 1))

    def action_filter(self) -> None:
        self.typing = True
        self._apply(Outcome(repaint=frozenset()), top_line=True)
        self.refresh_bindings()

    def action_clear(self) -> None:
        """Esc: leave range mode, else stop typing and drop the filter."""
        if self.picker.visual is not None:
            self._apply(self.picker.toggle_visual())
        else:
            self.typing = False
            self._apply(self.picker.set_view(query=""), top_line=True)
        self.refresh_bindings()

    def action_cycle(self, setting: str) -> None:
        self._apply(self.picker.cycle(setting), top_line=True)

    def action_hide(self) -> None:
        self._apply(self.picker.set_view(hide_downloaded=not self.picker.view.hide_downloaded))

    def action_alike(self, kind: str) -> None:
        self._apply(self.picker.choose_alike(kind))

    def action_collapse(self, collapsed: bool) -> None:
        self._apply(self.picker.collapse(collapsed))

    def typed_key(self, event: events.Key) -> bool:
        """While the `/` prompt is open, letters go to the filter; Enter keeps it, Esc drops it.
        Any other key closes the prompt (keeping the filter) and does what it always does."""
        if not self.typing:
            return False
        query = self.picker.view.query
        if event.key == "enter":
            self.typing = False
        elif event.key == "escape":
            self.action_clear()
            return True
        elif event.key == "backspace":
            query = query[:-1]
        elif event.is_printable and event.character:
            query += event.character
        else:
            self.typing = False
            self._apply(Outcome(repaint=frozenset()), top_line=True)
            return False
        self._apply(self.picker.set_view(query=query), top_line=True)
        if not self.typing:
            self.refresh_bindings()
        return True

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the row; on the checkbox it also ticks it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        position = int(self.scroll_y) + offset.y - 1
        if position >= len(self.picker.view.rows):
            return
        self._apply(self.picker.move_to(position))
        if offset.x < self.glyphs.check_width:
            self._apply(self.picker.toggle())

    # -- applying what changed -------------------------------------------------------------------

    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 2, 1)

    def _apply(self, outcome: Outcome, top_line: bool = False) -> None:
        """Redraw what `outcome` says changed and tell the screen, keeping the cursor on screen."""
        if outcome.refused:
            self.app.bell()
            self.notify(outcome.refused, severity="warning", timeout=3)
        if outcome.rows:
            self.virtual_size = Size(0, len(self.picker.view.rows) + 1)
            self._paths.clear()
        scrolled = self._scroll_to_cursor()
        if outcome.repaint is None or scrolled:
            self.refresh()
        else:
            for position in outcome.repaint:
                self._refresh_row(position)
            if top_line:
                self.refresh(Region(0, 0, self.size.width, 1))
        if outcome.selection:
            self.selection_version += 1
            self.post_message(self.SelectedChanged(self, self.selection_version))
        visual = self.picker.visual is not None
        if outcome.rows or top_line or visual != self._was_visual:
            self._was_visual = visual
            self.post_message(self.ViewChanged(self))
        if self.picker.file != self._last_file:
            self._last_file = self.picker.file
            self.post_message(self.CursorMoved(self, self._last_file))

    def _refresh_row(self, position: int) -> None:
        y = position - int(self.scroll_y) + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor's row is on screen; True if the view moved."""
        visible = self.scrollable_content_region.height - 1
        if visible <= 0:
            return False
        top = int(self.scroll_y)
        cursor = self.picker.cursor
        if cursor < top:
            target = cursor
        elif cursor >= top + visible:
            target = cursor - visible + 1
        else:
            return False
        self.scroll_to(y=target, animate=False)
        return int(self.scroll_y) != top

    def on_resize(self) -> None:
        self._columns = None
        self._scroll_to_cursor()
        self.refresh()

    # -- drawing -------------------------------------------------------------------------------

    def columns(self) -> Columns:
        width = self.scrollable_content_region.width
        if self._columns is None or self._columns.width != width:
            self._columns = fit_columns(width, self.glyphs, self._natural_path,
                                        self._longest_name)
            self._paths.clear()
        return self._columns

    def _style(self, role: str) -> Style:
        return self.get_component_rich_style(f"file-list--{role}")

    def _top_parts(self) -> list[Part]:
        view = self.picker.view
        if self.typing:
            caret = "_" if self.glyphs.on == "[x]" else "▏"
            prompt = f"/{view.query}{caret}"
            count = f"  {len(view.shown)} of {len(view.files)} match"
            hint = " · Enter keeps · Esc clears"
            if cell_len(prompt + count + hint) > self.scrollable_content_region.width:
                hint = ""
            return [(prompt, "prompt"), (count + hint, "title")]
        return header_parts(self.columns(), view.sort, self.glyphs)

    def _row_parts(self, position: int) -> list[Part]:
        view = self.picker.view
        columns = self.columns()
        row = view.rows[position]
        if row < 0:
            group = view.group_at(row)
            assert group is not None
            chosen = sum(1 for member in group.members if member in self.picker.selected)
            return group_parts(group.key, len(group.members), chosen, group.nbytes,
                               group.key in view.collapsed, columns, self.glyphs)
        path = self._paths.get(row)
        if path is None:
            path = view.paths[row]
            if view.grouping == "folder":  # the heading names the folder
                path = path.rpartition("/")[2]
            path = self._paths[row] = fit_path(path, columns.path)
        return file_parts(view.files[row], path, row in self.picker.selected,
                          view.earlier[row] is not None, columns, self.glyphs)

    def _empty_text(self) -> str:
        view = self.picker.view
        if view.query:
            return f"No file matches “{view.query}”. Esc clears the filter."
        if view.hide_downloaded and view.files:
            return "Every file was downloaded before; h shows them again."
        return ""

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        rows = self.picker.view.rows
        line_style = Style()
        if y == 0:
            parts = self._top_parts()
        else:
            position = int(self.scroll_y) + y - 1
            if position >= len(rows):
                text = self._empty_text() if y == 1 and not rows else ""
                parts = [(text, "empty")]
            else:
                parts = self._row_parts(position)
                if position == self.picker.cursor:
                    line_style = self._style("cursor")
                if rows[position] in self.picker.selected:
                    line_style = self._style("selected") + line_style
        segments = [Segment(text, base + self._style(role) + line_style) for text, role in parts]
        return Strip(segments).adjust_cell_length(width, base + line_style)
