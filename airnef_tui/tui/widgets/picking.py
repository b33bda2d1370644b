"""The file list's cursor and selection as plain state, changed only by the key that asks.

Why plain state: keys that arrive together over SSH are handled one after the other, and each
must act on the row that was under the cursor when it arrived. A highlighted index posted as a
message, or a reactive watched later, can lag behind the keys queued after it and tick the wrong
photo. Every operation here runs synchronously inside the key's handler and says what it changed
(`Outcome`): which rows to redraw, whether the selection or the rows themselves changed.

The selection is a set of catalogue indexes. The view (`FileView`) decides what is shown; the
selection never depends on it, except that `a`, `n`, `i`, `e` and `t` act on the files shown,
so "filter NEF, select all" does what it says.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.tui.widgets.file_view import GROUPINGS, SORTS, FileView, day_of, extension_of


@dataclass(frozen=True)
class Outcome:
    """What one operation changed. `repaint` holds row positions; None means every row."""

    repaint: frozenset[int] | None = frozenset()
    selection: bool = False
    rows: bool = False
    refused: str = ""


NOTHING = Outcome()
EVERYTHING = Outcome(repaint=None, selection=True)


@dataclass
class Visual:
    """`v` range mode: rows between the anchor and the cursor are selected on top of `base`."""

    anchor: int  # the row (file index or heading) where `v` was pressed
    base: set[int]


class Picker:
    def __init__(self, files: Sequence[CameraFile], paths: Sequence[str],
                 earlier: Sequence[Path | None], selected: Collection[int] = ()) -> None:
        self.view = FileView(files, paths, earlier)
        self.selected: set[int] = set(selected)
        self.cursor = 0  # a position in view.rows
        self.visual: Visual | None = None

    # -- what is under the cursor ------------------------------------------------------------

    @property
    def row(self) -> int | None:
        rows = self.view.rows
        return rows[self.cursor] if 0 <= self.cursor < len(rows) else None

    @property
    def file(self) -> int | None:
        """The catalogue index under the cursor (None on a heading or an empty view)."""
        row = self.row
        return row if row is not None and row >= 0 else None

    # -- moving --------------------------------------------------------------------------------

    def move_to(self, position: int) -> Outcome:
        rows = len(self.view.rows)
        position = max(0, min(position, rows - 1)) if rows else 0
        old, self.cursor = self.cursor, position
        if old == position:
            return NOTHING
        if self.visual is not None:
            return self._visual_follow(old)
        return Outcome(repaint=frozenset((old, position)))

    def move_by(self, delta: int) -> Outcome:
        return self.move_to(self.cursor + delta)

    def extend(self, delta: int) -> Outcome:
        """shift+arrow: select the file under the cursor, move, select the file moved to."""
        before = set(self.selected)
        self._end_visual()
        start = self.file
        moved = self.move_by(delta)
        chosen = [index for index in (start, self.file) if index is not None]
        self.selected.update(chosen)
        return self._changed(before, moved.repaint, chosen)

    # -- selecting -----------------------------------------------------------------------------

    def toggle(self) -> Outcome:
        """Space: flip the file under the cursor; on a heading, choose or drop its whole group."""
        self._end_visual()
        row = self.row
        if row is None:
            return NOTHING
        before = set(self.selected)
        if row >= 0:
            self.selected.symmetric_difference_update((row,))
            return self._changed(before, frozenset((self.cursor,)), (row,))
        group = self.view.group_at(row)
        assert group is not None
        return self._choose(group.members)

    def choose_all(self) -> Outcome:
        self._end_visual()
        before = len(self.selected)
        self.selected.update(self.view.shown)
        return EVERYTHING if len(self.selected) != before else NOTHING

    def choose_none(self) -> Outcome:
        self._end_visual()
        before = len(self.selected)
        self.selected.difference_update(self.view.shown)
        return EVERYTHING if len(self.selected) != before else NOTHING

    def invert(self) -> Outcome:
        self._end_visual()
        if not self.view.shown:
            return NOTHING
        self.selected.symmetric_difference_update(self.view.shown)
        return EVERYTHING

    def choose_alike(self, kind: str) -> Outcome:
        """`e` (same extension) or `t` (same day) as the file under the cursor, among those shown;
        if they are all chosen already, the same key drops them."""
        self._end_visual()
        index = self.file
        if index is None:
            return Outcome(refused="put the cursor on a file first")
        files, paths = self.view.files, self.view.paths
        if kind == "extension":
            wanted = extension_of(paths[index])
            alike = [i for i in self.view.shown if extension_of(paths[i]) == wanted]
        else:
            wanted = day_of(files[index])
            alike = [i for i in self.view.shown if day_of(files[i]) == wanted]
        return self._choose(alike)

    def _choose(self, indexes: Sequence[int]) -> Outcome:
        """Select all of `indexes`, or drop them all if every one is selected already."""
        if indexes and self.selected.issuperset(indexes):
            self.selected.difference_update(indexes)
        else:
            self.selected.update(indexes)
        return EVERYTHING if indexes else NOTHING

    def deselect(self, indexes: Iterable[int]) -> Outcome:
        before = len(self.selected)
        self.selected.difference_update(indexes)
        return EVERYTHING if len(self.selected) != before else NOTHING

    def _changed(self, before: set[int], repaint: frozenset[int] | None,
                 touched: Iterable[int]) -> Outcome:
        """An outcome for a change to a few files: their rows, and their groups' headings."""
        if before == self.selected:
            return Outcome(repaint=repaint)
        if repaint is None:
            return EVERYTHING
        rows = set(repaint)
        view = self.view
        for index in touched:
            position = view.position(index)
            if position is not None:
                rows.add(position)
            group = view.group_of(index)
            if group is not None:
                heading = view.position(-(group + 1))
                if heading is not None:
                    rows.add(heading)
        return Outcome(repaint=frozenset(rows), selection=True)

    # -- range mode ----------------------------------------------------------------------------

    def toggle_visual(self) -> Outcome:
        """`v`: start selecting a range at the cursor, or end it (keeping what it selected)."""
        if self.visual is not None:
            self._end_visual()
            return Outcome(repaint=frozenset((self.cursor,)))
        row = self.row
        if row is None:
            return NOTHING
        self.visual = Visual(row, set(self.selected))
        return self._visual_follow(self.cursor)

    def _visual_follow(self, old: int) -> Outcome:
        visual = self.visual
        assert visual is not None
        anchor = self.view.position(visual.anchor)
        if anchor is None:
            self.visual = None
            return Outcome(repaint=frozenset((old, self.cursor)))
        low, high = sorted((anchor, self.cursor))
        chosen = set(visual.base)
        chosen.update(row for row in self.view.rows[low:high + 1] if row >= 0)
        changed = chosen != self.selected
        self.selected = chosen
        if self.view.groups and changed:
            return EVERYTHING
        low, high = sorted((old, self.cursor))
        return Outcome(repaint=frozenset(range(low, high + 1)), selection=changed)

    def _end_visual(self) -> None:
        self.visual = None

    # -- what is shown -------------------------------------------------------------------------

    def set_view(self, **settings: object) -> Outcome:
        """Change sort, query, hide_downloaded or grouping; the cursor stays on its file."""
        view = self.view
        if all(getattr(view, name) == value for name, value in settings.items()):
            return NOTHING
        keep = self.row
        self._end_visual()
        for name, value in settings.items():
            setattr(view, name, value)
        view.rebuild()
        self._restore_cursor(keep)
        return Outcome(repaint=None, rows=True)

    def cycle(self, setting: str) -> Outcome:
        """`s` and the grouping key: the next sort order, or the next way of grouping."""
        choices: tuple = SORTS if setting == "sort" else GROUPINGS
        current = getattr(self.view, setting)
        return self.set_view(**{setting: choices[(choices.index(current) + 1) % len(choices)]})

    def collapse(self, collapsed: bool) -> Outcome:
        """Left folds the group under the cursor (its heading keeps the cursor), right unfolds."""
        view = self.view
        row = self.row
        if row is None or not view.groups:
            return NOTHING
        group = view.group_at(row) if row < 0 else view.groups[view.group_of(row) or 0]
        if (group.key in view.collapsed) == collapsed:
            return NOTHING
        number = view.groups.index(group)
        (view.collapsed.add if collapsed else view.collapsed.discard)(group.key)
        keep = -(number + 1) if collapsed else row
        self._end_visual()
        view.rebuild()
        self._restore_cursor(keep)
        return Outcome(repaint=None, rows=True)

    def _restore_cursor(self, row: int | None) -> None:
        position = self.view.position(row) if row is not None else None
        if position is not None:
            self.cursor = position
        else:
            self.cursor = max(0, min(self.cursor, len(self.view.rows) - 1))

    def reload(self, files: Sequence[CameraFile], paths: Sequence[str],
               earlier: Sequence[Path | None], selected: Collection[int],
               cursor_file: int | None) -> None:
        """A new catalogue: the settings stay, the cursor goes to `cursor_file` if shown."""
        old = self.view
        self.view = FileView(files, paths, earlier, old.sort, old.query, old.hide_downloaded,
                             old.grouping, set(old.collapsed))
        self.selected = set(selected)
        self.visual = None
        self.cursor = 0
        self._restore_cursor(cursor_file)

    def history_changed(self, earlier: Sequence[Path | None]) -> Outcome:
        """New ✓ marks after a download; hidden-downloaded views lose the files just done."""
        keep = self.row
        self.view.earlier = earlier
        if self.view.hide_downloaded:
            self._end_visual()
            self.view.rebuild()
            self._restore_cursor(keep)
            return Outcome(repaint=None, rows=True)
        return Outcome(repaint=None)
