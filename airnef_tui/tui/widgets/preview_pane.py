"""The rename pane: name and folder specs, a preset picker, the output folder, and the live preview.

The preview is the same `PreviewModel` that `transfer.plan` uses to name the files of a run, fed
the same facts (already-downloaded files left out and unnumbered, counters from the history), so
what the pane shows is what the download writes. A change after a pause is shown at once, so a
paced keystroke settles as fast as the model evaluates; keys that follow within
`DEBOUNCE_SECONDS` (fast typing, a burst over SSH) are gathered into one update once they stop,
which keeps a slow link and a Pi's CPU out of the way of fast typing. A download request applies
any pending change first.

Presets (keys work while the pane has focus; ids for `[tui.keys]` in brackets): ctrl+o or Enter on
the Preset line opens the picker [presets.choose]; a preset replaces both specs, and ctrl+z puts
back what was there [presets.undo], so picking one over specs typed by hand loses nothing; ctrl+s
saves the current specs as a named preset in config.toml [presets.save]. The line shows which
preset the specs match (a typed spec equal to a preset's shows that preset). The specs the pane
starts with come from the app's settings: config.toml's `[tui]` section and the command line.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Static

from airnef_tui import paths
from airnef_tui.camera.catalogue import CameraFile
from airnef_tui.app.download import run_timestamp
from airnef_tui.config import TuiSettings
from airnef_tui.rename import CompiledSpec, PresetError
from airnef_tui.rename.presets import BUILTIN_PRESETS, Preset, all_presets, save_user_preset
from airnef_tui.rename.preview import PreviewModel
from airnef_tui.transfer.plan import Naming, file_facts
from airnef_tui.app.camera_access import Catalogue
from airnef_tui.tui.widgets.preset_picker import PresetPicker, PresetRow, SavePresetScreen
from airnef_tui.tui.widgets.preview_list import LEGEND, PreviewList
from airnef_tui.tui.widgets.spec_field import SpecField
from airnef_tui.tui.widgets.text_line import show_text

DEBOUNCE_SECONDS = 0.08
IF_EXISTS = "uniquename"  # as `get` defaults: an existing file is never overwritten
NOTHING_SELECTED = "Select files (space; a = all) to preview their targets."
MAX_PROBLEMS_SHOWN = 3  # one notification per bad preset, but not a screenful of them


class NotReady(Exception):
    """A download cannot start yet; the message says what to fix."""


@dataclass(frozen=True)
class DownloadRequest:
    files: list[CameraFile]
    naming: Naming


@dataclass(frozen=True)
class PresetUndo:
    """The specs before a preset replaced them, and what it put there: undo only while the
    fields still hold the preset's specs, so ctrl+z never throws away later typing."""

    before: tuple[str, str]
    after: tuple[str, str]
    picked_before: str | None


