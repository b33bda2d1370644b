"""What one row of the file list says, fitted to the width it gets: text only, no widgets.

A row is a checkbox, the ✓ of a file downloaded before, the camera path, the size and the capture
date. When the list is narrow the columns give way in order of importance: the date shortens
first (down to nothing), then the folder part of the path, then the name itself, cut in the middle
so its extension stays; the size keeps its unit. Camera names are untrusted: they are shown with
the rename preview's own cleaning (`clean_characters` after NFC), so a U+202E or an escape
sequence in a name never reaches the terminal and the list and the preview show the same name.
Widths are counted in terminal cells, so wide characters cut cleanly.
"""

from __future__ import annotations

import locale
import os
import sys
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from rich.cells import cell_len

from airnef_tui.app.units import size as size_text
from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.rename.pathsafe import clean_characters

ELLIPSIS = "…"
SIZE_WIDTH = 9  # "1000.0 kB", "999 Bytes": humanize's longest, so the unit is never cut
PATH_FLOOR = 8  # below this a path says nothing; the size goes first
NAME_ROOM = 16  # a path column this wide (plus "…/") shows any ordinary camera name whole
#: Capture date formats from widest to narrowest; the widest that leaves the path its room wins.
DATE_FORMATS = (
    (19, "%Y-%m-%d %H:%M:%S"), (16, "%Y-%m-%d %H:%M"), (10, "%Y-%m-%d"), (8, "%y-%m-%d"),
)


@dataclass(frozen=True)
class Glyphs:
    """The marks a row uses; ASCII ones for terminals whose locale cannot show the others."""

    off: str
    on: str
    some: str  # a group with some of its files selected
    done: str  # downloaded before
    open: str  # an expanded group
    closed: str  # a collapsed group
    up: str
    down: str

    @property
    def check_width(self) -> int:
        return cell_len(self.on) + 1


UNICODE = Glyphs(off="☐", on="☑", some="◪", done="✓", open="▾", closed="▸", up="▴",
                 down="▾")
ASCII = Glyphs(off="[ ]", on="[x]", some="[-]", done="*", open="-", closed="+", up="^", down="v")


def _locale_name() -> str:
    """The character-type locale the terminal was started with, as the environment names it.

    Python coerces a plain C locale to C.UTF-8 (PEP 538) and says so in LC_CTYPE; the terminal
    behind such a session was never promised UTF-8, so the coerced name counts as "C".
    """
    lc_all, lc_ctype, lang = (os.environ.get(name, "") for name in ("LC_ALL", "LC_CTYPE", "LANG"))
    if lc_all:
        return lc_all
    if lc_ctype == "C.UTF-8" and lang in ("C", "POSIX"):
        return lang
    return lc_ctype or lang


def terminal_glyphs() -> Glyphs:
    """UNICODE when the locale and the UI's output stream both speak UTF-8, else ASCII.

    Textual writes the UI to the original stderr, so that stream's encoding is the one that
    counts; `AIRNEF_TUI_ASCII=1` forces the ASCII marks (e.g. for a terminal that lies).
    """
    if os.environ.get("AIRNEF_TUI_ASCII", "") not in ("", "0"):
        return ASCII
    name = _locale_name().replace("-", "").lower()
    if name and "utf8" not in name:
        return ASCII
    stream = sys.__stderr__ or sys.stdout
    encoding = getattr(stream, "encoding", None) or locale.getpreferredencoding(False)
    try:
        (UNICODE.on + UNICODE.off + UNICODE.done + ELLIPSIS).encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return ASCII
    return UNICODE


def clean_path(file: CameraFile, several_slots: bool) -> str:
    """The camera path as the rename preview would show its parts: NFC, unsafe characters `_`."""
    parts = [clean_characters(unicodedata.normalize("NFC", part)) if not part.isascii()
             else clean_characters(part) for part in file.path.split("/")]
    path = "/".join(parts)
    return f"[{file.slot}] {path}" if several_slots else path


def _take(text: str, cells: int, from_end: bool = False) -> str:
    """The longest head (or tail) of `text` that fits in `cells` terminal cells."""
    if cells <= 0:
        return ""
    if text.isascii():
        return text[-cells:] if from_end else text[:cells]
    chars = reversed(text) if from_end else iter(text)
    taken: list[str] = []
    used = 0
    for char in chars:
        width = cell_len(char)
        if used + width > cells:
            break
        taken.append(char)
        used += width
    return "".join(reversed(taken)) if from_end else "".join(taken)


