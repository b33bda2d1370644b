"""Named pairs of specs: a few built in, and the user's own in the config file.

User presets live in `[presets.NAME]` tables of config.toml (`airnef_tui.paths.config_path()`):

    [presets.wedding]
    description = "Client folders by day"
    file_spec = "@capturedate_iso@_@capturetime_iso@_@filename@"
    dir_spec = "Weddings/@capturedate_y@/@capturedate_iso@"

An empty `file_spec` keeps the camera's names; an empty `dir_spec` puts files straight into the
output folder. This is the one module of the package that touches files, and only the config
file, through `airnef_tui.config`: reading it when asked, and saving one preset in place (the
file is the user's, comments and layout included).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from airnef_tui import paths
from airnef_tui.config import ConfigError, edit_config, load_config, set_table

from .compiled import CompiledSpec
from .errors import PresetError, SpecError
from .parser import compile_optional

PRESETS_TABLE = "presets"
_FIELDS = ("description", "file_spec", "dir_spec")
MAX_NAME_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Preset:
    """A name, a one-line description, and the two specs ("" = not renamed / no sub-folder)."""

    name: str
    description: str
    file_spec: str = ""
    dir_spec: str = ""
    builtin: bool = False

    def compile(self) -> tuple[CompiledSpec | None, CompiledSpec | None]:
        """(name spec, dir spec), None where blank. Raises PresetError naming the preset."""
        try:
            name_spec = compile_optional(self.file_spec, "file")
        except SpecError as error:
            raise PresetError(f"preset {self.name!r}: file_spec {self.file_spec!r}: {error}") \
                from error
        try:
            dir_spec = compile_optional(self.dir_spec, "dir")
        except SpecError as error:
            raise PresetError(f"preset {self.name!r}: dir_spec {self.dir_spec!r}: {error}") \
                from error
        return name_spec, dir_spec


BUILTIN_PRESETS: tuple[Preset, ...] = (
    Preset("camera-names", "The camera's own file names, straight into the output folder",
           "", "", builtin=True),
    Preset("date-time-original", "YYYYMMDD-HHMMSS-original name, e.g. "
           "20150924-140513-DSC_0014.NEF", "@capturedate@-@capturetime@-@filename@", "",
           builtin=True),
    Preset("date-folders", "Camera names in a folder per year and day, e.g. "
           "2015/2015-09-24/DSC_0014.NEF", "", "@capturedate_y@/@capturedate_iso@",
           builtin=True),
    Preset("by-camera-model", "Camera names in a folder per camera model, e.g. "
           "D7200/DSC_0014.NEF", "", "@cameramodel@", builtin=True),
    Preset("dlnum-sequence", "airnef-style numbering that never repeats for a camera, e.g. "
           "D7200_5345.NEF", "@cameramodel@_@dlnum_lifetime@.@filename_ext@", "",
           builtin=True),
)


def check_preset_name(name: str) -> None:
    """A name people can type and read back: printable, short, without spaces around it."""
    if not name or not name.strip():
        raise PresetError("a preset needs a name")
    if name != name.strip():
        raise PresetError(f"preset name {name!r} must not start or end with a space")
    if len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise PresetError(f"preset name {name!r} must be printable and at most "
                          f"{MAX_NAME_LENGTH} characters")


def _preset_from_table(name: str, table: object) -> Preset:
    if not isinstance(table, dict):
        raise PresetError(f"preset {name!r}: expected a [presets.{name}] table")
    unknown = sorted(set(table) - set(_FIELDS))
    if unknown:
        raise PresetError(f"preset {name!r}: unknown key {unknown[0]!r} "
                          f"(expected {', '.join(_FIELDS)})")
    for key in _FIELDS:
        if not isinstance(table.get(key, ""), str):
            raise PresetError(f"preset {name!r}: {key} must be a string")
    preset = Preset(name, table.get("description", ""), table.get("file_spec", ""),
                    table.get("dir_spec", ""))
    check_preset_name(name)
    preset.compile()
    return preset



@dataclass(frozen=True, slots=True)
class PresetProblem:
    """Why a user preset (or, with `name` None, the whole presets table) was skipped."""

    name: str | None
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class LoadedPresets:
    """The presets that can be used, and one problem per entry that was skipped."""

    presets: list[Preset]
    problems: list[PresetProblem]

    def named(self, name: str) -> Preset | None:
        return next((preset for preset in reversed(self.presets) if preset.name == name), None)


def load_user_presets(config: Path | None = None) -> LoadedPresets:
    """The user's presets in file order. A bad entry is skipped and named in `problems` while
    the others load: one typo must not hide every preset the user has."""
    try:
        document = load_config(config)
    except ConfigError as error:
        return LoadedPresets([], [PresetProblem(None, str(error))])
    tables = document.get(PRESETS_TABLE, {})
    if not isinstance(tables, dict):
        return LoadedPresets([], [PresetProblem(
            None, f"'{PRESETS_TABLE}' in the config file must be a table of presets")])
    presets, problems = [], []
    for name, table in tables.items():
        try:
            presets.append(_preset_from_table(name, table))
        except PresetError as error:
            problems.append(PresetProblem(name, str(error)))
    return LoadedPresets(presets, problems)


def all_presets(config: Path | None = None) -> LoadedPresets:
    """Built-in presets, then the user's; a user preset with a built-in's name replaces it."""
    user = load_user_presets(config)
    user_names = {preset.name for preset in user.presets}
    builtins = [preset for preset in BUILTIN_PRESETS if preset.name not in user_names]
    return LoadedPresets(builtins + user.presets, user.problems)


def find_preset(name: str, config: Path | None = None) -> Preset:
    """The preset called `name`; PresetError saying why a bad one was skipped, or which exist."""
    loaded = all_presets(config)
    preset = loaded.named(name)
    if preset is not None:
        return preset
    problem = next((problem for problem in loaded.problems if problem.name == name), None)
    if problem is not None:
        raise PresetError(problem.message)
    known = ", ".join(preset.name for preset in loaded.presets)
    unreadable = "".join(f"; {problem}" for problem in loaded.problems if problem.name is None)
    raise PresetError(f"no preset named {name!r} (known: {known}){unreadable}")


def save_user_preset(preset: Preset, config: Path | None = None) -> None:
    """Write `preset` as `[presets.NAME]` into the config file, in place: an existing table of
    that name keeps its place and comments, a new one goes at the end, nothing else changes.
    PresetError (one line) if the preset is unusable or the file cannot be changed safely."""
    check_preset_name(preset.name)
    preset.compile()
    path = paths.config_path() if config is None else config
    values = {"description": preset.description, "file_spec": preset.file_spec,
              "dir_spec": preset.dir_spec}
    try:
        edit_config(lambda text: set_table(text, (PRESETS_TABLE, preset.name), values, path),
                    path)
    except ConfigError as error:
        raise PresetError(f"preset {preset.name!r} not saved: {error}") from None