class PreviewPane(Vertical):
    BINDINGS = [
        Binding("ctrl+o", "choose_preset", "Presets", id="presets.choose"),
        Binding("ctrl+s", "save_preset", "Save preset", id="presets.save"),
        Binding("ctrl+z", "undo_preset", "Undo preset", id="presets.undo"),
    ]

    def __init__(self, output_dir: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.initial_output = output_dir
        self.catalogue: Catalogue | None = None
        self.selection: list[int] = []
        self.model: PreviewModel | None = None
        self.presets: list[Preset] = list(BUILTIN_PRESETS)
        self.settings = TuiSettings()
        self._picked: str | None = None  # the preset last chosen (or named by the settings)
        self._undo: list[PresetUndo] = []
        self._undo_offered = False
        # The last specs that compiled: shown (dimmed) while the typed text has an error.
        self._name_spec: CompiledSpec | None = None
        self._dir_spec: CompiledSpec | None = None
        self._output_dir: Path | None = output_dir
        self._files_changed = True
        self._pending: Timer | None = None
        self._applied_at = -DEBOUNCE_SECONDS  # monotonic seconds of the last update

    def compose(self) -> ComposeResult:
        yield SpecField("Name", "file", id="name-spec", placeholder="empty = the camera's names")
        yield SpecField("Folder", "dir", id="dir-spec", placeholder="empty = no sub-folder")
        yield PresetRow(classes="field-row")
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
        settings = getattr(self.app, "settings", None)
        if isinstance(settings, TuiSettings):
            self.settings = settings
        self._load_presets(report=True)
        self._picked = self.settings.preset
        self.query_one("#name-spec", SpecField).input.value = self.settings.file_spec or ""
        self.query_one("#dir-spec", SpecField).input.value = self.settings.dir_spec or ""
        self.query_one("#output-error").display = False
        self.query_one("#legend", Static).update(self._legend())
        self._apply()
        self._watch_typing()

    @property
    def config_path(self) -> Path:
        """Where presets are read and saved: the launcher's choice (the demo keeps the user's
        own file although its history lives elsewhere), else the usual place."""
        return self.settings.config_path or paths.config_path()

    def _load_presets(self, *, report: bool) -> None:
        """Built-ins and the user's good presets; each skipped one is named, with why."""
        loaded = all_presets(self.config_path)
        self.presets = loaded.presets
        if not report:
            return
        where = self.config_path
        for problem in loaded.problems[:MAX_PROBLEMS_SHOWN]:
            title = "Preset skipped" if problem.name is not None else "Presets not read"
            self.notify(f"{problem} (in {where})", title=title, severity="warning", timeout=15,
                        markup=False)
        hidden = len(loaded.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            self.notify(f"and {hidden} more preset(s) skipped: see {where}", severity="warning",
                        timeout=15, markup=False)

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

    def _watch_typing(self) -> None:
        """Follow each field's value as it is set, inside the key's own handling, rather than
        through `Input.Changed`: that message arrives after the screen has drawn the typed
        letter, so the preview went out a frame later (a paced spec keystroke settled in
        ~55 ms at 120×40 instead of ~30)."""
        for field in self.query(Input):
            self.watch(field, "value", self._follower(field), init=False)

    def _follower(self, field: Input) -> Callable[[], None]:
        def typed() -> None:  # no parameters: Textual passes a watcher only what it asks for
            self._typed(field)
        return typed

    def _typed(self, field: Input) -> None:
        if field.id == "output":
            self._files_changed = True
        self._schedule()

    def _schedule(self) -> None:
        if self._pending is not None:
            self._pending.stop()
        elif time.monotonic() - self._applied_at >= DEBOUNCE_SECONDS:
            self._apply()  # the first change after a pause: no wait
            return
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
        self._applied_at = time.monotonic()
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
        show_text(self.query_one("#preview-status", Static), self._status())
        self._show_preset()

    def _read_output_dir(self) -> Path | None:
        text = self.query_one("#output", Input).value.strip()
        caption = self.query_one("#output-error", Static)
        caption.display = not text
        show_text(caption, "✗ choose a folder to download into" if not text else "")
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

    # -- presets ---------------------------------------------------------------------------------

    def _specs(self) -> tuple[str, str]:
        return (self.query_one("#name-spec", SpecField).text,
                self.query_one("#dir-spec", SpecField).text)

    def _preset(self, name: str | None) -> Preset | None:
        return next((preset for preset in self.presets if preset.name == name), None)

    def matching_preset(self) -> Preset | None:
        """The preset whose specs are in the fields: the one picked last if it still matches,
        else the first that does (so "camera-names" when both fields are empty)."""
        specs = self._specs()
        candidates = [self._preset(self._picked), *self.presets]
        return next((preset for preset in candidates
                     if preset is not None and (preset.file_spec, preset.dir_spec) == specs),
                    None)

    def _key_for(self, binding_id: str) -> str:
        """The key that runs one of the pane's bindings, after the user's `[tui.keys]`."""
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        key = self.settings.keys.get(binding_id, binding.key).split(",")[0]
        return self.app.get_key_display(binding.with_key(key))

    def _show_preset(self) -> None:
        self.query_one(PresetRow).show(self.matching_preset(), self._key_for("presets.choose"))
        offered = self._can_undo()
        if offered != self._undo_offered:  # the footer repaints only when this changes
            self._undo_offered = offered
            self.refresh_bindings()

    def _can_undo(self) -> bool:
        return bool(self._undo) and self._undo[-1].after == self._specs()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_preset":
            return self._can_undo()  # otherwise ctrl+z is left to whatever else binds it
        return True

    @on(Button.Pressed, "#preset")
    def _preset_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose_preset()

    def action_choose_preset(self) -> None:
        current = self.matching_preset()
        self.app.push_screen(PresetPicker(self.presets, current.name if current else None),
                             self._chosen)

    def _chosen(self, name: str | None) -> None:
        if name is not None:
            self.apply_preset(name)

    def apply_preset(self, name: str) -> None:
        """Fill both specs from the preset `name`. What it replaces can be put back (ctrl+z),
        and replacing specs that match no preset (typed by hand) says so."""
        preset = self._preset(name)
        if preset is None:
            raise PresetError(f"no preset named {name!r}")
        before, after = self._specs(), (preset.file_spec, preset.dir_spec)
        typed = self.matching_preset() is None
        if before != after:
            self._undo.append(PresetUndo(before, after, self._picked))
        self._picked = name
        self._set_specs(after)
        if before != after and typed:
            self.notify(f"Preset {name!r} replaced the specs you typed; "
                        f"{self._key_for('presets.undo')} puts them back.", markup=False)

    def _set_specs(self, specs: tuple[str, str]) -> None:
        self.query_one("#name-spec", SpecField).input.value = specs[0]
        self.query_one("#dir-spec", SpecField).input.value = specs[1]
        self.apply_now()

    def action_undo_preset(self) -> None:
        if not self._can_undo():
            self._undo.clear()
            return
        undo = self._undo.pop()
        self._picked = undo.picked_before
        self._set_specs(undo.before)
        self.notify("The specs are back as they were before the preset.", markup=False)

    def action_save_preset(self) -> None:
        self.apply_now()
        for field in self.query(SpecField):
            if field.error is not None:
                self.app.bell()
                self.notify(f"Fix the {field.label.lower()} spec before saving it as a preset: "
                            f"{field.error.message}", severity="error", markup=False)
                return
        picked = self.matching_preset() or self._preset(self._picked)
        suggestion = picked if picked is not None and not picked.builtin else None
        file_spec, dir_spec = self._specs()
        self.app.push_screen(SavePresetScreen(file_spec, dir_spec, self.presets, suggestion),
                             self._save)

    def _save(self, preset: Preset | None) -> None:
        if preset is None:
            return
        try:
            save_user_preset(preset, self.config_path)
        except PresetError as error:
            self.notify(str(error), title="Preset not saved", severity="error", markup=False)
            return
        self._load_presets(report=False)
        self._picked = preset.name
        self._show_preset()
        where = self.config_path
        self.notify(f"Saved preset {preset.name!r} in {where}.", markup=False)

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