def cut_middle(text: str, width: int, keep_end: int = 0) -> str:
    """`text` in at most `width` cells, its middle replaced by … when it does not fit.

    `keep_end` cells of the end survive if there is any room (a name's extension).
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = width - 1
    tail = max(room // 2, min(keep_end, room - 1))
    return _take(text, room - tail) + ELLIPSIS + _take(text, tail, from_end=True)


def fit_path(path: str, width: int) -> str:
    """The path in `width` cells: whole if it fits, else the folder is cut before the name is."""
    if cell_len(path) <= width:
        return path
    folder, slash, name = path.rpartition("/")
    extension = name.rpartition(".")[2] if "." in name else ""
    keep = min(cell_len(extension) + 1, 8) if extension else 0
    name_cells = cell_len(name)
    if slash and name_cells + 3 <= width:
        return cut_middle(folder, width - name_cells - 1) + "/" + name
    return cut_middle(name, width, keep_end=keep)


@dataclass(frozen=True)
class Columns:
    """Where each part of a row goes at one width (0 = the column is left out)."""

    width: int
    check: int
    mark: int
    path: int
    size: int
    date: int
    date_format: str


def path_room(natural: int, longest_name: int) -> int:
    """How wide the path column wants to be before the date may take any of it."""
    return min(natural, max(min(longest_name, NAME_ROOM) + 3, 12))


def fit_columns(width: int, glyphs: Glyphs, natural_path: int, longest_name: int) -> Columns:
    """The widest layout that fits `width` cells, giving way in order of importance."""
    check, mark = glyphs.check_width, cell_len(glyphs.done) + 1
    room = max(width - check - mark, 0)
    wanted = path_room(natural_path, longest_name)
    size = SIZE_WIDTH if room >= PATH_FLOOR + 1 + SIZE_WIDTH else 0
    left = room - (size + 1 if size else 0)
    for date, date_format in DATE_FORMATS:
        if left - date - 1 >= wanted:
            return Columns(width, check, mark, min(natural_path, left - date - 1), size, date,
                           date_format)
    return Columns(width, check, mark, max(min(natural_path, left), 0), size, 0, "")


def date_text(captured: datetime | None, columns: Columns) -> str:
    if captured is None:
        return "no date"[:columns.date] if columns.date >= 7 else "?"
    return captured.strftime(columns.date_format)


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells (cut if longer)."""
    cells = cell_len(text)
    if cells > width:
        text, cells = _take(text, width), cell_len(_take(text, width))
    fill = " " * (width - cells)
    return fill + text if right else text + fill


Part = tuple[str, str]  # (text, role): the widget styles each role


def file_parts(file: CameraFile, path: str, selected: bool, downloaded: bool,
               columns: Columns, glyphs: Glyphs) -> list[Part]:
    """One file's row: every part padded to its column, roles naming how to style them.

    `path` is the cleaned path already fitted to the column (`fit_path`), which the list caches.
    """
    check = (glyphs.on if selected else glyphs.off) + " "
    parts: list[Part] = [(pad(check, columns.check), "check-on" if selected else "check")]
    parts.append((pad(glyphs.done if downloaded else "", columns.mark), "done"))
    parts.append((pad(path, columns.path), "path"))
    if columns.size:
        parts.append((" " + pad(size_text(file.size), columns.size, right=True), "size"))
    if columns.date:
        parts.append((" " + pad(date_text(file.captured, columns), columns.date), "date"))
    return parts


def header_parts(columns: Columns, sort: str, glyphs: Glyphs) -> list[Part]:
    """The column titles, the sorted column marked with an arrow (size sorts largest first)."""
    def title(text: str, key: str) -> str:
        if sort != key:
            return text
        return f"{text} {glyphs.down if key == 'size' else glyphs.up}"

    lead = " " * (columns.check + columns.mark)
    name_title = "Camera file" if sort != "folder" else title("Camera file (folder)", "folder")
    parts: list[Part] = [(lead + pad(title(name_title, "name"), columns.path), "title")]
    if columns.size:
        parts.append((" " + pad(title("Size", "size"), columns.size, right=True), "title"))
    if columns.date:
        label = "Captured" if columns.date >= 10 else "Date"
        parts.append((" " + pad(title(label, "time"), columns.date), "title"))
    return parts


def group_parts(label: str, total: int, chosen: int, nbytes: int, collapsed: bool,
                columns: Columns, glyphs: Glyphs) -> list[Part]:
    """A folder or day heading: its checkbox (all, some or none chosen), name and counts."""
    mark = glyphs.on if chosen == total and total else glyphs.some if chosen else glyphs.off
    arrow = glyphs.closed if collapsed else glyphs.open
    counts = f"{total} file{'s' if total != 1 else ''}"
    if chosen:
        counts += f", {chosen} selected"
    counts += f", {size_text(nbytes)}"
    head = pad(mark + " ", columns.check) + arrow + " "
    room = max(columns.width - cell_len(head) - cell_len(counts) - 2, 4)
    return [(head, "check-on" if chosen else "check"),
            (cut_middle(label, room), "group"), ("  " + counts, "group-count")]
