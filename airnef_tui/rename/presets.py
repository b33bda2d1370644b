"""Named pairs of specs: a few built in, and the user's own in the config file.

User presets live in `[presets.NAME]` tables of config.toml (`airnef_tui.paths.config_path()`):

    [presets.wedding]
    description = "Client folders by day"
    file_spec = "@capturedate_iso@_@capturetime_iso@_@filename@"
    dir_spec = "Weddings/@capturedate_y@/@capturedate_iso@"

An empty `file_spec` keeps the camera's names; an empty `dir_spec` puts files straight into the
output folder. This is the one module of the package that touches files, and only the config
file, when asked to.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from airnef_tui import paths

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


def _config(config: Path | None) -> Path:
    return paths.config_path() if config is None else config


def _read_document(config: Path) -> tuple[str, dict]:
    try:
        text = config.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "", {}
    except (OSError, UnicodeDecodeError) as error:
        raise PresetError(f"cannot read {config}: {error}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PresetError(f"{config} is not valid TOML: {error}") from None


def check_preset_name(name: str) -> None:
    if not name or not name.strip():
        raise PresetError("a preset needs a name")
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


def load_user_presets(config: Path | None = None) -> list[Preset]:
    """The user's presets in file order; raises PresetError naming the first bad one."""
    _, document = _read_document(_config(config))
    tables = document.get(PRESETS_TABLE, {})
    if not isinstance(tables, dict):
        raise PresetError(f"'{PRESETS_TABLE}' in the config file must be a table of presets")
    return [_preset_from_table(name, table) for name, table in tables.items()]


def all_presets(config: Path | None = None) -> list[Preset]:
    """Built-in presets, then the user's; a user preset with a built-in's name replaces it."""
    user = load_user_presets(config)
    user_names = {preset.name for preset in user}
    return [preset for preset in BUILTIN_PRESETS if preset.name not in user_names] + user


def find_preset(name: str, config: Path | None = None) -> Preset:
    for preset in reversed(all_presets(config)):
        if preset.name == name:
            return preset
    known = ", ".join(preset.name for preset in all_presets(config))
    raise PresetError(f"no preset named {name!r} (known: {known})")
