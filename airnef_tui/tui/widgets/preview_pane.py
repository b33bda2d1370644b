"""The rename pane: name and folder specs, a preset picker, the output folder, and the live preview.

The preview is the same `PreviewModel` that `transfer.plan` uses to name the files of a run, fed
the same facts (already-downloaded files left out and unnumbered, counters from the history), so
what the pane shows is what the download writes. Typing is debounced: the model is updated once
the keys stop for `DEBOUNCE_SECONDS`, not on each key, which keeps a slow SSH link and a Pi's CPU
out of the way of fast typing. A download request applies any pending change first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static

from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.app.download import run_timestamp
from airnef_tui.rename import CompiledSpec, PresetError
from airnef_tui.rename.presets import BUILTIN_PRESETS, Preset, all_presets
from airnef_tui.rename.preview import PreviewModel
from airnef_tui.transfer.plan import Naming, file_facts
from airnef_tui.app.camera_access import Catalogue
from airnef_tui.tui.widgets.preview_list import LEGEND, PreviewList
from airnef_tui.tui.widgets.spec_field import SpecField

DEBOUNCE_SECONDS = 0.08
IF_EXISTS = "uniquename"  # as `get` defaults: an existing file is never overwritten
NOTHING_SELECTED = "Select files (space; a = all) to preview their targets."


class NotReady(Exception):
    """A download cannot start yet; the message says what to fix."""


@dataclass(frozen=True)
class DownloadRequest:
    files: list[CameraFile]
    naming: Naming


class PreviewPane(Vertical):
    def __init__(self, output_dir: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.initial_output = output_dir
        self.catalogue: Catalogue | None = None
        self.selection: list[int] = []
        self.model: PreviewModel | None = None
        self.presets: list[Preset] = list(BUILTIN_PRESETS)
        self._preset_problem = ""
        # The last specs that compiled: shown (dimmed) while the typed text has an error.
        self._name_spec: CompiledSpec | None = None
        self._dir_spec: CompiledSpec | None = None
        self._output_dir: Path | None = output_dir
        self._files_changed = True
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        yield SpecField("Name", "file", id="name-spec", placeholder="empty = the camera's names")
        yield SpecField("Folder", "dir", id="dir-spec", placeholder="empty = no sub-folder")
        with Horizontal(classes="field-row"):
            yield Label("Preset", classes="field-label")
            yield Select([], prompt="choose a preset to fill both specs", compact=True,
                         id="preset")
        with Vertical(classes="spec-field"):
            with Horizontal(classes="field-row"):
                yield Label("Into", classes="field-label")
                output = Input(str(self.initial_output), compact=True, id="output")
                output.cursor_blink = False
                yield output
            yield Static("", classes="spec-error", id="output-error")
        yield PreviewList(id="preview-list")
        yield Static("", id="preview-status")
        yield Static("", id="legend")

    def on_mount(self) -> None:
        try:
            self.presets = all_presets()
        except PresetError as error:
            self._preset_problem = str(error)
            self.notify(f"Your presets could not be read: {error}", severity="warning")
        self.query_one("#preset", Select).set_options(
            (f"{preset.name}: {preset.description}", preset.name) for preset in self.presets)
        self.query_one("#output-error").display = False
        self.query_one("#legend", Static).update(self._legend())
        self._apply()

    # -- inputs from the browser -----------------------------------------------------------------

    def set_catalogue(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.selection = []
        self._files_changed = True
        self._schedule()

    def set_selection(self, indexes: list[int]) -> None:
        self.selection = indexes
        self._files_changed = True
        self._schedule()

    def history_changed(self) -> None:
        """The catalogue's ✓ marks or counters changed: renumber and re-plan."""
        self._files_changed = True
        self._schedule()

    # -- typing ----------------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id == "output":
            self._files_changed = True
        else:
            self._forget_preset_if_edited()
        self._schedule()

    @on(Select.Changed, "#preset")
    def _preset_chosen(self, event: Select.Changed) -> None:
        preset = self._preset(event.value)
        if preset is None:
            return
        self.query_one("#name-spec", SpecField).input.value = preset.file_spec
        self.query_one("#dir-spec", SpecField).input.value = preset.dir_spec

    def _preset(self, name: object) -> Preset | None:
        return next((preset for preset in self.presets if preset.name == name), None)

    def _forget_preset_if_edited(self) -> None:
        select = self.query_one("#preset", Select)
        preset = self._preset(select.value)
        if preset is not None and (preset.file_spec, preset.dir_spec) != (
                self.query_one("#name-spec", SpecField).text,
                self.query_one("#dir-spec", SpecField).text):
            select.clear()

    def _schedule(self) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(DEBOUNCE_SECONDS, self._apply)

    # -- applying --------------------------------------------------------------------------------

    def apply_now(self) -> None:
        """Bring the preview up to date at once (before a download, or in tests)."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        self._apply()

    def _apply(self) -> None:
        self._pending = None
        name_field = self.query_one("#name-spec", SpecField)
        dir_field = self.query_one("#dir-spec", SpecField)
        specs_valid = name_field.compile() & dir_field.compile()
        if specs_valid:
            self._name_spec, self._dir_spec = name_field.spec, dir_field.spec
        output_dir = self._read_output_dir()
        if output_dir != self._output_dir:
            self._output_dir = output_dir
            self._files_changed = True
        preview = self.query_one(PreviewList)
        preview.set_class(not specs_valid or output_dir is None, "-stale")
        if self.catalogue is None or self._output_dir is None:
            self.model = None
        elif self._files_changed or self.model is None:
            self.model = PreviewModel(self._output_dir, self._facts(), exists=os.path.lexists,
                                      policy=IF_EXISTS, name_spec=self._name_spec,
                                      dir_spec=self._dir_spec)
        else:
            self.model.set_specs(self._name_spec, self._dir_spec)
        self._files_changed = False
        preview.show(self.model, "" if self.catalogue is None else NOTHING_SELECTED)
        self.query_one("#preview-status", Static).update(self._status())

    def _read_output_dir(self) -> Path | None:
        text = self.query_one("#output", Input).value.strip()
        caption = self.query_one("#output-error", Static)
        caption.display = not text
        caption.update("✗ choose a folder to download into" if not text else "")
        return Path(text).expanduser().absolute() if text else None

    def _fresh_files(self) -> list[CameraFile]:
        """Selected files the history does not know: the ones the run numbers and downloads."""
        catalogue = self.catalogue
        assert catalogue is not None
        return [catalogue.files[i] for i in self.selection if catalogue.earlier[i] is None]

    def _facts(self):
        catalogue = self.catalogue
        assert catalogue is not None and self._output_dir is not None
        now = run_timestamp()
        return [file_facts(file, catalogue.camera, downloaded_at=now,
                           output_dir=self._output_dir, number=number,
                           counters=catalogue.counters)
                for number, file in enumerate(self._fresh_files(), 1)]

    def _status(self) -> Text:
        text = Text()
        problems = [field for field in self.query(SpecField) if not field.valid]
        if problems:
            text.append(f"✗ fix the {problems[0].label.lower()} spec; the preview shows the "
                        "last valid one", style="bold red")
            return text
        if self.catalogue is None or self.model is None or not self.selection:
            return text
        already = len(self.selection) - len(self.model)
        text.append(f"{len(self.model)} to download")
        if already:
            text.append(f", {already} already downloaded (skipped)", style="dim")
        if self.model.duplicate_count:
            text.append(f", {self.model.duplicate_count} with a taken name (!)", style="yellow")
        if self.model.error_count:
            text.append(f", {self.model.error_count} without a usable name (✗)", style="red")
        return text

    def _legend(self) -> Text:
        preview = self.query_one(PreviewList)
        legend = Text()
        for category, meaning in LEGEND:
            if legend:
                legend.append(" · ", style="dim")
            legend.append(meaning, style=preview.category_style(category))
        return legend

    # -- the download ----------------------------------------------------------------------------

    def download_request(self) -> DownloadRequest:
        """The selected files and naming for a run; raises NotReady saying what to fix."""
        self.apply_now()
        for field in self.query(SpecField):
            if field.error is not None:
                raise NotReady(f"Fix the {field.label.lower()} spec first: {field.error.message}")
        if self._output_dir is None:
            raise NotReady("Choose a folder to download into first.")
        if self.catalogue is None:
            raise NotReady("The camera's files are not listed yet.")
        if not self.selection:
            raise NotReady("Select files first: space toggles one, a selects all.")
        naming = Naming(self._output_dir, name_spec=self._name_spec, dir_spec=self._dir_spec,
                        if_exists=IF_EXISTS)
        return DownloadRequest([self.catalogue.files[i] for i in self.selection], naming)
