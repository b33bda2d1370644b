"""The camera's files as a multi-select list: ✓ (downloaded before), path, size, capture time.

A `SelectionList` renders only the rows on screen once built and handles 10,000 rows (a big
card) in about a quarter of a second; a line-API view for 100,000 rows is the full TUI's job.
Option values are indexes into the catalogue's file list, so the selection maps straight back to
camera files. `a` and `n` are bound here, not on the screen, so they type letters in the spec
fields and only select when the list has focus.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from rich.text import Text
from textual.binding import Binding
from textual.widgets import SelectionList

from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.app.units import size

DOWNLOADED_MARK = "✓"
SIZE_WIDTH = 9


def captured_text(file: CameraFile) -> str:
    return file.captured.strftime("%Y-%m-%d %H:%M:%S") if file.captured else "date unknown"


def shown_path(file: CameraFile, several_slots: bool) -> str:
    return f"[{file.slot}] {file.path}" if several_slots else file.path


def file_prompt(file: CameraFile, earlier: Path | None, path_width: int,
                several_slots: bool) -> Text:
    mark = DOWNLOADED_MARK if earlier is not None else " "
    prompt = Text(no_wrap=True, overflow="ellipsis")
    prompt.append(f"{mark} ", style="bold green" if earlier is not None else "")
    prompt.append(f"{shown_path(file, several_slots):<{path_width}}  ")
    prompt.append(f"{size(file.size):>{SIZE_WIDTH}}  ", style="dim" if earlier is not None else "")
    prompt.append(captured_text(file), style="dim")
    return prompt


def header_text(path_width: int) -> str:
    return f"  {'Camera file':<{path_width}}  {'Size':>{SIZE_WIDTH}}  Captured"


class FileList(SelectionList[int]):
    BINDINGS = [
        Binding("a", "select_all", "All"),
        Binding("n", "select_none", "None"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.path_width = len("Camera file")
        self._several_slots = False

    def show_files(self, files: Sequence[CameraFile], earlier: Sequence[Path | None],
                   selected: Collection[int] = ()) -> None:
        """Replace the rows; `selected` are the indexes to tick (e.g. kept across a reload)."""
        self._several_slots = len({file.slot for file in files}) > 1
        self.path_width = max([len("Camera file")] + [
            len(shown_path(file, self._several_slots)) for file in files])
        self.clear_options()
        ticked = set(selected)
        self.add_options([
            (file_prompt(file, before, self.path_width, self._several_slots), index,
             index in ticked)
            for index, (file, before) in enumerate(zip(files, earlier))])

    def mark_downloaded(self, files: Sequence[CameraFile],
                        earlier: Sequence[Path | None]) -> None:
        """Redraw the ✓ column after a download, keeping the selection and the cursor."""
        for index, (file, before) in enumerate(zip(files, earlier)):
            self.replace_option_prompt_at_index(
                index, file_prompt(file, before, self.path_width, self._several_slots))

    @property
    def selected_indexes(self) -> list[int]:
        """Selected rows in list order (SelectionList keeps them in the order they were ticked)."""
        return sorted(self.selected)

    def action_select_all(self) -> None:
        self.select_all()

    def action_select_none(self) -> None:
        self.deselect_all()
