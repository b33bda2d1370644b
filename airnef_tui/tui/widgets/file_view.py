"""Which of the card's files the list shows, in which order, under which headings.

The view is derived from the catalogue and four settings (sort, filter text, hide downloaded,
grouping) and is rebuilt whole when one changes; it never holds the selection, so filtering,
sorting or hiding changes what is shown and never what is chosen. Rows are plain ints, cheap for
100,000 files: a catalogue index (>= 0) for a file, `-(g + 1)` for the heading of group `g`.
Nothing here imports textual, so the rules are tested without a terminal.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from airnef_tui.camera.catalogue import CameraFile

#: Sort orders `s` cycles through; "time" is the catalogue's own order (oldest shot first).
SORTS = ("time", "name", "size", "folder")
SORT_LABELS = {"time": "capture time", "name": "name", "size": "size, largest first",
               "folder": "folder"}
GROUPINGS = (None, "folder", "day")
NO_DATE = "no capture date"


def extension_of(path: str) -> str:
    """The extension `e` picks by, case-folded: "nef" for DSC_0001.NEF, "" for none."""
    name = posixpath.basename(path)
    return name.rpartition(".")[2].casefold() if "." in name.lstrip(".") else ""


def day_of(file: CameraFile) -> str:
    return file.captured.strftime("%Y-%m-%d") if file.captured else NO_DATE


def folder_of(path: str) -> str:
    """The folder part of a shown path ("[2] DCIM/100NIKON"), or "/" for the card's root."""
    folder = path.rpartition("/")[0]
    if path.startswith("[") and "/" not in path:
        folder = path.partition(" ")[0] + " /"
    return folder or "/"


@dataclass
class Group:
    key: str
    members: list[int]  # catalogue indexes, in the view's sort order
    nbytes: int = 0


@dataclass
class FileView:
    """The rows on show. `paths` are the cleaned paths the rows print (and the filter searches).
    """

    files: Sequence[CameraFile]
    paths: Sequence[str]
    earlier: Sequence[Path | None]
    sort: str = "time"
    query: str = ""
    hide_downloaded: bool = False
    grouping: str | None = None
    collapsed: set[str] = field(default_factory=set)
    rows: list[int] = field(default_factory=list)
    shown: list[int] = field(default_factory=list)  # files that pass the filter, collapsed or not
    groups: list[Group] = field(default_factory=list)
    _orders: dict[str, list[int]] = field(default_factory=dict)
    _haystacks: list[str] | None = None
    _positions: dict[int, int] | None = None
    _group_of: dict[int, int] | None = None

    def __post_init__(self) -> None:
        self.rebuild()

    # -- building ----------------------------------------------------------------------------

    def order(self, sort: str) -> list[int]:
        """Catalogue indexes in `sort` order, worked out once per catalogue."""
        cached = self._orders.get(sort)
        if cached is not None:
            return cached
        files, paths = self.files, self.paths
        indexes = range(len(files))
        if sort == "name":
            key = lambda i: (posixpath.basename(paths[i]).casefold(), paths[i], i)  # noqa: E731
        elif sort == "size":
            key = lambda i: (-files[i].size, i)  # noqa: E731
        elif sort == "folder":
            key = lambda i: (folder_of(paths[i]).casefold(),  # noqa: E731
                             posixpath.basename(paths[i]).casefold(), i)
        else:
            self._orders[sort] = list(indexes)
            return self._orders[sort]
        self._orders[sort] = sorted(indexes, key=key)
        return self._orders[sort]

    def haystack(self, index: int) -> str:
        """What `/` searches for one file: its shown path and capture date, case-folded."""
        if self._haystacks is None:
            self._haystacks = [
                f"{path} {file.captured:%Y-%m-%d %H:%M:%S}".casefold() if file.captured
                else f"{path} {NO_DATE}".casefold()
                for file, path in zip(self.files, self.paths)]
        return self._haystacks[index]

    def _passes(self) -> list[int]:
        order = self.order(self.sort)
        earlier = self.earlier
        if self.hide_downloaded:
            order = [i for i in order if earlier[i] is None]
        words = self.query.casefold().split()
        if words and self.files:
            self.haystack(0)  # builds them all
            hays = self._haystacks or []
            order = [i for i in order if all(word in hays[i] for word in words)]
        return order

    def _group_key(self, index: int) -> str:
        if self.grouping == "day":
            return day_of(self.files[index])
        return folder_of(self.paths[index])

    def rebuild(self) -> None:
        """Work out the rows again after a setting, the catalogue or the history changed."""
        self.shown = self._passes()
        self._positions = None
        self._group_of = None
        if self.grouping is None:
            self.groups = []
            self.rows = self.shown
            return
        by_key: dict[str, Group] = {}
        for index in self.shown:
            key = self._group_key(index)
            group = by_key.get(key)
            if group is None:
                group = by_key[key] = Group(key, [])
            group.members.append(index)
            group.nbytes += self.files[index].size
        self.groups = sorted(by_key.values(), key=lambda g: (g.key == NO_DATE, g.key.casefold()))
        rows: list[int] = []
        for number, group in enumerate(self.groups):
            rows.append(-(number + 1))
            if group.key not in self.collapsed:
                rows.extend(group.members)
        self.rows = rows

    # -- looking things up -------------------------------------------------------------------

    def position(self, row: int) -> int | None:
        """Where a file (or group heading) is in `rows`, or None if it is not shown."""
        if self._positions is None:
            self._positions = {row: position for position, row in enumerate(self.rows)}
        return self._positions.get(row)

    def group_of(self, index: int) -> int | None:
        """The number of the group a shown file belongs to (None when not grouped)."""
        if not self.groups:
            return None
        if self._group_of is None:
            self._group_of = {member: number for number, group in enumerate(self.groups)
                              for member in group.members}
        return self._group_of.get(index)

    def group_at(self, row: int) -> Group | None:
        return self.groups[-row - 1] if row < 0 else None

    def summary(self) -> str:
        """The settings in words, for the line above the list."""
        parts = []
        if self.query:  # first: on a narrow screen the end of the line is cut
            parts.append(f"filter “{self.query}”: {len(self.shown)} of {len(self.files)} match")
        parts.append(f"sorted by {SORT_LABELS[self.sort]}")
        if self.grouping:
            parts.append(f"grouped by {self.grouping} ({len(self.groups)})")
        if self.hide_downloaded:
            hidden = sum(1 for earlier in self.earlier if earlier is not None)
            parts.append(f"{hidden} downloaded hidden")
        return " · ".join(parts)
