"""The `[tui]` section of config.toml: what the terminal UI starts with, and the user's keys.

    [tui]
    output = "~/Pictures/camera"   # the download folder (-o overrides it)
    preset = "date-folders"        # fills both specs; file_spec / dir_spec override one each
    file_spec = "@capturedate@-@filename@"
    animations = false             # true lets Textual animate (more bytes over SSH)
    thumbnails = "auto"            # the highlighted photo's thumbnail, when there is room:
                                   # true, false, or "auto" (shown unless run over SSH)

    [tui.keys]                     # binding id = key, or several keys separated by commas
    presets.save = "f5"

A mistake in this section must not keep the UI from starting, so each bad entry becomes one line
in `problems` (the UI shows them as notifications) and its default is used. Only shapes are
checked here; the launcher checks specs and preset names, which need the rename engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from airnef_tui import paths

from .file import ConfigError, load_config

TUI_TABLE = "tui"
KEYS_TABLE = "keys"


@dataclass(frozen=True)
class TuiSettings:
    """What the UI starts with. `config_path` is where presets are read and saved (None: the
    usual place); `problems` are the lines to show the user about their config file."""

    output: Path | None = None
    preset: str | None = None
    file_spec: str | None = None
    dir_spec: str | None = None
    animations: bool = False
    thumbnails: bool | None = None  # None: "auto", shown unless the UI runs over SSH
    keys: Mapping[str, str] = field(default_factory=dict)
    config_path: Path | None = None
    problems: tuple[str, ...] = ()


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {value!r}")
    return value


def _name(value: object) -> str:
    text = _text(value)
    if not text.strip():
        raise ValueError("must not be empty")
    return text


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, not {value!r}")
    return value


def _flag_or_auto(value: object) -> bool | None:
    if value == "auto":
        return None
    if not isinstance(value, bool):
        raise ValueError(f'must be true, false or "auto", not {value!r}')
    return value


def _folder(value: object) -> Path:
    return Path(_name(value)).expanduser().absolute()


_READERS: dict[str, Callable[[object], object]] = {
    "output": _folder, "preset": _name, "file_spec": _text, "dir_spec": _text,
    "animations": _flag, "thumbnails": _flag_or_auto,
}


def _key_list(value: object) -> str:
    """Textual's form: keys separated by commas, without the spaces people put after them."""
    keys = [key.strip() for key in _name(value).split(",")]
    if not all(keys):
        raise ValueError(f"{value!r} has an empty key between its commas")
    return ",".join(keys)


def _flat(table: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """Binding ids are dotted ("files.toggle"), and TOML reads `files.toggle = "x"` as a table
    in a table: both spellings (and a quoted key) come back as the dotted id."""
    flat: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _keys(table: object, where: str) -> tuple[dict[str, str], list[str]]:
    if not isinstance(table, Mapping):
        return {}, [f"{where} [tui.keys]: must be a table of binding id = \"key\""]
    keys: dict[str, str] = {}
    problems = []
    for binding_id, value in _flat(table).items():
        try:
            keys[binding_id] = _key_list(value)
        except ValueError as error:
            problems.append(f"{where} [tui.keys] {binding_id}: {error}")
    return keys, problems


def tui_settings(document: Mapping[str, object], where: str) -> TuiSettings:
    """The settings of a parsed config file; `where` names the file in problem lines."""
    table = document.get(TUI_TABLE, {})
    if not isinstance(table, Mapping):
        return TuiSettings(problems=(f"{where}: tui must be a table ([tui])",))
    values: dict[str, object] = {}
    problems: list[str] = []
    for key, value in table.items():
        if key == KEYS_TABLE:
            values["keys"], key_problems = _keys(value, where)
            problems += key_problems
            continue
        reader = _READERS.get(key)
        if reader is None:
            known = ", ".join([*_READERS, KEYS_TABLE])
            problems.append(f"{where} [tui]: unknown setting {key!r} (known: {known})")
            continue
        try:
            values[key] = reader(value)
        except ValueError as error:
            problems.append(f"{where} [tui] {key}: {error}")
    return replace(TuiSettings(), **values, problems=tuple(problems))  # type: ignore[arg-type]


def load_tui_settings(path: Path | None = None) -> TuiSettings:
    """The `[tui]` settings of the config file at `path` (default: the usual place); a file that
    cannot be read gives the defaults, with the reason as the one problem."""
    path = paths.config_path() if path is None else path
    try:
        settings = tui_settings(load_config(path), str(path))
    except ConfigError as error:
        settings = TuiSettings(problems=(str(error),))
    return replace(settings, config_path=path)
